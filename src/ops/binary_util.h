// Helpers shared by the binary operators (BCONV2D, BFULLY_CONNECTED, BMAXPOOL2D,
// BITPACK, BIT_UNPACK): operand checks for the three output modes, folding the
// output transform at prepare time, and splitting pixel ranges over threads.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/reference/bin_conv2d.h"
#include "ops/op_kernel.h"

namespace lowbit {

// Operand positions shared by BCONV2D and BFULLY_CONNECTED.
constexpr size_t kBinInput = 0;
constexpr size_t kBinWeights = 1;
constexpr size_t kBinMultiplier = 2;
constexpr size_t kBinBias = 3;
constexpr size_t kBinThreshold = 4;

// Output dtype -> mode; fails for other dtypes, naming the output.
Status bin_output_mode(const GraphDesc& graph, const OperatorDesc& op, ref::BinOutputMode* mode);

// Checks inputs 2..4 for the output mode: multiplier and bias (constant
// float32[out_channels]) for float32/int8 output, threshold (constant
// int32[out_channels]) for bit output, the others absent. Also the int8
// output's quantization and that bit output has no fused activation.
Status validate_bin_output_operands(const GraphDesc& graph, const OperatorDesc& op,
                                    int32_t out_channels, Activation activation);

// Dimension checks with messages naming the operand.
Status check_positive_dims(const GraphDesc& graph, const OperatorDesc& op, bool is_input,
                           size_t i);

// LCE's integer activation range on the ±1 convolution value.
void bin_activation_range(Activation activation, int32_t* act_min, int32_t* act_max);

// Fills `transform` for a validated operator: folded multiplier/bias in
// persistent memory (float32/int8) or the threshold pointer (bit).
// k = kernel_h * kernel_w * channels per group.
Status prepare_bin_output_transform(PrepareContext& ctx, int32_t out_channels, int32_t k,
                                    Activation activation, ref::BinOutputTransform* transform);

// Calls body(begin, end) over [0, count) in contiguous chunks spread over the
// pool. Chunking never changes results: every kernel computes each row alone.
template <typename Body>
void bin_parallel_rows(ThreadPool& pool, size_t count, Body&& body) {
  if (count == 0) return;
  const size_t chunks = std::min(count, size_t(std::max(1, pool.num_threads())) * 4);
  if (chunks == 1) {
    body(size_t{0}, count);
    return;
  }
  pool.parallel_for(chunks, [&](size_t i) { body(i * count / chunks, (i + 1) * count / chunks); });
}

}  // namespace lowbit
