// ARG_MAX and ARG_MIN share one validation and one kernel that reads
// op.type (arg_max.cpp defines them, arg_min.cpp registers them again), as
// SUB shares ADD's.
#pragma once

#include <memory>

#include "ops/op_kernel.h"

namespace lowbit {

// Input float32, int8, uint8 or int32 of rank >= 1; AxisOptions::axis in
// [-rank, rank) with a non-empty dimension; output int32 or int64 with the
// input's shape minus the axis.
Status validate_arg_reduce(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes);

Result<std::unique_ptr<OpKernel>> create_arg_reduce(const GraphDesc& graph,
                                                    const OperatorDesc& op);

}  // namespace lowbit
