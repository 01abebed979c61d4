// Unsupported operators are named as TFLite names them, and a refused model
// lists every unsupported kind with its count before the per-operator reasons.
#include <catch2/catch.hpp>
#include <set>
#include <utility>

#include "convert/tflite_schema.h"
#include "convert_test_util.h"
#include "tflite_writer.h"

namespace lowbit {
namespace testing {

TEST_CASE("every TFLite builtin code has its schema name", "[convert][names]") {
  // schema.fbs had 210 builtin operators (up to STABLEHLO_CASE) when the
  // table was written; it only ever grows.
  REQUIRE(tfl::known_builtin_operator_count() >= 210);
  std::set<std::string> names;
  for (int32_t code = 0; code < tfl::known_builtin_operator_count(); ++code) {
    const std::string name = tfl::builtin_operator_name(code);
    CAPTURE(code, name);
    CHECK(name.rfind("BUILTIN_", 0) == std::string::npos);
    CHECK(names.insert(name).second);  // no name twice: the table is not shifted
  }
  // Spot checks across the table, including the ones real models hit.
  const std::pair<int32_t, const char*> known[] = {
      {0, "ADD"}, {23, "RESIZE_BILINEAR"}, {32, "CUSTOM"}, {53, "CAST"}, {56, "ARG_MAX"},
      {97, "RESIZE_NEAREST_NEIGHBOR"}, {107, "GATHER_ND"}, {117, "HARD_SWISH"},
      {127, "PLACEHOLDER_FOR_GREATER_OP_CODES"}, {150, "GELU"}, {206, "STABLEHLO_COMPOSITE"},
      {209, "STABLEHLO_CASE"}};
  for (const auto& [code, name] : known) CHECK(tfl::builtin_operator_name(code) == name);
  // Codes from a newer TFLite (or garbage) still print, just without a name.
  CHECK(tfl::builtin_operator_name(100000) == "BUILTIN_100000");
  CHECK(tfl::builtin_operator_name(-5) == "BUILTIN_-5");
}

TEST_CASE("a refused model names every unsupported operator kind with its count",
          "[convert][names]") {
  // Operators outside lowbit's plans (text and lookup ones), so the test
  // keeps meaning the same as operators are added.
  constexpr int32_t kEmbeddingLookup = 7, kLshProjection = 15, kSkipGram = 30;
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflFloat32, {1, 8});
  std::vector<int> chain = {x};
  auto add_op = [&](int code, const std::string& output) {
    const int y = w.add_tensor(output, kTflFloat32, {1, 8});
    w.add_operator(code, {chain.back()}, {y});
    chain.push_back(y);
  };
  add_op(w.builtin_code(kSkipGram), "skip_gram_1");
  add_op(w.builtin_code(19), "relu");  // converts
  add_op(w.builtin_code(kEmbeddingLookup), "lookup");
  add_op(w.builtin_code(kSkipGram), "skip_gram_2");
  add_op(w.custom_code("MyFancyOp"), "fancy");
  add_op(w.builtin_code(kLshProjection), "lsh");
  add_op(w.builtin_code(kSkipGram), "skip_gram_3");
  w.set_inputs({x});
  w.set_outputs({chain.back()});
  const Converted c = convert_only(w.finish());
  INFO(c.status.to_string());
  REQUIRE(c.status.code() == StatusCode::kUnsupported);
  const std::string& m = c.status.message();
  // Most frequent first, then in order of first appearance.
  CHECK(m.rfind("unsupported operators: SKIP_GRAM (x3), EMBEDDING_LOOKUP (x1), MyFancyOp (x1), "
                "LSH_PROJECTION (x1)\n",
                0) == 0);
  CHECK_THAT(m, Catch::Contains("cannot convert 6 item(s) of 7 operators"));
  CHECK_THAT(m, Catch::Contains("operator 6 (SKIP_GRAM): builtin operator SKIP_GRAM (code 30)"));
  CHECK_THAT(m, Catch::Contains("operator 4 (MyFancyOp): custom operator \"MyFancyOp\""));
  CHECK_THAT(m, !Catch::Contains("BUILTIN_"));
}

TEST_CASE("a model refused only for its options has no unsupported-operators line",
          "[convert][names]") {
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflFloat32, {1, 4, 4, 3});
  const int filter = w.add_constant("filter", kTflFloat32, {3, 1, 1, 3}, std::vector<float>(9, 1.0f));
  const int y = w.add_tensor("y", kTflFloat32, {1, 4, 4, 3});
  BuiltinOptions tanh_activation{1, {{OptionField::kByte, 0, 1},
                                     {OptionField::kInt, 1, 1},
                                     {OptionField::kInt, 2, 1},
                                     {OptionField::kByte, 3, 4}}};  // fused TANH
  w.add_operator(w.builtin_code(3), {x, filter, -1}, {y}, tanh_activation);
  w.set_inputs({x});
  w.set_outputs({y});
  const Converted c = convert_only(w.finish());
  INFO(c.status.to_string());
  REQUIRE(c.status.code() == StatusCode::kUnsupported);
  CHECK_THAT(c.status.message(), !Catch::Contains("unsupported operators:"));
  CHECK_THAT(c.status.message(), Catch::Contains("operator 0 (CONV_2D)") && Catch::Contains("TANH"));
}

}  // namespace testing
}  // namespace lowbit
