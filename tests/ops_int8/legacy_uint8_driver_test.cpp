// Legacy uint8 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED on the int8
// drivers (src/ops/legacy_uint8.h): which form the weights take, and that
// every form gives the uint8 reference kernel's bytes (the reference set runs
// those, run_all_thread_counts compares every set and thread count with it).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>

#include "int8_test_util.h"
#include "kernels/qs8_gemm.h"
#include "ops/legacy_uint8.h"
#include "runtime/cpu_features.h"

namespace lowbit {
namespace {

TensorDesc uint8_weights(const std::vector<uint8_t>& values, int32_t zero_point) {
  TensorDesc w;
  w.dtype = DType::kUInt8;
  w.shape = Shape{int32_t(values.size())};
  w.quant = testing::per_tensor(0.01f, zero_point);
  w.data = values.data();
  w.data_bytes = values.size();
  return w;
}

TEST_CASE("uint8 weights: the form each layer's w - zw takes", "[uint8][legacy_uint8]") {
  using Form = Uint8WeightsForm;
  Form form;
  // Every difference within int8: shifted, whatever the fallback.
  const std::vector<uint8_t> narrow = {1, 128, 227};
  const TensorDesc fits = uint8_weights(narrow, 100);
  CHECK(uint8_weights_fit_int8(fits));
  REQUIRE(uint8_weights_form(fits, Form::kShifted, 9, &form));
  CHECK(form == Form::kShifted);
  std::vector<int8_t> out;
  Qs8ConvQuantization q;
  uint8_weights_as_int8(fits, form, &out, &q);
  CHECK(out == std::vector<int8_t>{-99, 28, 127});
  CHECK(q.row_sum_multiplier == 0);

  // 228 - 100 = 128 does not fit: no fallback means the reference kernel.
  const std::vector<uint8_t> wide = {1, 228, 255};
  const TensorDesc beyond = uint8_weights(wide, 100);
  CHECK_FALSE(uint8_weights_fit_int8(beyond));
  CHECK_FALSE(uint8_weights_form(beyond, Form::kShifted, 9, &form));

  // The GEMM's row sums: w - 128, and (128 - zw) times the row's inputs.
  REQUIRE(uint8_weights_form(beyond, Form::kRowSums, 9, &form));
  CHECK(form == Form::kRowSums);
  uint8_weights_as_int8(beyond, form, &out, &q);
  CHECK(out == std::vector<int8_t>{-127, 100, 127});
  CHECK(q.row_sum_multiplier == 28);

  // Depthwise halves: high + low == w - zw, both int8.
  REQUIRE(uint8_weights_form(beyond, Form::kSplitTaps, 9, &form));
  uint8_weights_as_int8(beyond, form, &out, &q);
  CHECK(q.split_taps);
  REQUIRE(out.size() == 6);
  for (size_t i = 0; i < 3; ++i) CHECK(int(out[i]) + int(out[3 + i]) == int(wide[i]) - 100);
  // ... but not past 128 taps, nor for a difference of 255 (w 255, zw 0).
  CHECK_FALSE(uint8_weights_form(beyond, Form::kSplitTaps, 129, &form));
  CHECK_FALSE(uint8_weights_form(uint8_weights(wide, 0), Form::kSplitTaps, 9, &form));
  REQUIRE(uint8_weights_form(uint8_weights({0, 254}, 0), Form::kSplitTaps, 9, &form));
  CHECK(form == Form::kSplitTaps);
}

struct Layer {
  OpType type;
  int32_t h = 8, w = 8, c = 16, oc = 16, kernel = 3, dilation = 1, stride = 1;
  Padding padding = Padding::kSame;
  int32_t weight_zero_point = 128;
  int weight_lo = 0, weight_hi = 255;
};

// The window options CONV_2D and DEPTHWISE_CONV_2D share.
template <typename Options>
Options window_options(const Layer& l) {
  Options opt;
  opt.padding = l.padding;
  opt.stride_h = opt.stride_w = l.stride;
  opt.dilation_h = opt.dilation_w = l.dilation;
  opt.activation = Activation::kRelu6;
  return opt;
}

std::unique_ptr<ModelBuilder> build(const Layer& l, std::mt19937& rng) {
  auto model = std::make_unique<ModelBuilder>();
  ModelBuilder& b = *model;
  const bool fc = l.type == OpType::kFullyConnected;
  const bool dw = l.type == OpType::kDepthwiseConv2D;
  const Shape in_shape = fc ? Shape{2, l.c} : Shape{1, l.h, l.w, l.c};
  const int32_t oc = dw ? l.c : l.oc;
  const Shape w_shape = fc   ? Shape{oc, l.c}
                        : dw ? Shape{1, l.kernel, l.kernel, oc}
                             : Shape{oc, l.kernel, l.kernel, l.c};
  const int in = b.add_tensor("input", DType::kUInt8, in_shape, testing::per_tensor(0.05f, 37));
  const auto weights = testing::random_ints<uint8_t>(rng, size_t(w_shape.num_elements()),
                                                     l.weight_lo, l.weight_hi);
  const int w = b.add_constant("weights", DType::kUInt8, w_shape, weights,
                               testing::per_tensor(0.004f, l.weight_zero_point));
  const auto bias_values = testing::random_ints<int32_t>(rng, size_t(oc), -3000, 3000);
  const int bias = b.add_constant("bias", DType::kInt32, Shape{oc}, bias_values,
                                  testing::per_tensor(0.05f * 0.004f, 0));
  Shape out_shape = fc ? Shape{2, oc} : Shape{1, l.h, l.w, oc};
  if (!fc && l.padding == Padding::kValid) {
    const int32_t extent = (l.kernel - 1) * l.dilation + 1;
    out_shape[1] = (l.h - extent) / l.stride + 1;
    out_shape[2] = (l.w - extent) / l.stride + 1;
  } else if (!fc) {
    out_shape[1] = (l.h + l.stride - 1) / l.stride;
    out_shape[2] = (l.w + l.stride - 1) / l.stride;
  }
  const int out = b.add_tensor("output", DType::kUInt8, out_shape, testing::per_tensor(0.1f, 140));
  if (fc) {
    FullyConnectedOptions opt;
    opt.activation = Activation::kRelu6;
    b.add_operator(l.type, {in, w, bias}, {out}, opt, "fc");
  } else if (dw) {
    b.add_operator(l.type, {in, w, bias}, {out}, window_options<DepthwiseConv2DOptions>(l),
                   "depthwise");
  } else {
    b.add_operator(l.type, {in, w, bias}, {out}, window_options<Conv2DOptions>(l), "conv");
  }
  b.set_inputs({in});
  b.set_outputs({out});
  return model;
}

const char* reference_kernel(OpType type) {
  switch (type) {
    case OpType::kConv2D: return "qu8_conv2d__reference";
    case OpType::kDepthwiseConv2D: return "qu8_depthwise_conv2d__reference";
    default: return "qu8_fully_connected__reference";
  }
}

// The kernel the auto set picks for the layer.
std::string auto_kernel(const ModelBuilder& model, const testing::Bytes& input) {
  InterpreterOptions options;
  options.profile = RequantProfile::kTfliteReference;
  const testing::RunResult r = testing::run_model(model, {input}, options);
  REQUIRE(r.status.ok());
  return r.kernels.at(0);
}

// A 3x3 (or `kernel`) layer over 8x8 pixels with full-range weights [1, 255].
Layer layer(OpType type, int32_t zero_point, int32_t c = 16, int32_t stride = 1,
            int32_t dilation = 1, int32_t kernel = 3) {
  Layer l{type};
  l.weight_zero_point = zero_point;
  l.weight_lo = 1;
  l.c = c;
  l.oc = 24;  // CONV_2D and FULLY_CONNECTED: a whole and a half 16-channel block
  l.stride = stride;
  l.dilation = dilation;
  l.kernel = kernel;
  if (dilation > 1) l.padding = Padding::kValid;
  return l;
}

// Runs the layer on every kernel set and thread count (all equal to the
// uint8 reference kernel) and returns the kernel the auto set picked.
std::string check_layer(const Layer& l, std::mt19937& rng) {
  CAPTURE(op_type_name(l.type), l.kernel, l.c, l.stride, l.dilation, l.weight_zero_point,
          l.weight_lo, l.weight_hi);
  const auto model = build(l, rng);
  const Shape in_shape = model->graph().tensors[0].shape;
  const testing::Bytes input =
      testing::random_ints<uint8_t>(rng, size_t(in_shape.num_elements()), 0, 255);
  int8_test::run_all_thread_counts(*model, {input}, RequantProfile::kTfliteReference,
                                   reference_kernel(l.type));
  return auto_kernel(*model, input);
}

TEST_CASE("legacy uint8 weighted layers on the int8 drivers equal the uint8 reference kernels",
          "[uint8][legacy_uint8][conv2d][depthwise][fc]") {
  std::mt19937 rng(testing::test_seed());
  // What this run's kernel set (LOWBIT_KERNEL, else auto) offers: a SIMD GEMM
  // at all, and one that adds row offsets, which full-range weights need; a
  // set without it (forced avx512: AVX-512BW without VNNI) keeps those layers
  // on the uint8 reference kernels.
  const char* kernel_set = std::getenv("LOWBIT_KERNEL");
  const auto selector = KernelSelector::create(kernel_set && *kernel_set ? kernel_set : "auto",
                                               CpuFeatures::detect());
  REQUIRE(selector.ok());
  const Qs8GemmKernel& gemm = selector.value().select(qs8_gemm_variants()).fn;
  const bool simd = !gemm.portable, row_offsets = gemm.row_offsets;
  std::vector<Layer> layers;
  for (OpType type : {OpType::kConv2D, OpType::kDepthwiseConv2D, OpType::kFullyConnected}) {
    Layer fits = layer(type, 100);  // w - zw within int8: the shifted form
    fits.weight_lo = 0;
    fits.weight_hi = 227;
    layers.push_back(fits);
    // The full range: row sums / wide or split depthwise weights.
    for (int32_t zero_point : {20, 128, 235}) layers.push_back(layer(type, zero_point));
  }
  // GEMM row sources: 1x1 direct (pixel sums from the flip), row taps (C 3,
  // stride 2), gather (dilated, C 3); pixel taps (C 16) above.
  layers.push_back(layer(OpType::kConv2D, 60, 16, 1, 1, 1));
  layers.push_back(layer(OpType::kConv2D, 200, 3, 2));
  layers.push_back(layer(OpType::kConv2D, 200, 3, 1, 2));
  // Depthwise without a row kernel (dilation 2): the generic kernel reads
  // each tap twice; stride 2 and 40 channels for the other row kernel.
  layers.push_back(layer(OpType::kDepthwiseConv2D, 70, 16, 1, 2));
  layers.push_back(layer(OpType::kDepthwiseConv2D, 150, 40, 2));
  for (const Layer& l : layers) {
    const std::string kernel = check_layer(l, rng);
    INFO(op_type_name(l.type) << " weight zero point " << l.weight_zero_point << " -> " << kernel);
    const bool fits_int8 = l.weight_hi - l.weight_zero_point <= 127 &&
                           l.weight_lo - l.weight_zero_point >= -128;
    if (simd && (fits_int8 || l.type == OpType::kDepthwiseConv2D || row_offsets)) {
      CHECK(kernel.rfind("qs8_", 0) == 0);
    } else {
      CHECK(kernel == reference_kernel(l.type));
    }
  }

  // w 255 with zero point 0 (a difference of 255): depthwise halves cannot
  // hold it, the layer keeps the reference kernel; the GEMM takes row sums.
  for (OpType type : {OpType::kDepthwiseConv2D, OpType::kConv2D}) {
    Layer edge = layer(type, 0);
    edge.weight_lo = 250;
    const std::string kernel = check_layer(edge, rng);
    if (simd) {
      CHECK((kernel == reference_kernel(type)) ==
            (type == OpType::kDepthwiseConv2D || !row_offsets));
    }
  }
}

}  // namespace
}  // namespace lowbit
