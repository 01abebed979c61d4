// The C API's TFLite loaders: a .tflite from a file, a buffer or with an op
// resolver runs exactly like its converted .lbm; failures name the file and
// the reason, and the .lbm loaders point a TFLite file to them.
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "c_model_runner.h"
#include "convert/tflite_importer.h"
#include "lowbit/c_api.h"
#include "lowbit/model_builder.h"
#include "support/model_runner.h"

namespace {

using lowbit::testing::Bytes;
using lowbit::testing::CModel;
using lowbit::testing::run_c_model;

// person_detect: CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, RESHAPE, SOFTMAX.
std::string person_detect_path() {
  const std::string dir = lowbit::testing::shared_models_dir();
  if (dir.empty()) {
    FAIL("the shared models folder (../shared/models beside the source tree, or "
         "$LOWBIT_MODELS_DIR) is missing");
  }
  return dir + "/tflite_micro/person_detect.tflite";
}

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Bytes converted_lbm(const Bytes& tflite) {
  lowbit::ModelBuilder builder;
  const lowbit::Status status = lowbit::import_tflite(tflite.data(), tflite.size(), &builder, nullptr);
  INFO(status.to_string());
  REQUIRE(status.ok());
  auto lbm = builder.finish();
  REQUIRE(lbm.ok());
  return lbm.value();
}

}  // namespace

TEST_CASE("C API: a .tflite loads from a file, a buffer and with a resolver") {
  const std::string path = person_detect_path();
  const Bytes tflite = read_file(path);
  REQUIRE(!tflite.empty());
  const Bytes lbm = converted_lbm(tflite);
  CModel reference, from_file, from_buffer, resolved;
  REQUIRE(lowbit_model_create_from_buffer(lbm.data(), lbm.size(), &reference.model) == LOWBIT_OK);
  REQUIRE(lowbit_model_create_from_tflite_file(path.c_str(), &from_file.model) == LOWBIT_OK);
  {
    Bytes scratch = tflite;  // the model keeps nothing of the caller's buffer
    REQUIRE(lowbit_model_create_from_tflite_buffer(scratch.data(), scratch.size(),
                                                   &from_buffer.model) == LOWBIT_OK);
  }
  lowbit_op_resolver ops;
  lowbit_op_resolver_init(&ops);
  for (const lowbit_op* op : {lowbit_op_Conv2D(), lowbit_op_DepthwiseConv2D(),
                              lowbit_op_AveragePool2D(), lowbit_op_Reshape(), lowbit_op_Softmax()}) {
    REQUIRE(lowbit_op_resolver_add(&ops, op) == LOWBIT_OK);
  }
  REQUIRE(lowbit_model_create_from_tflite_buffer_with_resolver(tflite.data(), tflite.size(), &ops,
                                                               &resolved.model) == LOWBIT_OK);

  std::mt19937 rng(lowbit::testing::test_seed());
  for (int trial = 0; trial < 3; ++trial) {
    const Bytes input = lowbit::testing::random_ints<uint8_t>(rng, 96 * 96, 0, 255);
    const Bytes expected = run_c_model(reference.model, input);
    CHECK(run_c_model(from_file.model, input) == expected);
    CHECK(run_c_model(from_buffer.model, input) == expected);
    CHECK(run_c_model(resolved.model, input) == expected);
  }

  // A resolver missing an operator of the converted model names it.
  lowbit_op_resolver_init(&ops);
  REQUIRE(lowbit_op_resolver_add(&ops, lowbit_op_Conv2D()) == LOWBIT_OK);
  lowbit_model* model = nullptr;
  CHECK(lowbit_model_create_from_tflite_buffer_with_resolver(tflite.data(), tflite.size(), &ops,
                                                             &model) == LOWBIT_UNSUPPORTED);
  CHECK(model == nullptr);
  CHECK_THAT(std::string(lowbit_last_error()), Catch::Contains("lowbit_op_DepthwiseConv2D()"));
}

TEST_CASE("C API: TFLite loading failures return a status naming the file and the reason") {
  const std::string path = person_detect_path();
  const Bytes tflite = read_file(path);
  lowbit_model* model = nullptr;
  SECTION("missing file") {
    CHECK(lowbit_model_create_from_tflite_file("/nonexistent/m.tflite", &model) == LOWBIT_IO_ERROR);
    CHECK_THAT(std::string(lowbit_last_error()), Catch::Contains("/nonexistent/m.tflite"));
  }
  SECTION("corrupt buffer") {
    CHECK(lowbit_model_create_from_tflite_buffer(tflite.data(), tflite.size() / 3, &model) ==
          LOWBIT_INVALID_MODEL);
    CHECK_THAT(std::string(lowbit_last_error()), Catch::Contains("not a valid TFLite model"));
  }
  SECTION("a .lbm given to the TFLite loader") {
    const Bytes lbm = converted_lbm(tflite);
    CHECK(lowbit_model_create_from_tflite_buffer(lbm.data(), lbm.size(), &model) ==
          LOWBIT_INVALID_ARGUMENT);
  }
  SECTION("a .tflite given to the .lbm loaders points to the TFLite ones") {
    CHECK(lowbit_model_create_from_file(path.c_str(), &model) == LOWBIT_INVALID_MODEL);
    CHECK_THAT(std::string(lowbit_last_error()),
               Catch::Contains(path) && Catch::Contains("lowbit_model_create_from_tflite_file"));
    CHECK(lowbit_model_create_from_buffer(tflite.data(), tflite.size(), &model) ==
          LOWBIT_INVALID_MODEL);
    CHECK_THAT(std::string(lowbit_last_error()),
               Catch::Contains("lowbit_model_create_from_tflite_buffer"));
  }
  SECTION("NULL arguments") {
    CHECK(lowbit_model_create_from_tflite_file(nullptr, &model) == LOWBIT_INVALID_ARGUMENT);
    CHECK(lowbit_model_create_from_tflite_file(path.c_str(), nullptr) == LOWBIT_INVALID_ARGUMENT);
    CHECK(lowbit_model_create_from_tflite_buffer(nullptr, 10, &model) == LOWBIT_INVALID_ARGUMENT);
    CHECK(lowbit_model_create_from_tflite_buffer_with_resolver(tflite.data(), tflite.size(),
                                                               nullptr, &model) ==
          LOWBIT_INVALID_ARGUMENT);
  }
  CHECK(model == nullptr);
}
