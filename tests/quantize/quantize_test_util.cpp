#include "quantize/quantize_test_util.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "quantize/graph_runner.h"

namespace lowbit {
namespace quantize_test {
namespace {

std::vector<float> random_values(std::mt19937& rng, size_t n, float scale) {
  std::normal_distribution<float> dist(0.0f, scale);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

int add_weights(ModelBuilder* b, std::mt19937& rng, const std::string& name, Shape shape,
                float scale) {
  return b->add_constant(name, DType::kFloat32, shape,
                         random_values(rng, static_cast<size_t>(shape.num_elements()), scale));
}

int add_conv(ModelBuilder* b, std::mt19937& rng, const std::string& name, int x, Shape out_shape,
             int in_channels, int k, Activation act) {
  const int out_channels = out_shape[3];
  const float scale = 1.0f / std::sqrt(static_cast<float>(k * k * in_channels));
  const int w = add_weights(b, rng, name + "/w", Shape{out_channels, k, k, in_channels}, scale);
  const int bias = add_weights(b, rng, name + "/b", Shape{out_channels}, 0.1f);
  const int y = b->add_tensor(name, DType::kFloat32, out_shape);
  Conv2DOptions opt;
  opt.padding = Padding::kSame;
  opt.activation = act;
  b->add_operator(OpType::kConv2D, {x, w, bias}, {y}, opt, name);
  return y;
}

}  // namespace

void build_conv_pool_fc_softmax(ModelBuilder* b, uint32_t seed) {
  std::mt19937 rng(seed);
  const int x = b->add_tensor("input", DType::kFloat32, Shape{1, 8, 8, 3});
  const int c = add_conv(b, rng, "conv", x, Shape{1, 8, 8, 8}, 3, 3, Activation::kRelu);
  const int p = b->add_tensor("pool", DType::kFloat32, Shape{1, 4, 4, 8});
  Pool2DOptions pool;
  pool.filter_h = pool.filter_w = pool.stride_h = pool.stride_w = 2;
  b->add_operator(OpType::kMaxPool2D, {c}, {p}, pool, "pool");
  const int r = b->add_tensor("flat", DType::kFloat32, Shape{1, 128});
  b->add_operator(OpType::kReshape, {p}, {r}, ReshapeOptions{{1, 128}}, "flat");
  const int w = add_weights(b, rng, "fc/w", Shape{10, 128}, 0.1f);
  const int bias = add_weights(b, rng, "fc/b", Shape{10}, 0.1f);
  const int f = b->add_tensor("fc", DType::kFloat32, Shape{1, 10});
  b->add_operator(OpType::kFullyConnected, {r, w, bias}, {f}, FullyConnectedOptions{}, "fc");
  const int s = b->add_tensor("softmax", DType::kFloat32, Shape{1, 10});
  b->add_operator(OpType::kSoftmax, {f}, {s}, SoftmaxOptions{}, "softmax");
  b->set_inputs({x});
  b->set_outputs({s});
}

void build_residual_add(ModelBuilder* b, uint32_t seed) {
  std::mt19937 rng(seed);
  const int x = b->add_tensor("input", DType::kFloat32, Shape{1, 6, 6, 4});
  const int a = add_conv(b, rng, "conv_a", x, Shape{1, 6, 6, 4}, 4, 1, Activation::kRelu);
  const int c = add_conv(b, rng, "conv_b", a, Shape{1, 6, 6, 4}, 4, 3, Activation::kNone);
  const int s = b->add_tensor("add", DType::kFloat32, Shape{1, 6, 6, 4});
  b->add_operator(OpType::kAdd, {a, c}, {s}, ElementwiseOptions{}, "add");
  const int m = b->add_tensor("mean", DType::kFloat32, Shape{1, 4});
  b->add_operator(OpType::kMean, {s}, {m}, MeanOptions{{1, 2}, false}, "mean");
  b->set_inputs({x});
  b->set_outputs({m});
}

void build_depthwise(ModelBuilder* b, uint32_t seed) {
  std::mt19937 rng(seed);
  const int x = b->add_tensor("input", DType::kFloat32, Shape{1, 8, 8, 4});
  const int w = add_weights(b, rng, "dw/w", Shape{1, 3, 3, 4}, 0.4f);
  const int bias = add_weights(b, rng, "dw/b", Shape{4}, 0.1f);
  const int d = b->add_tensor("dw", DType::kFloat32, Shape{1, 8, 8, 4});
  DepthwiseConv2DOptions opt;
  opt.padding = Padding::kSame;
  opt.activation = Activation::kRelu6;
  b->add_operator(OpType::kDepthwiseConv2D, {x, w, bias}, {d}, opt, "dw");
  const int p = b->add_tensor("avg", DType::kFloat32, Shape{1, 4, 4, 4});
  Pool2DOptions pool;
  pool.filter_h = pool.filter_w = pool.stride_h = pool.stride_w = 2;
  b->add_operator(OpType::kAveragePool2D, {d}, {p}, pool, "avg");
  const int c = add_conv(b, rng, "pw", p, Shape{1, 4, 4, 6}, 4, 1, Activation::kNone);
  b->set_inputs({x});
  b->set_outputs({c});
}

void build_concat_pad(ModelBuilder* b, uint32_t seed) {
  std::mt19937 rng(seed);
  const int x = b->add_tensor("input", DType::kFloat32, Shape{1, 4, 4, 2});
  const int a = add_conv(b, rng, "conv_a", x, Shape{1, 4, 4, 3}, 2, 3, Activation::kRelu);
  const int c = add_conv(b, rng, "conv_b", x, Shape{1, 4, 4, 5}, 2, 1, Activation::kNone);
  const int cat = b->add_tensor("concat", DType::kFloat32, Shape{1, 4, 4, 8});
  b->add_operator(OpType::kConcatenation, {a, c}, {cat}, ConcatenationOptions{3}, "concat");
  const int p = b->add_tensor("pad", DType::kFloat32, Shape{1, 6, 6, 8});
  b->add_operator(OpType::kPad, {cat}, {p}, PadOptions{{0, 0, 1, 1, 1, 1, 0, 0}}, "pad");
  b->set_inputs({x});
  b->set_outputs({p});
}

void build_activations(ModelBuilder* b, uint32_t seed) {
  std::mt19937 rng(seed);
  const Shape s8{1, 4, 4, 8};
  const int x = b->add_tensor("input", DType::kFloat32, Shape{1, 4, 4, 4});
  const int a = add_conv(b, rng, "conv", x, s8, 4, 3, Activation::kNone);
  auto unary = [&](OpType type, int in, const char* name) {
    const int out = b->add_tensor(name, DType::kFloat32, s8);
    b->add_operator(type, {in}, {out}, {}, name);
    return out;
  };
  const int h = unary(OpType::kHardSwish, a, "hard_swish");
  const int r = unary(OpType::kRelu, a, "relu");
  const int r6 = unary(OpType::kRelu6, a, "relu6");
  const int m = b->add_tensor("mul", DType::kFloat32, s8);
  b->add_operator(OpType::kMul, {h, r6}, {m}, ElementwiseOptions{}, "mul");
  const int d = b->add_tensor("sub", DType::kFloat32, s8);
  b->add_operator(OpType::kSub, {m, r}, {d}, ElementwiseOptions{}, "sub");
  const int t = unary(OpType::kTanh, d, "tanh");
  const int l = unary(OpType::kLogistic, d, "logistic");
  const int c = b->add_tensor("concat", DType::kFloat32, Shape{1, 4, 4, 16});
  b->add_operator(OpType::kConcatenation, {t, l}, {c}, ConcatenationOptions{3}, "concat");
  const int mean = b->add_tensor("mean", DType::kFloat32, Shape{1, 1, 1, 16});
  b->add_operator(OpType::kMean, {c}, {mean}, MeanOptions{{1, 2}, true}, "mean");
  const int sq = b->add_tensor("squeeze", DType::kFloat32, Shape{1, 16});
  b->add_operator(OpType::kSqueeze, {mean}, {sq}, SqueezeOptions{{1, 2}}, "squeeze");
  b->set_inputs({x});
  b->set_outputs({sq});
}

void build_standalone_activations(ModelBuilder* b, uint32_t seed) {
  std::mt19937 rng(seed);
  const Shape s4{1, 6, 6, 4};
  const int x = b->add_tensor("input", DType::kFloat32, Shape{1, 6, 6, 3});
  const int a = add_conv(b, rng, "conv_a", x, s4, 3, 3, Activation::kNone);
  const int ra = b->add_tensor("relu_a", DType::kFloat32, s4);
  b->add_operator(OpType::kRelu, {a}, {ra}, {}, "relu_a");
  const int c = add_conv(b, rng, "conv_b", ra, s4, 4, 3, Activation::kNone);
  const int rc = b->add_tensor("relu6_b", DType::kFloat32, s4);
  b->add_operator(OpType::kRelu6, {c}, {rc}, {}, "relu6_b");
  const int sum = b->add_tensor("sum", DType::kFloat32, s4);
  b->add_operator(OpType::kAdd, {rc, ra}, {sum}, ElementwiseOptions{}, "sum");
  b->set_inputs({x});
  b->set_outputs({sum});
}

void build_with_exp(ModelBuilder* b, uint32_t seed) {
  std::mt19937 rng(seed);
  const int x = b->add_tensor("input", DType::kFloat32, Shape{1, 4, 4, 2});
  const int a = add_conv(b, rng, "conv_a", x, Shape{1, 4, 4, 3}, 2, 3, Activation::kNone);
  const int e = b->add_tensor("exp", DType::kFloat32, Shape{1, 4, 4, 3});
  b->add_operator(OpType::kExp, {a}, {e}, {}, "exp");
  const int c = add_conv(b, rng, "conv_b", e, Shape{1, 4, 4, 2}, 3, 1, Activation::kNone);
  b->set_inputs({x});
  b->set_outputs({c});
}

void build_fc_mixed_magnitudes(ModelBuilder* b, uint32_t seed) {
  std::mt19937 rng(seed);
  const int x = b->add_tensor("input", DType::kFloat32, Shape{1, 16});
  std::vector<float> w = random_values(rng, 8 * 16, 0.05f);
  for (int i = 0; i < 16; ++i) w[i] = 2.0f * (i % 2 == 0 ? 1.0f : -0.5f);  // channel 0 is large
  const int wid = b->add_constant("fc/w", DType::kFloat32, Shape{8, 16}, w);
  const int bias = b->add_constant("fc/b", DType::kFloat32, Shape{8}, std::vector<float>(8, 0.0f));
  const int y = b->add_tensor("fc", DType::kFloat32, Shape{1, 8});
  b->add_operator(OpType::kFullyConnected, {x, wid, bias}, {y}, FullyConnectedOptions{}, "fc");
  b->set_inputs({x});
  b->set_outputs({y});
}

std::vector<Sample> random_samples(const GraphDesc& graph, size_t count, float lo, float hi,
                                   uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<Sample> samples(count);
  for (Sample& s : samples) {
    for (int t : graph.inputs) {
      std::vector<float> v(static_cast<size_t>(graph.tensors[t].shape.num_elements()));
      for (float& x : v) x = dist(rng);
      s.push_back(std::move(v));
    }
  }
  return samples;
}

std::vector<std::vector<std::vector<float>>> run_float(const ModelBuilder& b,
                                                       const std::vector<Sample>& samples) {
  InterpreterOptions options;
  options.float_kernels = FloatKernels::kOwn;
  Result<std::unique_ptr<quantize::GraphRunner>> runner = quantize::GraphRunner::create(b, options);
  REQUIRE(runner.ok());
  std::vector<std::vector<std::vector<float>>> out;
  for (const Sample& s : samples) {
    REQUIRE(runner.value()->run_float(s).ok());
    std::vector<std::vector<float>> outputs;
    for (size_t i = 0; i < runner.value()->interpreter().num_outputs(); ++i) {
      outputs.push_back(runner.value()->output_as_float(i));
    }
    out.push_back(std::move(outputs));
  }
  return out;
}

QuantizedRun run_quantized(const std::vector<uint8_t>& lbm, const std::vector<Sample>& samples,
                           const std::string& kernel) {
  Result<std::shared_ptr<const Model>> model = Model::from_buffer(lbm.data(), lbm.size());
  INFO(model.status().to_string());
  REQUIRE(model.ok());
  InterpreterOptions options;
  options.kernel = kernel;
  options.float_kernels = FloatKernels::kOwn;
  Interpreter interp(model.value(), options);
  REQUIRE(interp.prepare().ok());
  QuantizedRun run;
  for (const Sample& s : samples) {
    for (size_t i = 0; i < s.size(); ++i) {
      const TensorView in = interp.input(i);
      if (in.dtype() == DType::kInt8) {
        const Quantization& q = in.desc->quant;
        for (size_t k = 0; k < s[i].size(); ++k) {
          in.as<int8_t>()[k] = quantize::quantize_value(s[i][k], q.scales[0], q.zero_points[0]);
        }
      } else {
        std::memcpy(in.data, s[i].data(), in.bytes);
      }
    }
    REQUIRE(interp.invoke().ok());
    std::vector<std::vector<uint8_t>> bytes;
    std::vector<std::vector<float>> values;
    for (size_t i = 0; i < interp.num_outputs(); ++i) {
      const TensorView out = interp.output(i);
      bytes.emplace_back(out.as<uint8_t>(), out.as<uint8_t>() + out.bytes);
      const size_t n = static_cast<size_t>(out.shape().num_elements());
      if (out.dtype() == DType::kInt8) {
        values.push_back(quantize::dequantize_int8(out.as<int8_t>(), n, out.desc->quant));
      } else if (out.dtype() == DType::kInt32) {
        values.emplace_back(out.as<int32_t>(), out.as<int32_t>() + n);
      } else {
        values.emplace_back(out.as<float>(), out.as<float>() + n);
      }
    }
    run.bytes.push_back(std::move(bytes));
    run.dequantized.push_back(std::move(values));
  }
  return run;
}

double sqnr_db(const std::vector<std::vector<std::vector<float>>>& reference,
               const std::vector<std::vector<std::vector<float>>>& measured) {
  double signal = 0, noise = 0;
  for (size_t s = 0; s < reference.size(); ++s) {
    for (size_t o = 0; o < reference[s].size(); ++o) {
      for (size_t i = 0; i < reference[s][o].size(); ++i) {
        const double r = reference[s][o][i], d = r - measured[s][o][i];
        signal += r * r;
        noise += d * d;
      }
    }
  }
  return quantize::sqnr_db(signal, noise);
}

}  // namespace quantize_test
}  // namespace lowbit
