// Data movement kernels of any element size (kernels/reference/data_movement.h):
// the strided copy behind TRANSPOSE, slices, splits, packs, TILE and the
// depth/space rearrangements, and GATHER.
#pragma once

#include "kernels/isa.h"
#include "kernels/reference/data_movement.h"

namespace lowbit {

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/data_movement_config.cpp).
KernelFamily<ref::StridedCopyFn> move_strided_variants();
KernelFamily<ref::GatherFn> move_gather_variants();

}  // namespace lowbit
