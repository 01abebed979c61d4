// Data movement kernels of any element size (kernels/reference/data_movement.h):
// the strided copy behind TRANSPOSE, slices, splits, packs, TILE and the
// depth/space rearrangements, and GATHER.
#pragma once

#include "kernels/isa.h"
#include "kernels/reference/data_movement.h"

namespace lowbit {

// TRANSPOSE's inner transposes in whole 16x16 tiles of 1- and 4-byte
// elements (kernels/x86/data_movement_avx2.cpp, kernels/arm/
// data_movement_neon.h); every other copy is the reference's.
void move_strided__avx2(const ref::StridedCopyParams& p, const void* input, void* output,
                        size_t row_begin, size_t row_end);
void move_strided__neon(const ref::StridedCopyParams& p, const void* input, void* output,
                        size_t row_begin, size_t row_end);
void move_strided__armv7neon(const ref::StridedCopyParams& p, const void* input, void* output,
                             size_t row_begin, size_t row_end);

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/data_movement_config.cpp).
KernelFamily<ref::StridedCopyFn> move_strided_variants();
KernelFamily<ref::GatherFn> move_gather_variants();

}  // namespace lowbit
