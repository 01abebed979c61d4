// int8 HARD_SWISH kernels (kernels/reference/qs8_hardswish.h).
#pragma once

#include "kernels/isa.h"
#include "kernels/reference/qs8_hardswish.h"

namespace lowbit {

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/qs8_hardswish_config.cpp).
KernelFamily<ref::Qs8HardSwishFn> qs8_hardswish_variants();

}  // namespace lowbit
