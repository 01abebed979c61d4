// Data movement kernels of any byte-sized dtype (kernels/reference/copy_tensor.h):
// PAD, RESHAPE (a byte copy) and CONCATENATION.
#pragma once

#include "kernels/isa.h"
#include "kernels/reference/copy_tensor.h"

namespace lowbit {

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/copy_config.cpp).
KernelFamily<ref::PadFn> copy_pad_variants();
KernelFamily<ref::CopyFn> copy_bytes_variants();
KernelFamily<ref::ConcatFn> copy_concat_variants();

}  // namespace lowbit
