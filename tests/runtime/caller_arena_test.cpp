#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <vector>

#include "support/blocks.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

std::shared_ptr<const Model> load_block(std::vector<uint8_t>* bytes, int precision) {
  ModelBuilder b;
  if (precision == 0) build_int8_block(b, 12, 10, 8, 4, 3);
  if (precision == 1) build_binary_block(b, 12, 10, 40, 3);
  if (precision == 2) build_float_block(b, 12, 10, 8, 4, 3);
  auto finished = b.finish();
  REQUIRE(finished.ok());
  *bytes = std::move(finished.value());
  auto model = Model::from_buffer(bytes->data(), bytes->size());
  REQUIRE(model.ok());
  return model.value();
}

bool inside(const void* p, const std::vector<uint8_t>& buffer) {
  const uint8_t* q = static_cast<const uint8_t*>(p);
  return q >= buffer.data() && q < buffer.data() + buffer.size();
}

}  // namespace

TEST_CASE("a caller arena holds every planned tensor and gives the same outputs", "[runtime]") {
  for (int precision : {0, 1, 2}) {
    INFO("precision " << precision << " (0 int8, 1 binary, 2 float)");
    std::vector<uint8_t> bytes;
    auto model = load_block(&bytes, precision);

    Interpreter own(model);
    REQUIRE(own.prepare().ok());
    const size_t needed = own.required_arena_capacity();
    REQUIRE(needed >= own.arena_bytes() + 63);

    // Deliberately misaligned start: the interpreter aligns inside the buffer.
    std::vector<uint8_t> memory(needed + 3, 0xA5);
    InterpreterOptions opts;
    opts.arena = memory.data() + 3;
    opts.arena_capacity = needed;
    Interpreter caller(model, opts);
    Status s = caller.prepare();
    INFO(s.to_string());
    REQUIRE(s.ok());
    CHECK(caller.arena_bytes() == own.arena_bytes());

    const GraphDesc& graph = model->graph();
    for (size_t t = 0; t < graph.tensors.size(); ++t) {
      TensorView v = caller.tensor(static_cast<int>(t));
      if (graph.tensors[t].is_constant() || v.data == nullptr) continue;
      INFO("tensor " << t << " " << graph.tensors[t].name);
      CHECK(inside(v.data, memory));
      CHECK(reinterpret_cast<uintptr_t>(v.data) % 64 == 0);
    }

    std::mt19937 rng(11);
    TensorView in_own = own.input(0), in_caller = caller.input(0);
    for (size_t i = 0; i < in_own.bytes; ++i) {
      uint8_t x = static_cast<uint8_t>(rng());
      if (in_own.dtype() == DType::kFloat32) x &= 0x3F;  // finite floats of moderate size
      static_cast<uint8_t*>(in_own.data)[i] = x;
    }
    std::memcpy(in_caller.data, in_own.data, in_own.bytes);
    REQUIRE(own.invoke().ok());
    REQUIRE(caller.invoke().ok());
    TensorView out_own = own.output(0), out_caller = caller.output(0);
    REQUIRE(out_own.bytes == out_caller.bytes);
    CHECK(std::memcmp(out_own.data, out_caller.data, out_own.bytes) == 0);
  }
}

TEST_CASE("a caller arena that is too small is refused with the size needed", "[runtime]") {
  std::vector<uint8_t> bytes;
  auto model = load_block(&bytes, 0);
  std::vector<uint8_t> memory(100);
  InterpreterOptions opts;
  opts.arena = memory.data();
  opts.arena_capacity = memory.size();
  Interpreter interp(model, opts);
  Status s = interp.prepare();
  CHECK(s.code() == StatusCode::kResourceExhausted);
  const size_t needed = interp.required_arena_capacity();
  CHECK(needed > memory.size());
  CHECK(s.message().find("100 bytes given, " + std::to_string(needed) + " needed") !=
        std::string::npos);
  CHECK_FALSE(interp.invoke().ok());
}
