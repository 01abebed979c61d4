// TFLite INT4 (TensorType 17) weights: CONV_2D and FULLY_CONNECTED with INT8
// activations import them as DType::kInt4 with their packing, and run; INT4
// anywhere else is refused by name.
#include <catch2/catch.hpp>

#include <cstring>

#include "convert_test_util.h"
#include "tflite_writer.h"

namespace lowbit {
namespace testing {
namespace {

using Catch::Matchers::Contains;

constexpr int8_t kTflInt4 = 17;
enum : int32_t { kConv = 3, kDepthwise = 4, kFc = 9 };

// FULLY_CONNECTED [1, 3] x [2, 3]^T with INT4 weights {1, -2, 7, -8, 0, 3}
// (bytes 0xE1, 0x87, 0x30), or the same model with `input_type` input.
std::vector<uint8_t> int4_fully_connected(int8_t input_type = kTflInt8) {
  TfliteWriter w;
  const int x = w.add_tensor("x", input_type, {1, 3}, {0.5f}, {0});
  const std::vector<uint8_t> packed = {0xE1, 0x87, 0x30};
  const int weights = w.add_constant("fc/w4", kTflInt4, {2, 3}, packed, {0.25f, 0.5f}, {0, 0}, 0);
  const int y = w.add_tensor("y", input_type, {1, 2}, {0.125f}, {0});
  w.add_operator(w.builtin_code(kFc), {x, weights, -1}, {y});
  w.set_inputs({x});
  w.set_outputs({y});
  return w.finish();
}

TEST_CASE("TFLite INT4 FULLY_CONNECTED weights import packed and run", "[convert][int4]") {
  Converted c = convert_and_prepare(int4_fully_connected());
  INFO(c.stage << ": " << c.status.to_string());
  REQUIRE(c.status.ok());
  const GraphDesc& g = c.model->graph();
  const TensorDesc& weights = g.tensors[g.operators.at(0).inputs[1]];
  CHECK(weights.dtype == DType::kInt4);
  REQUIRE(weights.data_bytes == 3);
  const auto* bytes = static_cast<const uint8_t*>(weights.data);
  CHECK((bytes[0] == 0xE1 && bytes[1] == 0x87 && bytes[2] == 0x30));
  // x = {2, 1, -1} (scale 0.5): acc0 = 2 - 2 - 7 = -7, acc1 = -16 + 0 - 3 = -19;
  // y = acc * 0.5 * w_scale / 0.125: -7 * 1 = -7, -19 * 2 = -38.
  REQUIRE(fill_input(*c.interpreter, 0, {2, 1, 0xFF}));
  REQUIRE(c.interpreter->invoke().ok());
  CHECK(output_values<int8_t>(*c.interpreter, 0) == std::vector<int8_t>{-7, -38});
}

TEST_CASE("TFLite INT4 weights need INT8 input", "[convert][int4]") {
  for (int8_t type : {kTflUInt8, kTflInt16, kTflFloat32}) {
    const Converted c = convert_only(int4_fully_connected(type));
    INFO(int(type));
    CHECK(c.status.code() == StatusCode::kUnsupported);
    CHECK_THAT(c.status.message(),
               Contains("operator 0 (FULLY_CONNECTED): tensor 1 (\"fc/w4\") is INT4, which "
                        "needs INT8 input (W4A8)"));
  }
}

TEST_CASE("TFLite INT4 outside CONV_2D and FULLY_CONNECTED weights is refused", "[convert][int4]") {
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflInt8, {1, 3, 3, 2}, {0.5f}, {0});
  const int filter = w.add_constant("dw/w4", kTflInt4, {1, 2, 2, 2},
                                    std::vector<uint8_t>{0x11, 0x22, 0x33, 0x44}, {0.1f}, {0});
  const int bias = w.add_constant("dw/b", kTflInt32, {2}, std::vector<int32_t>{0, 0}, {0.05f},
                                  {0});
  const int y = w.add_tensor("y", kTflInt8, {1, 2, 2, 2}, {0.5f}, {0});
  w.add_operator(w.builtin_code(kDepthwise), {x, filter, bias}, {y},
                 {2, {{OptionField::kByte, 0, 1}, {OptionField::kInt, 1, 1},
                      {OptionField::kInt, 2, 1}, {OptionField::kInt, 3, 1}}});
  w.set_inputs({x});
  w.set_outputs({y});
  const Converted c = convert_only(w.finish());
  CHECK(c.status.code() == StatusCode::kUnsupported);
  CHECK_THAT(c.status.message(),
             Contains("operator 0 (DEPTHWISE_CONV_2D): tensor 1 (\"dw/w4\") is INT4, which is "
                      "supported only as the constant weights of CONV_2D and FULLY_CONNECTED"));
}

TEST_CASE("TFLite INT4 weights of the wrong size are refused", "[convert][int4]") {
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflInt8, {1, 1, 1, 3}, {0.5f}, {0});
  // One byte per value, as if unpacked: 6 bytes where [2, 1, 1, 3] packs into 3.
  const int filter = w.add_constant("conv/w4", kTflInt4, {2, 1, 1, 3},
                                    std::vector<int8_t>{1, 2, 3, 4, 5, 6}, {0.1f}, {0});
  const int bias = w.add_constant("conv/b", kTflInt32, {2}, std::vector<int32_t>{0, 0}, {0.05f},
                                  {0});
  const int y = w.add_tensor("y", kTflInt8, {1, 1, 1, 2}, {0.5f}, {0});
  w.add_operator(w.builtin_code(kConv), {x, filter, bias}, {y},
                 {1, {{OptionField::kByte, 0, 1}, {OptionField::kInt, 1, 1},
                      {OptionField::kInt, 2, 1}}});
  w.set_inputs({x});
  w.set_outputs({y});
  const Converted c = convert_only(w.finish());
  CHECK(c.status.code() == StatusCode::kInvalidModel);
  CHECK_THAT(c.status.message(),
             Contains("tensor 1 (\"conv/w4\") has 6 bytes of constant data but int4[2,1,1,3] "
                      "needs 3"));
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
