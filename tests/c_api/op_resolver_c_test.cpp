// The C op resolver: caller storage, operators added one by one, loading that
// fails on an operator not added (saying which lowbit_op_...() to add), and
// results equal to loading with every operator.
#include <cstring>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "lowbit/c_api.h"
#include "lowbit/lowbit.h"
#include "c_model_runner.h"
#include "support/blocks.h"
#include "support/model_runner.h"

namespace {

using lowbit::testing::Bytes;
using lowbit::testing::CModel;
using lowbit::testing::run_c_model;

// CONV_2D, DEPTHWISE_CONV_2D and ADD.
Bytes int8_block() {
  lowbit::ModelBuilder b;
  lowbit::testing::build_int8_block(b, 6, 5, 8, 2, 11);
  auto bytes = b.finish();
  REQUIRE(bytes.ok());
  return bytes.value();
}

// A resolver holding these operators (every add must succeed).
lowbit_op_resolver resolver_with(std::initializer_list<const lowbit_op*> ops) {
  lowbit_op_resolver resolver;
  lowbit_op_resolver_init(&resolver);
  for (const lowbit_op* op : ops) REQUIRE(lowbit_op_resolver_add(&resolver, op) == LOWBIT_OK);
  return resolver;
}

}  // namespace

TEST_CASE("C op resolver: a model loads with its operators and runs as with all of them") {
  const Bytes bytes = int8_block();
  // ADD twice: adding again is harmless.
  lowbit_op_resolver ops = resolver_with(
      {lowbit_op_Conv2D(), lowbit_op_DepthwiseConv2D(), lowbit_op_Add(), lowbit_op_Add()});
  CModel resolved, full;
  REQUIRE(lowbit_model_create_from_buffer_with_resolver(bytes.data(), bytes.size(), &ops,
                                                        &resolved.model) == LOWBIT_OK);
  REQUIRE(lowbit_model_create_from_buffer(bytes.data(), bytes.size(), &full.model) == LOWBIT_OK);

  std::mt19937 rng(lowbit::testing::test_seed());
  lowbit_interpreter* probe = nullptr;
  REQUIRE(lowbit_interpreter_create(full.model, nullptr, nullptr, 0, &probe) == LOWBIT_OK);
  const size_t input_bytes = lowbit_tensor_bytes(lowbit_interpreter_input(probe, 0));
  lowbit_interpreter_destroy(probe);
  const Bytes input = lowbit::testing::random_ints<uint8_t>(rng, input_bytes, 0, 255);
  CHECK(run_c_model(resolved.model, input) == run_c_model(full.model, input));
}

TEST_CASE("C op resolver: an operator not added fails the load and is named") {
  const Bytes bytes = int8_block();
  lowbit_op_resolver ops = resolver_with({lowbit_op_Conv2D(), lowbit_op_Add()});
  lowbit_model* model = reinterpret_cast<lowbit_model*>(&ops);  // must be reset to NULL
  CHECK(lowbit_model_create_from_buffer_with_resolver(bytes.data(), bytes.size(), &ops, &model) ==
        LOWBIT_UNSUPPORTED);
  CHECK(model == nullptr);
  CHECK_THAT(std::string(lowbit_last_error()),
             Catch::Contains("(DEPTHWISE_CONV_2D") &&
                 Catch::Contains("C: lowbit_op_DepthwiseConv2D()"));

  // init empties a resolver again.
  lowbit_op_resolver_init(&ops);
  CHECK(lowbit_model_create_from_buffer_with_resolver(bytes.data(), bytes.size(), &ops, &model) ==
        LOWBIT_UNSUPPORTED);
  CHECK_THAT(std::string(lowbit_last_error()), Catch::Contains("lowbit_op_Conv2D()"));
}

TEST_CASE("C op resolver: NULL arguments are refused") {
  const Bytes bytes = int8_block();
  lowbit_op_resolver ops;
  lowbit_op_resolver_init(&ops);
  lowbit_op_resolver_init(nullptr);
  CHECK(lowbit_op_resolver_add(nullptr, lowbit_op_Add()) == LOWBIT_INVALID_ARGUMENT);
  CHECK(lowbit_op_resolver_add(&ops, nullptr) == LOWBIT_INVALID_ARGUMENT);
  CHECK_THAT(std::string(lowbit_last_error()), Catch::Contains("op is NULL"));
  lowbit_model* model = nullptr;
  CHECK(lowbit_model_create_from_buffer_with_resolver(bytes.data(), bytes.size(), nullptr,
                                                      &model) == LOWBIT_INVALID_ARGUMENT);
  CHECK_THAT(std::string(lowbit_last_error()), Catch::Contains("resolver is NULL"));
  CHECK(lowbit_model_create_from_buffer_with_resolver(nullptr, 0, &ops, &model) ==
        LOWBIT_INVALID_ARGUMENT);
  CHECK(lowbit_model_create_from_buffer_with_resolver(bytes.data(), bytes.size(), &ops,
                                                      nullptr) == LOWBIT_INVALID_ARGUMENT);
}
