// lowbit-make-models OUTDIR: writes the demo and block models the benchmarks,
// docs and hand tests use. Weights are pseudo-random but deterministic (our own
// mapping of mt19937 words, since std distributions differ between standard
// libraries), and quantization is chosen from a running estimate of each
// activation's mean and spread so that int8 tensors use their range without
// saturating.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "lowbit/lowbit.h"
#include "tools/cli.h"

namespace {

using namespace lowbit;

class WeightRng {
 public:
  explicit WeightRng(uint32_t seed) : engine_(seed) {}
  double uniform(double lo, double hi) { return lo + (hi - lo) * (engine_() / 4294967296.0); }
  int32_t integer(int32_t lo, int32_t hi) {
    return lo + static_cast<int32_t>(engine_() % static_cast<uint32_t>(hi - lo + 1));
  }
  uint32_t word() { return engine_(); }

 private:
  std::mt19937 engine_;
};

// Real-domain statistics of an activation, used only to pick quantization.
struct Stats {
  double mean = 0.0;
  double stddev = 1.0;
  double second_moment() const { return mean * mean + stddev * stddev; }
};

struct Value {
  int tensor = -1;
  Shape shape;
  Quantization quant;  // empty for float tensors
  Stats stats;
};

Quantization quant_for_range(double lo, double hi) {
  lo = std::min(lo, 0.0);  // TFLite requires zero to be exactly representable
  hi = std::max(hi, 0.0);
  const double scale = (hi - lo) / 255.0;
  long zero_point = std::lround(-128.0 - lo / scale);
  zero_point = std::max(-128L, std::min(127L, zero_point));
  Quantization q;
  q.scales = {static_cast<float>(scale)};
  q.zero_points = {static_cast<int32_t>(zero_point)};
  return q;
}

// E[relu(z)] and E[relu(z)^2] for z ~ N(0, s^2); clipping at 6 is ignored,
// it is three standard deviations away for the targets used here.
Stats relu_stats(double preact_std) {
  const double kPi = 3.14159265358979323846;
  const double mean = preact_std / std::sqrt(2.0 * kPi);
  const double second = preact_std * preact_std / 2.0;
  return {mean, std::sqrt(second - mean * mean)};
}

// Builds int8 or float32 MobileNetV2-style layers on one ModelBuilder.
class NetBuilder {
 public:
  NetBuilder(ModelBuilder& builder, DType dtype, uint32_t seed)
      : b_(builder), dtype_(dtype), rng_(seed) {}

  // A graph input whose real values lie in [lo, hi].
  Value input(const std::string& name, Shape shape, double lo, double hi) {
    const double half = (hi - lo) / 2;
    Value v{-1, shape, {}, Stats{(lo + hi) / 2, half / std::sqrt(3.0)}};
    if (quantized()) v.quant = quant_for_range(lo, hi);
    v.tensor = b_.add_tensor(name, dtype_, shape, v.quant);
    return v;
  }

  Value conv(const Value& in, int out_channels, int kernel, int stride, bool relu6,
             const std::string& name) {
    const int in_channels = in.shape[3];
    Conv2DOptions options;
    options.padding = Padding::kSame;
    options.stride_h = options.stride_w = stride;
    options.activation = relu6 ? Activation::kRelu6 : Activation::kNone;
    const Shape filter_shape{out_channels, kernel, kernel, in_channels};
    const Shape out_shape{in.shape[0], ceil_div(in.shape[1], stride),
                          ceil_div(in.shape[2], stride), out_channels};
    const Filter filter = add_filter(name, filter_shape, 0, out_channels,
                                     kernel * kernel * in_channels, in, relu6);
    const int bias = add_bias(name, filter, in, relu6);
    Value out = output(name, out_shape, relu6);
    b_.add_operator(OpType::kConv2D, {in.tensor, filter.tensor, bias}, {out.tensor}, options,
                    name);
    return out;
  }

  Value depthwise(const Value& in, int stride, const std::string& name) {
    const int channels = in.shape[3];
    DepthwiseConv2DOptions options;
    options.padding = Padding::kSame;
    options.stride_h = options.stride_w = stride;
    options.activation = Activation::kRelu6;
    const Shape out_shape{in.shape[0], ceil_div(in.shape[1], stride),
                          ceil_div(in.shape[2], stride), channels};
    const Filter filter = add_filter(name, Shape{1, 3, 3, channels}, 3, channels, 9, in, true);
    const int bias = add_bias(name, filter, in, true);
    Value out = output(name, out_shape, true);
    b_.add_operator(OpType::kDepthwiseConv2D, {in.tensor, filter.tensor, bias}, {out.tensor},
                    options, name);
    return out;
  }

  Value add(const Value& a, const Value& b, const std::string& name) {
    Stats stats{a.stats.mean + b.stats.mean,
                std::sqrt(a.stats.stddev * a.stats.stddev + b.stats.stddev * b.stats.stddev)};
    Value out = value(name, a.shape, stats);
    b_.add_operator(OpType::kAdd, {a.tensor, b.tensor}, {out.tensor}, ElementwiseOptions{}, name);
    return out;
  }

  // MobileNetV2 inverted residual: expand 1x1 + RELU6, depthwise 3x3 + RELU6,
  // project 1x1, and a residual ADD when the shape is kept.
  Value inverted_residual(const Value& in, int expansion, int out_channels, int stride,
                          const std::string& name) {
    Value expanded = conv(in, in.shape[3] * expansion, 1, 1, true, name + "/expand");
    Value filtered = depthwise(expanded, stride, name + "/depthwise");
    Value projected = conv(filtered, out_channels, 1, 1, false, name + "/project");
    if (stride != 1 || out_channels != in.shape[3]) return projected;
    return add(in, projected, name + "/add");
  }

  Value mean_hw(const Value& in, const std::string& name) {
    MeanOptions options;
    options.axes = {1, 2};
    // Channel means of a ReLU6 map spread over roughly [0, mean + 2.5 sd].
    Stats stats{in.stats.mean, in.stats.stddev / 2};
    Value out{-1, Shape{in.shape[0], in.shape[3]}, {}, stats};
    if (quantized()) {
      out.quant = quant_for_range(std::max(0.0, in.stats.mean - 2.5 * in.stats.stddev),
                                  in.stats.mean + 2.5 * in.stats.stddev);
    }
    out.tensor = b_.add_tensor(name, dtype_, out.shape, out.quant);
    b_.add_operator(OpType::kMean, {in.tensor}, {out.tensor}, options, name);
    return out;
  }

  // Logits with a standard deviation near 2: a softmax that is neither flat
  // nor one-hot.
  Value fully_connected(const Value& in, int out_features, const std::string& name) {
    const int in_features = in.shape[1];
    const double weight_std = 2.0 / std::sqrt(in_features * in.stats.second_moment());
    const double limit = weight_std * std::sqrt(3.0);
    std::vector<double> real(static_cast<size_t>(out_features) * in_features);
    for (double& w : real) w = rng_.uniform(-limit, limit);
    int weights, bias;
    if (quantized()) {
      const float w_scale = static_cast<float>(limit / 127.0);
      std::vector<int8_t> q(real.size());
      for (size_t i = 0; i < real.size(); ++i) q[i] = quantize_weight(real[i], w_scale);
      Quantization wq;
      wq.scales = {w_scale};
      wq.zero_points = {0};
      weights = b_.add_constant(name + "/weights", DType::kInt8, Shape{out_features, in_features},
                                q, wq);
      bias = add_int_bias(name, std::vector<float>(out_features, w_scale), in, 0.2);
    } else {
      weights = b_.add_constant(name + "/weights", DType::kFloat32,
                                Shape{out_features, in_features}, to_float(real));
      bias = add_float_bias(name, out_features, 0.2);
    }
    Value out = value(name, Shape{in.shape[0], out_features}, Stats{0.0, 2.0});
    b_.add_operator(OpType::kFullyConnected, {in.tensor, weights, bias}, {out.tensor},
                    FullyConnectedOptions{}, name);
    return out;
  }

  Value softmax(const Value& in, const std::string& name) {
    Value out{-1, in.shape, {}, Stats{0.1, 0.1}};
    if (quantized()) {
      out.quant.scales = {1.0f / 256.0f};
      out.quant.zero_points = {-128};
    }
    out.tensor = b_.add_tensor(name, dtype_, in.shape, out.quant);
    b_.add_operator(OpType::kSoftmax, {in.tensor}, {out.tensor}, SoftmaxOptions{}, name);
    return out;
  }

 private:
  bool quantized() const { return dtype_ == DType::kInt8; }
  static int32_t ceil_div(int32_t a, int32_t b) { return (a + b - 1) / b; }

  static int8_t quantize_weight(double real, float scale) {
    const long q = std::lround(real / scale);
    return static_cast<int8_t>(std::max(-127L, std::min(127L, q)));
  }

  static std::vector<float> to_float(const std::vector<double>& v) {
    return std::vector<float>(v.begin(), v.end());
  }

  // An intermediate tensor quantized to cover mean +- 4 sd.
  Value value(const std::string& name, Shape shape, Stats stats) {
    Value v{-1, shape, {}, stats};
    if (quantized()) {
      v.quant = quant_for_range(stats.mean - 4 * stats.stddev, stats.mean + 4 * stats.stddev);
    }
    v.tensor = b_.add_tensor(name, dtype_, shape, v.quant);
    return v;
  }

  // Output of a conv layer: pre-activations get a standard deviation of 2
  // before RELU6 (range [0, 6]) and 1 for linear projections.
  Value output(const std::string& name, Shape shape, bool relu6) {
    if (!relu6) return value(name, shape, Stats{0.0, 1.0});
    Value v{-1, shape, {}, relu_stats(2.0)};
    if (quantized()) v.quant = quant_for_range(0.0, 6.0);
    v.tensor = b_.add_tensor(name, dtype_, shape, v.quant);
    return v;
  }

  // Filter with per-output-channel scales along `axis` (0 for OHWI conv, 3
  // for 1xKHxKWxC depthwise); the channels' spreads differ by up to +-40% so
  // per-channel requantization matters.
  struct Filter {
    int tensor = -1;
    int channels = 0;
    std::vector<float> scales;  // per output channel; empty for float
  };

  Filter add_filter(const std::string& name, Shape shape, int axis, int channels, int fan_in,
                    const Value& in, bool relu6) {
    const double target_std = relu6 ? 2.0 : 1.0;
    const double base_std = target_std / std::sqrt(fan_in * in.stats.second_moment());
    std::vector<double> limits(channels);
    for (double& l : limits) l = base_std * rng_.uniform(0.6, 1.4) * std::sqrt(3.0);
    const size_t count = static_cast<size_t>(shape.num_elements());
    std::vector<double> real(count);
    for (size_t i = 0; i < count; ++i) {
      const size_t c = axis == 0 ? i / (count / channels) : i % channels;
      real[i] = rng_.uniform(-limits[c], limits[c]);
    }
    if (!quantized()) {
      return {b_.add_constant(name + "/weights", DType::kFloat32, shape, to_float(real)), channels,
              {}};
    }
    std::vector<float> scales(channels);
    for (int c = 0; c < channels; ++c) scales[c] = static_cast<float>(limits[c] / 127.0);
    std::vector<int8_t> q(count);
    for (size_t i = 0; i < count; ++i) {
      const size_t c = axis == 0 ? i / (count / channels) : i % channels;
      q[i] = quantize_weight(real[i], scales[c]);
    }
    Quantization wq;
    wq.scales = scales;
    wq.zero_points.assign(channels, 0);
    wq.axis = axis;
    return {b_.add_constant(name + "/weights", DType::kInt8, shape, q, wq), channels, scales};
  }

  int add_bias(const std::string& name, const Filter& filter, const Value& in, bool relu6) {
    const double spread = relu6 ? 0.2 : 0.1;
    if (!quantized()) return add_float_bias(name, filter.channels, spread);
    return add_int_bias(name, filter.scales, in, spread);
  }

  int add_float_bias(const std::string& name, int channels, double spread) {
    std::vector<float> bias(channels);
    for (float& v : bias) v = static_cast<float>(rng_.uniform(-spread, spread));
    return b_.add_constant(name + "/bias", DType::kFloat32, Shape{channels}, bias);
  }

  // int32 bias in scale in_scale * w_scale[c], as TFLite requires.
  int add_int_bias(const std::string& name, const std::vector<float>& w_scales, const Value& in,
                   double spread) {
    const int channels = static_cast<int>(w_scales.size());
    std::vector<int32_t> bias(channels);
    std::vector<float> scales(channels);
    for (int c = 0; c < channels; ++c) {
      scales[c] = in.quant.scales[0] * w_scales[c];
      bias[c] = static_cast<int32_t>(std::lround(rng_.uniform(-spread, spread) / scales[c]));
    }
    Quantization bq;
    bq.scales = scales;
    bq.zero_points.assign(channels, 0);
    return b_.add_constant(name + "/bias", DType::kInt32, Shape{channels}, bias, bq);
  }

  ModelBuilder& b_;
  DType dtype_;
  WeightRng rng_;
};

void build_demo_int8(ModelBuilder& b) {
  b.set_description(
      "lowbit demo: MobileNetV2-style int8 classifier, 1x96x96x3 input, 10 classes, "
      "pseudo-random weights (lowbit-make-models)");
  NetBuilder net(b, DType::kInt8, 96);
  // An image normalized to [-1, 1].
  const Value image = net.input("input", Shape{1, 96, 96, 3}, -1.0, 1.0);
  Value x = net.conv(image, 16, 3, 2, true, "stem");
  x = net.inverted_residual(x, 4, 24, 2, "block1");
  x = net.inverted_residual(x, 4, 24, 1, "block2");
  x = net.inverted_residual(x, 4, 32, 2, "block3");
  x = net.inverted_residual(x, 4, 32, 1, "block4");
  x = net.conv(x, 128, 1, 1, true, "head");
  x = net.mean_hw(x, "pool");
  x = net.fully_connected(x, 10, "logits");
  Value y = net.softmax(x, "probabilities");
  b.set_inputs({image.tensor});
  b.set_outputs({y.tensor});
}

// One inverted-residual block with a residual ADD, in int8 or float32.
void build_block(ModelBuilder& b, DType dtype) {
  const bool int8 = dtype == DType::kInt8;
  b.set_description(std::string("lowbit block: 1x1 conv + RELU6, depthwise 3x3 + RELU6, ") +
                    "1x1 conv, residual ADD (" + (int8 ? "int8" : "float32") + ")");
  NetBuilder net(b, dtype, 7);
  Value x = net.input("input", Shape{1, 32, 32, 16}, -3.0, 3.0);
  Value y = net.inverted_residual(x, 6, 16, 1, "block");
  b.set_inputs({x.tensor});
  b.set_outputs({y.tensor});
}

// Packed 32-bit words of a random bit tensor [rows, channels]; pad bits zero.
std::vector<uint32_t> random_bits(WeightRng& rng, int64_t rows, int32_t channels) {
  const int32_t words = bit_words(channels);
  std::vector<uint32_t> packed(static_cast<size_t>(rows * words));
  for (int64_t r = 0; r < rows; ++r) {
    for (int32_t w = 0; w < words; ++w) {
      const int32_t valid = std::min(32, channels - 32 * w);
      const uint32_t mask = valid == 32 ? 0xffffffffu : ((1u << valid) - 1u);
      packed[r * words + w] = rng.word() & mask;
    }
  }
  return packed;
}

// Larq-style binary block: float input -> BITPACK -> BCONV2D (bit output via
// thresholds) -> BMAXPOOL2D -> BCONV2D (float output).
void build_block_binary(ModelBuilder& b) {
  b.set_description(
      "lowbit binary block: BITPACK, BCONV2D 3x3 with thresholds (bit output), "
      "BMAXPOOL2D 2x2, BCONV2D 3x3 with float output");
  WeightRng rng(11);
  const int channels = 64, out_channels = 32;
  const int input = b.add_tensor("input", DType::kFloat32, Shape{1, 32, 32, channels});
  const int packed = b.add_tensor("input_bits", DType::kBit, Shape{1, 32, 32, channels});
  b.add_operator(OpType::kBitpack, {input}, {packed}, {}, "bitpack");

  BConv2DOptions conv_options;
  conv_options.padding = Padding::kSame;
  conv_options.pad_values = 1;
  const int k = 3 * 3 * channels;
  const int filter1 = b.add_constant("bconv1/weights", DType::kBit, Shape{channels, 3, 3, channels},
                                     random_bits(rng, channels * 9, channels));
  // popcount(x ^ w) is near k/2; thresholds around it set about half the bits.
  std::vector<int32_t> thresholds(channels);
  for (int32_t& t : thresholds) t = k / 2 + rng.integer(-8, 8);
  const int threshold = b.add_constant("bconv1/thresholds", DType::kInt32, Shape{channels},
                                       thresholds);
  const int bits1 = b.add_tensor("bconv1", DType::kBit, Shape{1, 32, 32, channels});
  b.add_operator(OpType::kBConv2D, {packed, filter1, kAbsentInput, kAbsentInput, threshold},
                 {bits1}, conv_options, "bconv1");

  Pool2DOptions pool_options;
  pool_options.filter_h = pool_options.filter_w = 2;
  pool_options.stride_h = pool_options.stride_w = 2;
  const int pooled = b.add_tensor("bmaxpool", DType::kBit, Shape{1, 16, 16, channels});
  b.add_operator(OpType::kBMaxPool2D, {bits1}, {pooled}, pool_options, "bmaxpool");

  const int filter2 = b.add_constant("bconv2/weights", DType::kBit,
                                     Shape{out_channels, 3, 3, channels},
                                     random_bits(rng, out_channels * 9, channels));
  // k - 2*popcount has a standard deviation near sqrt(k): scale it to about 1.
  std::vector<float> multiplier(out_channels), bias(out_channels);
  for (float& m : multiplier) m = static_cast<float>(rng.uniform(0.5, 1.5) / std::sqrt(k));
  for (float& v : bias) v = static_cast<float>(rng.uniform(-0.2, 0.2));
  const int mul = b.add_constant("bconv2/multiplier", DType::kFloat32, Shape{out_channels},
                                 multiplier);
  const int add = b.add_constant("bconv2/bias", DType::kFloat32, Shape{out_channels}, bias);
  const int out = b.add_tensor("output", DType::kFloat32, Shape{1, 16, 16, out_channels});
  b.add_operator(OpType::kBConv2D, {pooled, filter2, mul, add, kAbsentInput}, {out},
                 conv_options, "bconv2");
  b.set_inputs({input});
  b.set_outputs({out});
}

struct ModelRecipe {
  const char* file;
  void (*build)(ModelBuilder&);
};

const ModelRecipe kRecipes[] = {
    {"demo_int8.lbm", build_demo_int8},
    {"block_int8.lbm", [](ModelBuilder& b) { build_block(b, DType::kInt8); }},
    {"block_float.lbm", [](ModelBuilder& b) { build_block(b, DType::kFloat32); }},
    {"block_binary.lbm", build_block_binary},
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(
      "Writes demo_int8.lbm, block_int8.lbm, block_float.lbm and block_binary.lbm\n"
      "into OUTDIR (created if missing) and loads each back to verify it.",
      "lowbit-make-models");
  lowbit::tools::setup_app(app, "usage: lowbit-make-models [--skip-verify] OUTDIR");
  std::string out_dir;
  bool skip_verify = false;
  app.add_flag("--skip-verify", skip_verify, "write the files without loading them back");
  app.add_option("OUTDIR", out_dir, "where the models go")->type_name("");
  const int exit_code = lowbit::tools::parse_command_line(app, argc, argv);
  if (exit_code >= 0) return exit_code;
  if (out_dir.empty()) return lowbit::tools::usage_error(app, "no output directory given");
  const bool verify = !skip_verify;

  std::error_code error;
  std::filesystem::create_directories(out_dir, error);
  if (error) {
    std::fprintf(stderr, "lowbit-make-models: cannot create %s: %s\n", out_dir.c_str(),
                 error.message().c_str());
    return 1;
  }
  int failures = 0;
  for (const ModelRecipe& recipe : kRecipes) {
    const std::string path = out_dir + "/" + recipe.file;
    ModelBuilder builder;
    recipe.build(builder);
    Status status = builder.save(path);
    if (status.ok() && verify) {
      auto model = Model::from_file(path);
      if (!model.ok()) status = model.status();
    }
    if (!status.ok()) {
      lowbit::tools::print_error("lowbit-make-models", path, status);
      ++failures;
    }
  }
  return failures == 0 ? 0 : 1;
}
