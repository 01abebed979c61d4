// Legacy uint8 CONV_2D and DEPTHWISE_CONV_2D take TFLite's per-tensor
// multiplier, GetQuantizedConvolutionMultipler: in_s * w_s multiplied in float,
// then divided by out_s in double. The case is the one output of
// mobilenet_v1_0.25_128_quant (Conv2d_13_pointwise, channel 74) that differed
// from LiteRT's reference kernels while lowbit formed the product in double:
// acc 10712 gives 251 through the float-product multiplier and 250 otherwise.
#include <catch2/catch.hpp>

#include "int8_test_util.h"

namespace lowbit {
namespace {

constexpr float kInputScale = 0.0235284772f;
constexpr float kWeightScale = 0.0233835299f;
constexpr uint8_t kWeightZeroPoint = 144;
constexpr int32_t kAccumulator = 10712;

// A 1x1 operator on one pixel whose input equals its zero point, so the
// accumulator is the bias alone.
std::unique_ptr<ModelBuilder> build(OpType type) {
  auto model = std::make_unique<ModelBuilder>();
  ModelBuilder& b = *model;
  const int in = b.add_tensor("input", DType::kUInt8, Shape{1, 1, 1, 1},
                              testing::per_tensor(kInputScale, 0));
  const int w = b.add_constant("weights", DType::kUInt8, Shape{1, 1, 1, 1},
                               std::vector<uint8_t>{kWeightZeroPoint},
                               testing::per_tensor(kWeightScale, kWeightZeroPoint));
  const int bias = b.add_constant("bias", DType::kInt32, Shape{1}, std::vector<int32_t>{kAccumulator},
                                  testing::per_tensor(kInputScale * kWeightScale, 0));
  const int out = b.add_tensor("output", DType::kUInt8, Shape{1, 1, 1, 1},
                               testing::per_tensor(kInputScale, 0));
  if (type == OpType::kConv2D) {
    Conv2DOptions opt;
    opt.activation = Activation::kRelu6;
    b.add_operator(type, {in, w, bias}, {out}, opt, "conv");
  } else {
    DepthwiseConv2DOptions opt;
    opt.activation = Activation::kRelu6;
    b.add_operator(type, {in, w, bias}, {out}, opt, "depthwise");
  }
  b.set_inputs({in});
  b.set_outputs({out});
  return model;
}

TEST_CASE("legacy uint8 conv and depthwise form the multiplier from a float product",
          "[uint8][conv2d][depthwise][tflite_reference]") {
  // The evidence itself: the two multipliers round this accumulator apart.
  const double float_product = double(kInputScale * kWeightScale) / double(kInputScale);
  const double double_product = double(kInputScale) * double(kWeightScale) / double(kInputScale);
  const ref::QuantizedMultiplier from_float = ref::quantize_multiplier(float_product);
  const ref::QuantizedMultiplier from_double = ref::quantize_multiplier(double_product);
  REQUIRE(ref::multiply_by_quantized_multiplier(kAccumulator, from_float.multiplier, from_float.shift) == 251);
  REQUIRE(ref::multiply_by_quantized_multiplier(kAccumulator, from_double.multiplier, from_double.shift) == 250);

  for (OpType type : {OpType::kConv2D, OpType::kDepthwiseConv2D}) {
    CAPTURE(op_type_name(type));
    const testing::Bytes out = int8_test::run_all_thread_counts(
        *build(type), {testing::Bytes{0}}, RequantProfile::kTfliteReference,
        type == OpType::kConv2D ? "qu8_conv2d__reference" : "qu8_depthwise_conv2d__reference", false);
    CHECK(int(out.at(0)) == 251);
  }
}

}  // namespace
}  // namespace lowbit
