// 16x8 CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and TRANSPOSE_CONV
// (int16 activations, int8 weights, int64 or int32 bias) through the whole
// public path against an oracle written here the way TFLite's reference
// integer kernels are (direct loops, int64 sums, the 64-bit
// MultiplyByQuantizedMultiplier; FULLY_CONNECTED rescaled in double as
// LiteRT does), at 1 and 2 threads with the auto and reference kernel sets;
// and the named refusals of malformed 16x8 operands.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>

#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

struct Layer {
  ModelBuilder builder;
  std::vector<int16_t> input;
  std::vector<int16_t> want;
};

// TFLite's QuantizeMultiplier then the int64 MultiplyByQuantizedMultiplier.
int64_t tflite_rescale(int64_t acc, double real) {
  int exponent = 0;
  const double q = std::frexp(real, &exponent);
  int64_t fixed = std::llround(q * double(int64_t{1} << 31));
  if (fixed == int64_t{1} << 31) fixed /= 2, ++exponent;
  const int64_t reduced = fixed < 0x7FFF0000 ? (fixed + (1 << 15)) >> 16 : 0x7FFF;
  const int total_shift = 15 - exponent;
  return (acc * reduced + (int64_t{1} << (total_shift - 1))) >> total_shift;
}

int16_t clamp16(int64_t v, int64_t lo, int64_t hi) {
  return int16_t(std::min(hi, std::max(lo, v)));
}

struct ConvCase {
  int n, ih, iw, ic, oc, kh, kw, sh, sw, dh, dw, groups;
  bool same, depthwise, relu;
  int bias;  // 0 none, 1 int64, 2 int32
};

void conv_layer(std::mt19937& rng, const ConvCase& c, Layer& l) {
  const float in_s = 0.0005f, out_s = 0.002f + float(rng() % 100) * 1e-4f;
  const int fc = c.depthwise ? 1 : c.ic / c.groups;
  std::vector<float> w_s(size_t(c.oc));
  for (float& s : w_s) s = 0.005f + float(rng() % 100) * 1e-4f;
  auto pad = [&](int in, int k, int s, int d, int* out) {
    const int ek = (k - 1) * d + 1;
    *out = c.same ? (in + s - 1) / s : (in - ek) / s + 1;
    return c.same ? std::max(0, (*out - 1) * s + ek - in) / 2 : 0;
  };
  int oh = 0, ow = 0;
  const int pt = pad(c.ih, c.kh, c.sh, c.dh, &oh), pl = pad(c.iw, c.kw, c.sw, c.dw, &ow);
  const Shape w_shape = c.depthwise ? Shape{1, c.kh, c.kw, c.oc} : Shape{c.oc, c.kh, c.kw, fc};
  const auto w = random_ints<int8_t>(rng, size_t(c.oc) * c.kh * c.kw * fc, -127, 127);
  const auto bias = random_ints<int64_t>(rng, size_t(c.oc), -3000000, 3000000);
  l.input = random_ints<int16_t>(rng, size_t(c.n) * c.ih * c.iw * c.ic, -32768, 32767);
  auto& b = l.builder;
  const int x = b.add_tensor("x", DType::kInt16, {c.n, c.ih, c.iw, c.ic}, per_tensor(in_s, 0));
  const int wt = b.add_constant("w", DType::kInt8, w_shape, w, per_axis(w_s, c.depthwise ? 3 : 0));
  std::vector<int> inputs = {x, wt};
  if (c.bias == 1) inputs.push_back(b.add_constant("b", DType::kInt64, {c.oc}, bias));
  if (c.bias == 2) {
    std::vector<int32_t> narrow(bias.begin(), bias.end());
    inputs.push_back(b.add_constant("b", DType::kInt32, {c.oc}, narrow));
  }
  const int y = b.add_tensor("y", DType::kInt16, {c.n, oh, ow, c.oc}, per_tensor(out_s, 0));
  const Padding padding = c.same ? Padding::kSame : Padding::kValid;
  const Activation act = c.relu ? Activation::kRelu : Activation::kNone;
  if (c.depthwise) {
    DepthwiseConv2DOptions o;
    o.padding = padding, o.stride_h = c.sh, o.stride_w = c.sw, o.dilation_h = c.dh;
    o.dilation_w = c.dw, o.depth_multiplier = c.oc / c.ic, o.activation = act;
    b.add_operator(OpType::kDepthwiseConv2D, inputs, {y}, o);
  } else {
    Conv2DOptions o;
    o.padding = padding, o.stride_h = c.sh, o.stride_w = c.sw, o.dilation_h = c.dh;
    o.dilation_w = c.dw, o.activation = act;
    b.add_operator(OpType::kConv2D, inputs, {y}, o);
  }
  b.set_inputs({x});
  b.set_outputs({y});
  const int ocg = c.oc / c.groups;
  for (int bi = 0; bi < c.n; ++bi)
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox)
        for (int o = 0; o < c.oc; ++o) {
          int64_t acc = c.bias ? bias[size_t(o)] : 0;
          for (int ky = 0; ky < c.kh; ++ky)
            for (int kx = 0; kx < c.kw; ++kx)
              for (int i = 0; i < fc; ++i) {
                const int iy = oy * c.sh - pt + ky * c.dh, ix = ox * c.sw - pl + kx * c.dw;
                if (iy < 0 || iy >= c.ih || ix < 0 || ix >= c.iw) continue;
                const int channel = c.depthwise ? o / (c.oc / c.ic) : (o / ocg) * fc + i;
                const size_t wi = c.depthwise ? (size_t(ky) * c.kw + kx) * c.oc + o
                                              : ((size_t(o) * c.kh + ky) * c.kw + kx) * fc + i;
                const size_t xi = ((size_t(bi) * c.ih + iy) * c.iw + ix) * c.ic + channel;
                acc += int64_t(l.input[xi]) * w[wi];
              }
          const double real = double(in_s) * double(w_s[size_t(o)]) / double(out_s);
          l.want.push_back(clamp16(tflite_rescale(acc, real), c.relu ? 0 : -32768, 32767));
        }
}

void expect_runs_match(const Layer& l) {
  for (const char* kernel : {"auto", "reference"}) {
    for (int threads : {1, 2}) {
      InterpreterOptions options;
      options.kernel = kernel;
      options.num_threads = threads;
      const RunResult r = run_model(l.builder, {to_bytes(l.input)}, options);
      INFO("kernel set " << kernel << ", " << threads << " threads");
      REQUIRE(r.status.ok());
      CHECK(from_bytes<int16_t>(r.outputs[0]) == l.want);
    }
  }
}

}  // namespace

TEST_CASE("16x8 CONV_2D and DEPTHWISE_CONV_2D equal TFLite's reference loops", "[ops][qs16]") {
  std::mt19937 rng(test_seed());
  for (int i = 0; i < scaled_iterations(24); ++i) {
    ConvCase c{};
    c.n = 1 + int(rng() % 2), c.ih = 1 + int(rng() % 7), c.iw = 1 + int(rng() % 7);
    c.depthwise = i % 3 == 2;
    // Depthwise with multiplier 1 runs the SIMD rows: channels past a vector or two.
    c.ic = c.depthwise ? 1 + int(rng() % 40) : 1 + int(rng() % 9);
    c.groups = !c.depthwise && i % 4 == 1 && c.ic % 2 == 0 ? 2 : 1;
    const int multiplier = i % 6 == 2 ? 1 : 1 + int(rng() % 3);
    c.oc = c.depthwise ? c.ic * multiplier : c.groups * (1 + int(rng() % 9));
    c.kh = 1 + int(rng() % 3), c.kw = 1 + int(rng() % 3);
    c.sh = 1 + int(rng() % 2), c.sw = 1 + int(rng() % 2);
    c.dh = 1 + int(rng() % 2), c.dw = 1;
    c.same = true;  // every window size fits any input
    c.relu = i % 2 == 1;
    c.bias = i % 3;
    INFO("case " << i << (c.depthwise ? " depthwise" : " conv") << " groups " << c.groups);
    Layer l;
    conv_layer(rng, c, l);
    expect_runs_match(l);
  }
}

TEST_CASE("16x8 FULLY_CONNECTED rescales in double as LiteRT", "[ops][qs16]") {
  std::mt19937 rng(test_seed());
  for (int i = 0; i < scaled_iterations(12); ++i) {
    const int rows = 1 + int(rng() % 3), k = 1 + int(rng() % 300), units = 1 + int(rng() % 20);
    const bool per_channel = i % 2 == 0;
    Layer l;
    const float in_s = 0.0003f, out_s = 0.01f;
    std::vector<float> w_s(per_channel ? size_t(units) : 1);
    for (float& s : w_s) s = 0.002f + float(rng() % 100) * 1e-4f;
    const auto w = random_ints<int8_t>(rng, size_t(units) * k, -127, 127);
    const auto bias = random_ints<int64_t>(rng, size_t(units), -100000, 100000);
    l.input = random_ints<int16_t>(rng, size_t(rows) * k, -32768, 32767);
    auto& b = l.builder;
    const int x = b.add_tensor("x", DType::kInt16, {rows, k}, per_tensor(in_s, 0));
    const int wt = b.add_constant("w", DType::kInt8, {units, k}, w,
                                  per_channel ? per_axis(w_s, 0) : per_tensor(w_s[0], 0));
    const int bt = b.add_constant("b", DType::kInt64, {units}, bias);
    const int y = b.add_tensor("y", DType::kInt16, {rows, units}, per_tensor(out_s, 0));
    b.add_operator(OpType::kFullyConnected, {x, wt, bt}, {y}, FullyConnectedOptions{});
    b.set_inputs({x});
    b.set_outputs({y});
    for (int r = 0; r < rows; ++r)
      for (int u = 0; u < units; ++u) {
        int64_t acc = bias[size_t(u)];
        for (int j = 0; j < k; ++j) {
          acc += int64_t(l.input[size_t(r) * k + j]) * w[size_t(u) * k + j];
        }
        const float w_scale = w_s[per_channel ? size_t(u) : 0];
        const double scale = double(in_s) * double(w_scale) / double(out_s);
        l.want.push_back(clamp16(int64_t(std::round(double(acc) * scale)), -32768, 32767));
      }
    expect_runs_match(l);
  }
}

namespace {

struct Spoiled {
  Quantization in_q = per_tensor(0.001f, 0), out_q = per_tensor(0.002f, 0);
  DType bias_dtype = DType::kInt64;
  int64_t bias_value = 1;
};

// A small 16x8 layer of `type` (4 output values of 2 channels) built from `s`;
// returns the status of loading, preparing and invoking it.
Status layer_status(OpType type, const Spoiled& s) {
  ModelBuilder b;
  const bool fc = type == OpType::kFullyConnected;
  const Shape io = fc ? Shape{2, 2} : Shape{1, 2, 1, 2};
  const Shape w_shape = fc ? Shape{2, 2} : type == OpType::kDepthwiseConv2D ? Shape{1, 1, 1, 2}
                                                                            : Shape{2, 1, 1, 2};
  const int x = b.add_tensor("x", DType::kInt16, io, s.in_q);
  const int w = b.add_constant("w", DType::kInt8, w_shape,
                               std::vector<int8_t>(size_t(w_shape.num_elements()), 1),
                               per_tensor(0.01f, 0));
  const int bias = s.bias_dtype == DType::kInt8
                       ? b.add_constant("b", s.bias_dtype, {2}, std::vector<int8_t>(2, 1))
                       : b.add_constant("b", s.bias_dtype, {2},
                                        std::vector<int64_t>(2, s.bias_value));
  const int y = b.add_tensor("y", DType::kInt16, io, s.out_q);
  OpOptions options = Conv2DOptions{};
  if (fc) options = FullyConnectedOptions{};
  if (type == OpType::kDepthwiseConv2D) options = DepthwiseConv2DOptions{};
  if (type == OpType::kTransposeConv) {
    TransposeConvOptions o;
    o.output_height = 2, o.output_width = 1, o.padding = Padding::kValid;
    options = o;
  }
  b.add_operator(type, {x, w, bias}, {y}, options);
  b.set_inputs({x});
  b.set_outputs({y});
  return run_model(b, {to_bytes(std::vector<int16_t>(4, 5))}).status;
}

bool mentions(const Status& status, const std::string& text) {
  INFO(status.message());
  return status.message().find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("16x8 operands that TFLite refuses are refused by name", "[ops][qs16]") {
  for (OpType type : {OpType::kConv2D, OpType::kDepthwiseConv2D, OpType::kFullyConnected,
                      OpType::kTransposeConv}) {
    INFO(op_type_name(type));
    CHECK(layer_status(type, Spoiled{}).ok());
    // -32768 passes the model's int16 tensor rule (an int8 SOFTMAX's int16
    // output has it); any other non-zero zero point is refused there first.
    Spoiled input_zp;
    input_zp.in_q.zero_points = {-32768};
    const Status in_status = layer_status(type, input_zp);
    CHECK(mentions(in_status, "input 0"));
    CHECK(mentions(in_status, "zero point -32768; int16 activations must be symmetric (zero point 0)"));
    Spoiled output_zp;
    output_zp.out_q.zero_points = {-32768};
    const Status out_status = layer_status(type, output_zp);
    CHECK(mentions(out_status, "output 0"));
    CHECK(mentions(out_status, "zero point -32768; int16 activations must be symmetric"));
    Spoiled bias_dtype;
    bias_dtype.bias_dtype = DType::kInt8;
    const Status bias_status = layer_status(type, bias_dtype);
    CHECK(mentions(bias_status, "input 2"));
    CHECK(mentions(bias_status, "int8"));
    // A bias TFLite's int64 rescale cannot take (|sum| must stay below 2^47).
    Spoiled huge_bias;
    huge_bias.bias_value = int64_t{1} << 47;
    const Status huge_status = layer_status(type, huge_bias);
    CHECK(huge_status.code() == StatusCode::kUnsupported);
    CHECK(mentions(huge_status, "can leave TFLite's 16x8 rescale range of +-2^47"));
  }
}

namespace {

// TRANSPOSE_CONV 16x8 with output_shape as a second graph input, as the
// seanet models feed it.
Status fed_output_shape_status(const std::vector<int32_t>& fed, std::vector<int16_t>* out) {
  ModelBuilder b;
  const int x = b.add_tensor("x", DType::kInt16, {1, 2, 2, 1}, per_tensor(0.001f, 0));
  const int shape = b.add_tensor("output_shape", DType::kInt32, {4});
  const int w = b.add_constant("w", DType::kInt8, {1, 2, 2, 1}, std::vector<int8_t>{1, 2, 3, 4},
                               per_tensor(0.5f, 0));
  const int y = b.add_tensor("y", DType::kInt16, {1, 4, 4, 1}, per_tensor(0.001f, 0));
  TransposeConvOptions o;
  o.padding = Padding::kValid, o.stride_h = o.stride_w = 2, o.output_height = o.output_width = 4;
  b.add_operator(OpType::kTransposeConv, {x, w, kAbsentInput, shape}, {y}, o);
  b.set_inputs({x, shape});
  b.set_outputs({y});
  const std::vector<int16_t> x_values = {10, -20, 30, -40};
  const RunResult r = run_model(b, {to_bytes(x_values), to_bytes(fed)});
  if (r.status.ok()) *out = from_bytes<int16_t>(r.outputs[0]);
  return r.status;
}

}  // namespace

TEST_CASE("16x8 TRANSPOSE_CONV takes output_shape as a graph input, as TFLite Micro",
          "[ops][qs16]") {
  std::vector<int16_t> out;
  REQUIRE(fed_output_shape_status({1, 4, 4, 1}, &out).ok());
  // Stride 2 with a 2x2 kernel: each input pixel owns one 2x2 block, x * w * 0.5.
  const std::vector<int16_t> want = {5, 10, -10, -20, 15, 20, -30, -40,
                                     15, 30, -20, -40, 45, 60, -60, -80};
  CHECK(out == want);
  // TFLite Micro plans the output from its declared shape and never reads
  // the values fed; lowbit does the same.
  std::vector<int16_t> zeros_fed;
  REQUIRE(fed_output_shape_status({0, 0, 0, 0}, &zeros_fed).ok());
  CHECK(zeros_fed == want);
}

TEST_CASE("16x8 TRANSPOSE_CONV equals TFLite's reference scatter", "[ops][qs16]") {
  std::mt19937 rng(test_seed());
  for (int i = 0; i < scaled_iterations(16); ++i) {
    const int n = 1 + int(rng() % 2), ih = 1 + int(rng() % 4), iw = 1 + int(rng() % 4);
    const int ic = 1 + int(rng() % 9), oc = 1 + int(rng() % 9);
    const int kh = 1 + int(rng() % 4), kw = 1 + int(rng() % 4);
    const int sh = 1 + int(rng() % 3), sw = 1 + int(rng() % 3);
    // VALID: output = (input - 1) * stride + kernel.
    const int oh = (ih - 1) * sh + kh, ow = (iw - 1) * sw + kw;
    const bool bias = i % 3 != 0, relu = i % 2 == 1;
    const float in_s = 0.0004f, out_s = 0.003f;
    std::vector<float> w_s(static_cast<size_t>(oc));
    for (float& s : w_s) s = 0.004f + float(rng() % 100) * 1e-4f;
    const auto w = random_ints<int8_t>(rng, size_t(oc) * kh * kw * ic, -127, 127);
    const auto b = random_ints<int64_t>(rng, size_t(oc), -2000000, 2000000);
    Layer l;
    l.input = random_ints<int16_t>(rng, size_t(n) * ih * iw * ic, -32768, 32767);
    const int x = l.builder.add_tensor("x", DType::kInt16, {n, ih, iw, ic}, per_tensor(in_s, 0));
    const int wt = l.builder.add_constant("w", DType::kInt8, {oc, kh, kw, ic}, w, per_axis(w_s, 0));
    std::vector<int> inputs = {x, wt};
    if (bias) inputs.push_back(l.builder.add_constant("b", DType::kInt64, {oc}, b));
    const int y = l.builder.add_tensor("y", DType::kInt16, {n, oh, ow, oc}, per_tensor(out_s, 0));
    TransposeConvOptions o;
    o.padding = Padding::kValid, o.stride_h = sh, o.stride_w = sw;
    o.output_height = oh, o.output_width = ow;
    o.activation = relu ? Activation::kRelu : Activation::kNone;
    l.builder.add_operator(OpType::kTransposeConv, inputs, {y}, o);
    l.builder.set_inputs({x});
    l.builder.set_outputs({y});
    // The scatter: every input value times every tap into the output it reaches.
    std::vector<int64_t> acc(size_t(n) * oh * ow * oc, 0);
    for (int bi = 0; bi < n; ++bi)
      for (int y0 = 0; y0 < ih; ++y0)
        for (int x0 = 0; x0 < iw; ++x0)
          for (int ky = 0; ky < kh; ++ky)
            for (int kx = 0; kx < kw; ++kx)
              for (int o2 = 0; o2 < oc; ++o2)
                for (int c = 0; c < ic; ++c) {
                  const size_t oy = size_t(y0 * sh + ky), ox = size_t(x0 * sw + kx);
                  const size_t out = ((size_t(bi) * oh + oy) * ow + ox) * oc + o2;
                  acc[out] += int64_t(l.input[((size_t(bi) * ih + y0) * iw + x0) * ic + c]) *
                              w[((size_t(o2) * kh + ky) * kw + kx) * ic + c];
                }
    for (size_t j = 0; j < acc.size(); ++j) {
      const size_t o2 = j % size_t(oc);
      const double real = double(in_s) * double(w_s[o2]) / double(out_s);
      l.want.push_back(
          clamp16(tflite_rescale(acc[j] + (bias ? b[o2] : 0), real), relu ? 0 : -32768, 32767));
    }
    INFO("case " << i);
    expect_runs_match(l);
  }
}
