// lowbit_arena_size's sizing pass (runtime/arena_size.h) on the recurrent
// operators, whose SVDF packs its feature weights for the GEMM rows: the
// pass must plan the same arena and count the same persistent bytes as a
// real prepare, without packing.
#include <catch2/catch.hpp>

#include "lowbit/lowbit.h"
#include "ops_recurrent/recurrent_test_models.h"
#include "runtime/arena_size.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {
namespace {

void check_sizes(const ModelBuilder& b) {
  auto bytes = b.finish();
  REQUIRE(bytes.ok());
  auto model = Model::from_buffer(bytes.value().data(), bytes.value().size());
  INFO(model.status().to_string());
  REQUIRE(model.ok());
  for (const char* kernel : {"auto", "reference"}) {
    for (int threads : {1, 2}) {
      INFO("kernel " << kernel << ", " << threads << " threads");
      InterpreterOptions options;
      options.kernel = kernel;
      options.num_threads = threads;
      Interpreter interpreter(model.value(), options);
      const Status prepared = interpreter.prepare();
      INFO(prepared.to_string());
      REQUIRE(prepared.ok());
      ArenaSizes sizes;
      REQUIRE(size_arena(model.value(), options, &sizes).ok());
      CHECK(sizes.arena_capacity == interpreter.required_arena_capacity());
      CHECK(sizes.persistent_bytes == interpreter.packed_weight_bytes());
    }
  }
}

}  // namespace

TEST_CASE("arena sizing pass equals prepare for SVDF models") {
  for (DType state : {DType::kInt16, DType::kInt8}) {
    IntSvdf s;
    s.state_type = state;
    if (state == DType::kInt8) s.state_scale = 0.6f, s.state_zp = 9, s.wt_scale = 0.02f;
    s.batch = 3, s.inputs = 37, s.units = 5, s.rank = 2, s.memory = 19;
    INFO("integer SVDF, state " << (state == DType::kInt16 ? "int16" : "int8"));
    ModelBuilder b;
    int_svdf(b, s, 7);
    check_sizes(b);
  }
  {
    INFO("float SVDF");
    ModelBuilder b;
    float_svdf(b);
    check_sizes(b);
  }
  {
    INFO("hybrid SVDF");
    ModelBuilder b;
    hybrid_svdf(b, DType::kInt8);
    check_sizes(b);
  }
}

}  // namespace testing
}  // namespace lowbit
