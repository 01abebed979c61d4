// Resource limits (LoadOptions, InterpreterOptions::max_arena_bytes): a model
// that needs more than allowed is refused with a clear error *before* anything
// large is allocated. The allocation counter of this binary sees every
// operator new and aligned_alloc, so "largest allocation" is the proof.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "allocation_counter.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

// Allocations below this are bookkeeping (names, shape vectors, the tiny file).
constexpr size_t kSmall = size_t(64) << 10;

// in int8[1,H,W,C] -> RELU -> out: the file is a few hundred bytes whatever
// the declared shape, so only the declared tensors are huge.
std::vector<uint8_t> relu_model(int h, int w, int c) {
  ModelBuilder b;
  const Quantization q = per_tensor(0.5f, 0);
  const int in = b.add_tensor("in", DType::kInt8, {1, h, w, c}, q);
  const int out = b.add_tensor("out", DType::kInt8, {1, h, w, c}, q);
  b.add_operator(OpType::kRelu, {in}, {out}, {}, "relu");
  b.set_inputs({in});
  b.set_outputs({out});
  auto bytes = b.finish();
  REQUIRE(bytes.ok());
  return bytes.value();
}

// A 64-byte aligned copy, so from_buffer uses the bytes in place.
struct Aligned {
  explicit Aligned(const std::vector<uint8_t>& bytes, size_t offset = 0)
      : storage(bytes.size() + 128), data(storage.data() + (64 - reinterpret_cast<uintptr_t>(
                                                                     storage.data()) % 64) % 64 +
                                          offset) {
    std::memcpy(data, bytes.data(), bytes.size());
  }
  std::vector<uint8_t> storage;
  uint8_t* data;
};

// Loading the file must fail with kResourceExhausted and a message holding
// `message`, before any large allocation.
void check_refused_before_allocating(const Aligned& file, size_t size, const LoadOptions& options,
                                     const char* message) {
  CountAllocations counter;
  auto model = Model::from_buffer(file.data, size, options);
  const size_t largest = counter.largest();
  REQUIRE_FALSE(model.ok());
  CHECK(model.status().code() == StatusCode::kResourceExhausted);
  CHECK_THAT(model.status().message(), Catch::Contains(message));
  CHECK(largest < kSmall);
}

}  // namespace

TEST_CASE("a tensor over max_tensor_bytes is refused before any large allocation",
          "[runtime][limits]") {
  const std::vector<uint8_t> bytes = relu_model(4096, 4096, 64);  // 1 GiB tensors
  const Aligned file(bytes);
  LoadOptions options;
  options.max_tensor_bytes = size_t(1) << 20;
  check_refused_before_allocating(
      file, bytes.size(), options,
      "tensor 0 \"in\": 1073741824 bytes exceeds max_tensor_bytes (1048576)");
}

TEST_CASE("a plan over max_arena_bytes is refused before the arena is allocated",
          "[runtime][limits]") {
  const std::vector<uint8_t> bytes = relu_model(4096, 4096, 64);
  const Aligned file(bytes);
  CountAllocations counter;
  auto model = Model::from_buffer(file.data, bytes.size());  // 2 GiB default tensor limit
  REQUIRE(model.ok());
  CHECK(counter.largest() < kSmall);  // loading allocates no tensor memory
  InterpreterOptions options;
  options.max_arena_bytes = size_t(16) << 20;
  Interpreter interp(model.value(), options);
  const Status status = interp.prepare();
  const size_t largest = counter.largest();
  CHECK(status.code() == StatusCode::kResourceExhausted);
  CHECK_THAT(status.message(), Catch::Contains("max_arena_bytes"));
  CHECK(largest < kSmall);
  CHECK(interp.arena_bytes() == 0);
}

TEST_CASE("a file over max_model_bytes is refused before it is copied", "[runtime][limits]") {
  // 1 MiB of constant data, handed over at a misaligned address, which would
  // otherwise make from_buffer copy the whole file.
  ModelBuilder b;
  b.add_constant("big", DType::kInt8, {1 << 20}, std::vector<int8_t>(1 << 20, 1));
  const int in = b.add_tensor("in", DType::kFloat32, {4});
  const int out = b.add_tensor("out", DType::kFloat32, {4});
  b.add_operator(OpType::kRelu, {in}, {out}, {}, "relu");
  b.set_inputs({in});
  b.set_outputs({out});
  const std::vector<uint8_t> bytes = b.finish().value();
  const Aligned file(bytes, 1);
  LoadOptions options;
  options.max_model_bytes = size_t(256) << 10;
  check_refused_before_allocating(file, bytes.size(), options,
                                  "more than max_model_bytes (262144)");
  // The same file within the limit is copied (the counter sees the copy).
  options.max_model_bytes = bytes.size();
  CountAllocations counter;
  auto model = Model::from_buffer(file.data, bytes.size(), options);
  REQUIRE(model.ok());
  CHECK(counter.largest() >= bytes.size());
}

TEST_CASE("a rank over max_rank is refused", "[runtime][limits]") {
  ModelBuilder b;
  const int in = b.add_tensor("in", DType::kFloat32, {1, 1, 1, 1, 1, 2});
  const int out = b.add_tensor("out", DType::kFloat32, {1, 1, 1, 1, 1, 2});
  b.add_operator(OpType::kRelu, {in}, {out}, {}, "relu");
  b.set_inputs({in});
  b.set_outputs({out});
  const std::vector<uint8_t> bytes = b.finish().value();
  const Aligned file(bytes);
  LoadOptions options;
  options.max_rank = 5;
  auto model = Model::from_buffer(file.data, bytes.size(), options);
  REQUIRE_FALSE(model.ok());
  CHECK(model.status().code() == StatusCode::kResourceExhausted);
  CHECK_THAT(model.status().message(), Catch::Contains("tensor 0 \"in\": rank 6 exceeds the limit of 5"));
  options.max_rank = 6;
  CHECK(Model::from_buffer(file.data, bytes.size(), options).ok());
}
