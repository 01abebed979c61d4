// int8 LOGISTIC kernels (kernels/reference/qs8_logistic.h): the fixed-point
// form (tflite_reference) and the table form (the other profiles).
#pragma once

#include "kernels/isa.h"
#include "kernels/reference/qs8_logistic.h"

namespace lowbit {

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/qs8_logistic_config.cpp).
KernelFamily<ref::Qs8LogisticFn> qs8_logistic_variants();
KernelFamily<ref::Qs8TableFn> qs8_logistic_table_variants();

}  // namespace lowbit
