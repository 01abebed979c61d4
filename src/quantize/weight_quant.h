// Symmetric quantization of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED
// weights (int8 in [-127, 127], int4 in [-7, 7]), their int32 biases, and the
// INT4 packing of the .lbm format.
#pragma once

#include <cstdint>
#include <vector>

#include "lowbit/graph.h"

namespace lowbit {
namespace quantize {

struct QuantizedWeights {
  std::vector<int8_t> values;   // one per weight, in the float tensor's order
  std::vector<float> scales;    // one per output channel, or one (per tensor)
  int axis = 0;                 // the output-channel axis
  int bits = 8;
};

// The output-channel axis of a weighted operator's weights: 0 for CONV_2D
// [O,H,W,I] and FULLY_CONNECTED [O,I], 3 for DEPTHWISE_CONV_2D [1,H,W,O].
int weight_channel_axis(OpType type);

// `bits` 8 or 4. Per channel unless `per_tensor`. A channel of zeros gets the
// scale 1/qmax, so that its bias still quantizes to a reasonable int32.
// `min_scales` (one per channel, or empty) raises scales that are smaller.
QuantizedWeights quantize_weights(const TensorDesc& weights, OpType type, int bits,
                                  bool per_tensor, const std::vector<float>& min_scales = {});

// The smallest weight scales that keep each channel's int32 bias within
// +-2^30 at this input scale, leaving the rest of the int32 accumulator to the
// products (TFLite's quantizer widens weight scales the same way). Channels
// whose weights are near zero but whose bias is not (dead channels after
// batch-norm folding) otherwise give biases the runtime refuses as overflowing.
std::vector<float> bias_limited_scales(const std::vector<float>& bias, float input_scale);

// scale * q for every weight (the float weights the quantized layer computes with).
std::vector<float> dequantize_weights(const QuantizedWeights& q, const Shape& shape);

// int32 bias: round(b[c] / (input_scale * weight_scale[c])), saturated.
std::vector<int32_t> quantize_bias(const std::vector<float>& bias, float input_scale,
                                   const QuantizedWeights& weights);

// Two signed nibbles per byte over the flattened tensor, element 2i in the
// low nibble of byte i (DType::kInt4). Values must be in [-8, 7].
std::vector<uint8_t> pack_int4(const std::vector<int8_t>& values);
std::vector<int8_t> unpack_int4(const std::vector<uint8_t>& bytes, size_t count);

// The operator's float bias values (zeros when it has none): `channels` of them.
std::vector<float> float_bias(const GraphDesc& graph, const OperatorDesc& op, int channels);

}  // namespace quantize
}  // namespace lowbit
