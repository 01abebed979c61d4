// The data movement operators through the TFLite converter: index tensors
// become options, index tensors computed at run time are rejected naming the
// operator and the tensor, and option tables are read with TFLite's field ids.
#include <catch2/catch.hpp>

#include "convert_test_util.h"
#include "tflite_writer.h"

namespace lowbit {
namespace testing {
namespace {

enum : int32_t { kTranspose = 39, kStridedSlice = 45, kSplit = 49, kArgMax = 56, kArgMin = 79,
                 kPack = 83 };

Status convert(TfliteWriter& w, ModelBuilder* builder) {
  ConversionSummary summary;
  const std::vector<uint8_t> bytes = w.finish();
  return import_tflite(bytes.data(), bytes.size(), builder, &summary);
}

// The graph of a model that must convert.
const GraphDesc& converted(TfliteWriter& w, ModelBuilder* builder) {
  const Status status = convert(w, builder);
  INFO(status.to_string());
  REQUIRE(status.ok());
  return builder->graph();
}

}  // namespace

TEST_CASE("TRANSPOSE, STRIDED_SLICE, SPLIT and PACK read their options", "[convert][datamove]") {
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflInt64, {2, 3});
  const int perm = w.add_constant("perm", kTflInt32, {2}, std::vector<int32_t>{1, 0});
  const int t = w.add_tensor("t", kTflInt64, {3, 2});
  w.add_operator(w.builtin_code(kTranspose), {x, perm}, {t});
  const int begin = w.add_constant("begin", kTflInt64, {2}, std::vector<int64_t>{0, -1});
  const int end = w.add_constant("end", kTflInt32, {2}, std::vector<int32_t>{3, 0});
  const int strides = w.add_constant("strides", kTflInt32, {2}, std::vector<int32_t>{2, 1});
  const int s = w.add_tensor("s", kTflInt64, {2});
  // StridedSliceOptions: begin_mask 0, end_mask 1, ellipsis 2, new_axis 3, shrink 4, offset 5.
  w.add_operator(w.builtin_code(kStridedSlice), {t, begin, end, strides}, {s},
                 {32, {{OptionField::kInt, 4, 2}}});
  const int axis = w.add_constant("axis", kTflInt32, {}, std::vector<int32_t>{0});
  const int h0 = w.add_tensor("h0", kTflInt64, {1}), h1 = w.add_tensor("h1", kTflInt64, {1});
  w.add_operator(w.builtin_code(kSplit), {axis, s}, {h0, h1}, {35, {{OptionField::kInt, 0, 2}}});
  const int p = w.add_tensor("p", kTflInt64, {1, 2});
  // PackOptions: values_count 0, axis 1.
  w.add_operator(w.builtin_code(kPack), {h0, h1}, {p},
                 {59, {{OptionField::kInt, 0, 2}, {OptionField::kInt, 1, -1}}});
  w.set_inputs({x});
  w.set_outputs({p});

  ModelBuilder builder;
  const GraphDesc& g = converted(w, &builder);
  REQUIRE(g.operators.size() == 4);
  CHECK(g.tensors[g.inputs[0]].dtype == DType::kInt64);
  CHECK(std::get<TransposeOptions>(g.operators[0].options).perm == std::vector<int32_t>{1, 0});
  CHECK(g.operators[0].inputs.size() == 1);
  const auto& ss = std::get<StridedSliceOptions>(g.operators[1].options);
  CHECK(ss.begin == std::vector<int32_t>{0, -1});
  CHECK(ss.strides == std::vector<int32_t>{2, 1});
  CHECK(ss.shrink_axis_mask == 2);
  CHECK(g.operators[2].type == OpType::kSplit);
  CHECK(std::get<SplitOptions>(g.operators[2].options).axis == 0);
  CHECK(g.operators[2].inputs.size() == 1);
  CHECK(std::get<AxisOptions>(g.operators[3].options).axis == -1);
}

TEST_CASE("an index tensor computed at run time is rejected by name", "[convert][datamove]") {
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflFloat32, {2, 3});
  const int perm = w.add_tensor("dynamic_perm", kTflInt32, {2});
  const int t = w.add_tensor("t", kTflFloat32, {3, 2});
  w.add_operator(w.builtin_code(kTranspose), {x, perm}, {t});
  w.set_inputs({x, perm});
  w.set_outputs({t});
  ModelBuilder builder;
  const Status status = convert(w, &builder);
  REQUIRE_FALSE(status.ok());
  CHECK_THAT(status.message(), Catch::Contains("TRANSPOSE") &&
                                   Catch::Contains("\"dynamic_perm\"") &&
                                   Catch::Contains("must be a constant"));
}

TEST_CASE("SPLIT's num_splits must match its outputs", "[convert][datamove]") {
  TfliteWriter w;
  const int axis = w.add_constant("axis", kTflInt32, {}, std::vector<int32_t>{0});
  const int x = w.add_tensor("x", kTflFloat32, {4});
  const int a = w.add_tensor("a", kTflFloat32, {2}), b = w.add_tensor("b", kTflFloat32, {2});
  w.add_operator(w.builtin_code(kSplit), {axis, x}, {a, b}, {35, {{OptionField::kInt, 0, 3}}});
  w.set_inputs({x});
  w.set_outputs({a, b});
  ModelBuilder builder;
  const Status status = convert(w, &builder);
  REQUIRE_FALSE(status.ok());
  CHECK_THAT(status.message(), Catch::Contains("SPLIT") && Catch::Contains("num_splits is 3"));
}

TEST_CASE("ARG_MAX/ARG_MIN: the axis becomes options, output_type must be the output's type",
          "[convert][datamove]") {
  // ArgMaxOptions (tag 40) and ArgMinOptions (tag 57): output_type is field 0.
  auto build = [](TfliteWriter& w, int32_t code, bool constant_axis, int8_t out_type,
                  int8_t output_type) {
    const int x = w.add_tensor("x", kTflUInt8, {1, 4, 4, 21});
    const int axis = constant_axis
                         ? w.add_constant("axis", kTflInt32, {}, std::vector<int32_t>{-1})
                         : w.add_tensor("dynamic_axis", kTflInt32, {});
    const int y = w.add_tensor("y", out_type, {1, 4, 4});
    w.add_operator(w.builtin_code(code), {x, axis}, {y},
                   {static_cast<uint8_t>(code == kArgMax ? 40 : 57),
                    {{OptionField::kByte, 0, static_cast<double>(output_type)}}});
    w.set_inputs(constant_axis ? std::vector<int32_t>{x} : std::vector<int32_t>{x, axis});
    w.set_outputs({y});
  };
  for (int32_t code : {kArgMax, kArgMin}) {
    TfliteWriter w;
    build(w, code, true, kTflInt64, kTflInt64);
    ModelBuilder builder;
    const GraphDesc& g = converted(w, &builder);
    REQUIRE(g.operators.size() == 1);
    CHECK(g.operators[0].type == (code == kArgMax ? OpType::kArgMax : OpType::kArgMin));
    CHECK(g.operators[0].inputs.size() == 1);
    CHECK(std::get<AxisOptions>(g.operators[0].options).axis == -1);
    CHECK(g.tensors[g.operators[0].outputs[0]].dtype == DType::kInt64);
  }
  TfliteWriter dynamic;
  build(dynamic, kArgMax, false, kTflInt32, kTflInt32);
  ModelBuilder b1;
  CHECK_THAT(convert(dynamic, &b1).message(), Catch::Contains("ARG_MAX") &&
                                                  Catch::Contains("\"dynamic_axis\"") &&
                                                  Catch::Contains("must be a constant"));
  TfliteWriter mismatch;
  build(mismatch, kArgMin, true, kTflInt32, kTflInt64);
  ModelBuilder b2;
  CHECK_THAT(convert(mismatch, &b2).message(),
             Catch::Contains("ARG_MIN") && Catch::Contains("output_type INT64 differs"));
  TfliteWriter float_out;
  build(float_out, kArgMax, true, kTflFloat32, kTflFloat32);
  ModelBuilder b3;
  CHECK_THAT(convert(float_out, &b3).message(), Catch::Contains("must be INT32 or INT64, not FLOAT32"));
}

}  // namespace testing
}  // namespace lowbit
