#include "support/blocks.h"

#include <random>
#include <vector>

#include "support/model_runner.h"

namespace lowbit {
namespace testing {
namespace {

// Per-channel int8 conv weights with scales chosen so accumulators stay in a
// range that requantizes to unsaturated outputs.
int add_int8_weights(ModelBuilder& b, std::mt19937& rng, const std::string& name, Shape shape,
                     int channel_axis) {
  const size_t n = static_cast<size_t>(shape.num_elements());
  std::vector<int8_t> w = random_ints<int8_t>(rng, n, -127, 127);
  std::vector<float> scales(shape[channel_axis]);
  for (auto& s : scales) s = 0.002f + 0.002f * static_cast<float>(rng() % 100) / 100.0f;
  return b.add_constant(name, DType::kInt8, shape, w, per_axis(scales, channel_axis));
}

int add_int8_bias(ModelBuilder& b, std::mt19937& rng, const std::string& name, int channels,
                  float in_scale, const TensorDesc& weights) {
  std::vector<int32_t> bias(channels);
  std::vector<float> scales(channels);
  for (int c = 0; c < channels; ++c) {
    scales[c] = in_scale * weights.quant.scales[c];
    bias[c] = static_cast<int32_t>(rng() % 2001) - 1000;
  }
  return b.add_constant(name, DType::kInt32, Shape{channels}, bias, per_axis(scales, 0));
}

int add_float_constant(ModelBuilder& b, std::mt19937& rng, const std::string& name, Shape shape,
                       float range) {
  std::vector<float> v = random_floats(rng, static_cast<size_t>(shape.num_elements()), -range, range);
  return b.add_constant(name, DType::kFloat32, shape, v);
}

}  // namespace

void build_int8_block(ModelBuilder& b, int h, int w, int c, int expansion, uint32_t seed) {
  std::mt19937 rng(seed);
  const int e = c * expansion;
  const float in_scale = 0.05f;
  const int x = b.add_tensor("input", DType::kInt8, Shape{1, h, w, c}, per_tensor(in_scale, 3));
  const int w1 = add_int8_weights(b, rng, "expand/weights", Shape{e, 1, 1, c}, 0);
  const int b1 = add_int8_bias(b, rng, "expand/bias", e, in_scale, b.graph().tensors[w1]);
  const int y1 = b.add_tensor("expand/out", DType::kInt8, Shape{1, h, w, e}, per_tensor(0.03f, -128));
  Conv2DOptions pw;
  pw.activation = Activation::kRelu6;
  b.add_operator(OpType::kConv2D, {x, w1, b1}, {y1}, pw, "expand");

  const int w2 = add_int8_weights(b, rng, "dw/weights", Shape{1, 3, 3, e}, 3);
  const int b2 = add_int8_bias(b, rng, "dw/bias", e, 0.03f, b.graph().tensors[w2]);
  const int y2 = b.add_tensor("dw/out", DType::kInt8, Shape{1, h, w, e}, per_tensor(0.03f, -128));
  DepthwiseConv2DOptions dw;
  dw.padding = Padding::kSame;
  dw.activation = Activation::kRelu6;
  b.add_operator(OpType::kDepthwiseConv2D, {y1, w2, b2}, {y2}, dw, "depthwise");

  const int w3 = add_int8_weights(b, rng, "project/weights", Shape{c, 1, 1, e}, 0);
  const int b3 = add_int8_bias(b, rng, "project/bias", c, 0.03f, b.graph().tensors[w3]);
  const int y3 = b.add_tensor("project/out", DType::kInt8, Shape{1, h, w, c}, per_tensor(0.06f, 2));
  b.add_operator(OpType::kConv2D, {y2, w3, b3}, {y3}, Conv2DOptions{}, "project");

  const int out = b.add_tensor("output", DType::kInt8, Shape{1, h, w, c}, per_tensor(0.08f, -1));
  b.add_operator(OpType::kAdd, {x, y3}, {out}, ElementwiseOptions{}, "residual");
  b.set_inputs({x});
  b.set_outputs({out});
}

void build_binary_block(ModelBuilder& b, int h, int w, int c, uint32_t seed) {
  std::mt19937 rng(seed);
  const int x = b.add_tensor("input", DType::kFloat32, Shape{1, h, w, c});
  const int bits = b.add_tensor("input/bits", DType::kBit, Shape{1, h, w, c});
  b.add_operator(OpType::kBitpack, {x}, {bits}, {}, "bitpack");

  auto add_filter = [&](const std::string& name, int cout, int cin) {
    const int words = bit_words(cin);
    std::vector<uint32_t> packed(static_cast<size_t>(cout) * 3 * 3 * words);
    for (size_t i = 0; i < packed.size(); ++i) {
      uint32_t v = static_cast<uint32_t>(rng());
      const int word_in_row = static_cast<int>(i % words);
      const int valid = cin - word_in_row * 32;
      if (valid < 32) v &= (1u << valid) - 1u;  // pad bits stay zero
      packed[i] = v;
    }
    return b.add_constant(name, DType::kBit, Shape{cout, 3, 3, cin}, packed);
  };

  const int f1 = add_filter("bconv1/filter", c, c);
  std::vector<int32_t> thresholds(c);
  for (auto& t : thresholds) t = static_cast<int32_t>(9 * c / 2 + static_cast<int>(rng() % 5) - 2);
  const int th = b.add_constant("bconv1/threshold", DType::kInt32, Shape{c}, thresholds);
  const int y1 = b.add_tensor("bconv1/out", DType::kBit, Shape{1, h, w, c});
  BConv2DOptions o1;
  o1.padding = Padding::kSame;
  o1.pad_values = 1;
  b.add_operator(OpType::kBConv2D, {bits, f1, kAbsentInput, kAbsentInput, th}, {y1}, o1, "bconv1");

  const int y2 = b.add_tensor("pool/out", DType::kBit, Shape{1, h / 2, w / 2, c});
  Pool2DOptions pool;
  pool.filter_h = pool.filter_w = 2;
  pool.stride_h = pool.stride_w = 2;
  b.add_operator(OpType::kBMaxPool2D, {y1}, {y2}, pool, "bmaxpool");

  const int f2 = add_filter("bconv2/filter", c, c);
  const int mul = add_float_constant(b, rng, "bconv2/multiplier", Shape{c}, 1.0f);
  const int bias = add_float_constant(b, rng, "bconv2/bias", Shape{c}, 2.0f);
  const int out = b.add_tensor("output", DType::kFloat32, Shape{1, h / 2, w / 2, c});
  BConv2DOptions o2;
  o2.padding = Padding::kSame;
  o2.pad_values = 0;
  b.add_operator(OpType::kBConv2D, {y2, f2, mul, bias}, {out}, o2, "bconv2");
  b.set_inputs({x});
  b.set_outputs({out});
}

void build_float_block(ModelBuilder& b, int h, int w, int c, int expansion, uint32_t seed) {
  std::mt19937 rng(seed);
  const int e = c * expansion;
  const int x = b.add_tensor("input", DType::kFloat32, Shape{1, h, w, c});
  const int w1 = add_float_constant(b, rng, "expand/weights", Shape{e, 1, 1, c}, 0.5f);
  const int b1 = add_float_constant(b, rng, "expand/bias", Shape{e}, 0.1f);
  const int y1 = b.add_tensor("expand/out", DType::kFloat32, Shape{1, h, w, e});
  Conv2DOptions pw;
  pw.activation = Activation::kRelu6;
  b.add_operator(OpType::kConv2D, {x, w1, b1}, {y1}, pw, "expand");

  const int w2 = add_float_constant(b, rng, "dw/weights", Shape{1, 3, 3, e}, 0.5f);
  const int b2 = add_float_constant(b, rng, "dw/bias", Shape{e}, 0.1f);
  const int y2 = b.add_tensor("dw/out", DType::kFloat32, Shape{1, h, w, e});
  DepthwiseConv2DOptions dw;
  dw.padding = Padding::kSame;
  dw.activation = Activation::kRelu6;
  b.add_operator(OpType::kDepthwiseConv2D, {y1, w2, b2}, {y2}, dw, "depthwise");

  const int w3 = add_float_constant(b, rng, "project/weights", Shape{c, 1, 1, e}, 0.5f);
  const int b3 = add_float_constant(b, rng, "project/bias", Shape{c}, 0.1f);
  const int y3 = b.add_tensor("project/out", DType::kFloat32, Shape{1, h, w, c});
  b.add_operator(OpType::kConv2D, {y2, w3, b3}, {y3}, Conv2DOptions{}, "project");

  const int out = b.add_tensor("output", DType::kFloat32, Shape{1, h, w, c});
  b.add_operator(OpType::kAdd, {x, y3}, {out}, ElementwiseOptions{}, "residual");
  b.set_inputs({x});
  b.set_outputs({out});
}

}  // namespace testing
}  // namespace lowbit
