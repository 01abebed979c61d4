// AVERAGE_POOL_2D and MAX_POOL_2D, int8 NHWC: the hosted operators' checks
// and geometry (src/ops/pool2d_common.cpp) around one kernel family each;
// the two operators differ only in the family they pass.
#pragma once

#include "kernels/qs8_pool.h"
#include "micro/op.h"

namespace lowbit {
namespace micro {

lowbit_status prepare_pool_2d(PrepareContext& ctx, KernelFamily<ref::Qs8Pool2dFn> family);
void invoke_pool_2d(const InvokeArgs& args);

}  // namespace micro
}  // namespace lowbit
