#include "quantize/weight_quant.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/int4.h"

namespace lowbit {
namespace quantize {

int weight_channel_axis(OpType type) { return type == OpType::kDepthwiseConv2D ? 3 : 0; }

QuantizedWeights quantize_weights(const TensorDesc& weights, OpType type, int bits,
                                  bool per_tensor, const std::vector<float>& min_scales) {
  QuantizedWeights q;
  q.bits = bits;
  q.axis = weight_channel_axis(type);
  const float qmax = bits == 4 ? 7.0f : 127.0f;
  const size_t count = static_cast<size_t>(weights.shape.num_elements());
  std::vector<float> w(count);
  if (count > 0) std::memcpy(w.data(), weights.data, count * sizeof(float));
  // Elements are [outer, channel, inner] around the channel axis.
  const int channels = weights.shape[q.axis];
  size_t inner = 1;
  for (int d = q.axis + 1; d < weights.shape.rank; ++d) inner *= weights.shape[d];
  const size_t outer = count / (inner * static_cast<size_t>(channels));
  std::vector<float> max_abs(channels, 0.0f);
  for (size_t o = 0; o < outer; ++o) {
    for (int c = 0; c < channels; ++c) {
      for (size_t i = 0; i < inner; ++i) {
        const float v = w[(o * channels + c) * inner + i];
        if (std::isfinite(v)) max_abs[c] = std::max(max_abs[c], std::fabs(v));
      }
    }
  }
  if (per_tensor) {
    const float m = *std::max_element(max_abs.begin(), max_abs.end());
    q.scales.assign(1, m > 0.0f ? m / qmax : 1.0f / qmax);
    for (float s : min_scales) q.scales[0] = std::max(q.scales[0], s);
  } else {
    for (float m : max_abs) q.scales.push_back(m > 0.0f ? m / qmax : 1.0f / qmax);
    for (size_t c = 0; c < min_scales.size() && c < q.scales.size(); ++c) {
      q.scales[c] = std::max(q.scales[c], min_scales[c]);
    }
  }
  q.values.resize(count);
  for (size_t o = 0; o < outer; ++o) {
    for (int c = 0; c < channels; ++c) {
      const float scale = q.scales[per_tensor ? 0 : c];
      for (size_t i = 0; i < inner; ++i) {
        const size_t k = (o * channels + c) * inner + i;
        const float r = std::isfinite(w[k]) ? std::round(w[k] / scale) : 0.0f;
        q.values[k] = static_cast<int8_t>(std::clamp(r, -qmax, qmax));
      }
    }
  }
  return q;
}

std::vector<float> dequantize_weights(const QuantizedWeights& q, const Shape& shape) {
  const int channels = shape[q.axis];
  size_t inner = 1;
  for (int d = q.axis + 1; d < shape.rank; ++d) inner *= shape[d];
  std::vector<float> out(q.values.size());
  for (size_t k = 0; k < out.size(); ++k) {
    const size_t c = (k / inner) % static_cast<size_t>(channels);
    out[k] = q.scales[q.scales.size() == 1 ? 0 : c] * static_cast<float>(q.values[k]);
  }
  return out;
}

std::vector<int32_t> quantize_bias(const std::vector<float>& bias, float input_scale,
                                   const QuantizedWeights& weights) {
  std::vector<int32_t> out(bias.size());
  for (size_t c = 0; c < bias.size(); ++c) {
    const double scale = double{input_scale} * weights.scales[weights.scales.size() == 1 ? 0 : c];
    const double r = std::round(double{bias[c]} / scale);
    const double lim = std::numeric_limits<int32_t>::max();
    out[c] = std::isfinite(r) ? static_cast<int32_t>(std::clamp(r, -lim, lim)) : 0;
  }
  return out;
}

std::vector<float> bias_limited_scales(const std::vector<float>& bias, float input_scale) {
  constexpr double kMaxBias = 1073741824.0;  // 2^30
  std::vector<float> scales(bias.size(), 0.0f);
  for (size_t c = 0; c < bias.size(); ++c) {
    if (std::isfinite(bias[c])) {
      scales[c] = static_cast<float>(std::fabs(double{bias[c]}) / (double{input_scale} * kMaxBias));
    }
  }
  return scales;
}

std::vector<uint8_t> pack_int4(const std::vector<int8_t>& values) {
  std::vector<uint8_t> bytes((values.size() + 1) / 2, 0);
  for (size_t i = 0; i < values.size(); ++i) {
    const uint8_t nibble = static_cast<uint8_t>(values[i]) & 0x0f;
    bytes[i / 2] |= static_cast<uint8_t>(i % 2 == 0 ? nibble : nibble << 4);
  }
  return bytes;
}

std::vector<int8_t> unpack_int4(const std::vector<uint8_t>& bytes, size_t count) {
  std::vector<int8_t> values(count);
  for (size_t i = 0; i < count && i / 2 < bytes.size(); ++i) {
    values[i] = int4_element(bytes.data(), i);
  }
  return values;
}

std::vector<float> float_bias(const GraphDesc& graph, const OperatorDesc& op, int channels) {
  std::vector<float> bias(channels, 0.0f);
  if (op.inputs.size() > 2 && op.inputs[2] >= 0) {
    const TensorDesc& b = graph.tensors[op.inputs[2]];
    const size_t n = std::min(static_cast<size_t>(channels), b.data_bytes / sizeof(float));
    if (n > 0) std::memcpy(bias.data(), b.data, n * sizeof(float));
  }
  return bias;
}

}  // namespace quantize
}  // namespace lowbit
