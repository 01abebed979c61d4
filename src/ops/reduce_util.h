// What MEAN, SUM, REDUCE_MAX and REDUCE_MIN share (all take MeanOptions: the
// axes, or a constant int32 second input when the options list none, with
// negative values and duplicates as TFLite allows; and keep_dims): axis
// resolution, the output shape, and the two kernels, one for plain values
// (kernels/reference/reduce.h) and one that rescales quantized sums
// (kernels/reference/qs8_mean.h).
#pragma once

#include <memory>

#include "kernels/reference/reduce.h"
#include "ops/op_kernel.h"

namespace lowbit {

// Which input dimensions are reduced, validated and de-duplicated.
Status resolve_reduce_axes(const GraphDesc& graph, const OperatorDesc& op, bool reduced[kMaxRank]);

// One input (plus the optional axes), one output of the input's dtype (one of
// `dtypes`); the reduced shape in output_shapes[0]. Refuses empty inputs.
Status validate_reduce(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes,
                       std::initializer_list<DType> dtypes);

// The plain-value reduction `kind` (any dtype of reduce.h).
std::unique_ptr<OpKernel> plain_reduce_kernel(ref::ReduceKind kind);

// The int8/uint8 sum rescaled to the output (TFLite's QuantizedMeanOrSum);
// MEAN folds 1/count into the multiplier.
std::unique_ptr<OpKernel> quantized_mean_or_sum_kernel();

// SUM, REDUCE_MAX, REDUCE_MIN (sum.cpp defines them; reduce_max.cpp and
// reduce_min.cpp register them again).
Status validate_sum_max_min(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes);
Result<std::unique_ptr<OpKernel>> create_sum_max_min(const GraphDesc& graph,
                                                     const OperatorDesc& op);

}  // namespace lowbit
