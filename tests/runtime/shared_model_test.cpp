// A Model is immutable after loading and may be shared by interpreters running
// in different threads (docs/api.md). Each interpreter owns its arena, packed
// weights and thread pool.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <thread>

#include "support/blocks.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

std::shared_ptr<const Model> load(const ModelBuilder& b, std::vector<uint8_t>* storage) {
  auto bytes = b.finish();
  REQUIRE(bytes.ok());
  *storage = std::move(bytes.value());
  auto model = Model::from_buffer(storage->data(), storage->size());
  REQUIRE(model.ok());
  return model.value();
}

Bytes run_once(const std::shared_ptr<const Model>& model, const Bytes& input, int threads,
               Status* status) {
  InterpreterOptions options;
  options.num_threads = threads;
  Interpreter interp(model, options);
  *status = interp.prepare();
  if (!status->ok()) return {};
  std::memcpy(interp.input(0).data, input.data(), input.size());
  *status = interp.invoke();
  if (!status->ok()) return {};
  const TensorView out = interp.output(0);
  const auto* p = static_cast<const uint8_t*>(out.data);
  return Bytes(p, p + out.bytes);
}

}  // namespace

TEST_CASE("interpreters in several threads share one model", "[runtime][threads]") {
  std::vector<uint8_t> storage;
  ModelBuilder b;
  build_int8_block(b, 12, 12, 16, 4, 99);
  const auto model = load(b, &storage);

  std::mt19937 rng(test_seed());
  constexpr int kWorkers = 4;
  std::vector<Bytes> inputs(kWorkers), expected(kWorkers);
  for (int w = 0; w < kWorkers; ++w) {
    inputs[w] = random_ints<uint8_t>(rng, 12 * 12 * 16, 0, 255);
    Status s;
    expected[w] = run_once(model, inputs[w], 1, &s);
    REQUIRE(s.ok());
  }

  std::vector<Bytes> got(kWorkers);
  std::vector<Status> status(kWorkers);
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      // Several rounds, each with a fresh interpreter, with 1 or 2 pool threads.
      for (int round = 0; round < 5 && status[w].ok(); ++round) {
        got[w] = run_once(model, inputs[w], 1 + (w + round) % 2, &status[w]);
      }
    });
  }
  for (auto& t : workers) t.join();
  for (int w = 0; w < kWorkers; ++w) {
    INFO("worker " << w << ": " << status[w].to_string());
    REQUIRE(status[w].ok());
    CHECK(got[w] == expected[w]);
  }
}

// Under the sanitizer build (LeakSanitizer, scripts/test.sh --sanitize) a leak
// anywhere in the cycle fails the run; in every build the outputs must stay
// the same. 1000 cycles over the three precisions (int8 kernels, binary
// kernels, XNNPACK operators), with 1 and 2 threads.
TEST_CASE("repeated load, prepare, invoke and destroy cycles", "[runtime][lifetime]") {
  ModelBuilder int8_block, binary_block, float_block;
  build_int8_block(int8_block, 6, 6, 8, 2, 3);
  build_binary_block(binary_block, 6, 6, 40, 5);
  build_float_block(float_block, 6, 6, 8, 2, 7);
  const std::vector<uint8_t> models[] = {int8_block.finish().value(),
                                         binary_block.finish().value(),
                                         float_block.finish().value()};
  std::mt19937 rng(test_seed());
  const Bytes inputs[] = {random_ints<uint8_t>(rng, 6 * 6 * 8, 0, 255),
                          to_bytes(random_floats(rng, 6 * 6 * 40, -1.0f, 1.0f)),
                          to_bytes(random_floats(rng, 6 * 6 * 8, -1.0f, 1.0f))};
  Bytes first[3];
  const int cycles = scaled_iterations(1000);
  for (int i = 0; i < cycles; ++i) {
    const int which = i % 3;
    INFO("cycle " << i << ", model " << which);
    const std::vector<uint8_t>& bytes = models[which];
    auto model = Model::from_buffer(bytes.data(), bytes.size());
    REQUIRE(model.ok());
    Status s;
    Bytes out = run_once(model.value(), inputs[which], 1 + (i / 3) % 2, &s);
    REQUIRE(s.ok());
    REQUIRE_FALSE(out.empty());
    if (i < 3) first[which] = out;
    REQUIRE(out == first[which]);
  }
}
