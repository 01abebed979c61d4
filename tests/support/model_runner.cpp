#include "support/model_runner.h"

#include <cstdlib>
#include <fstream>

#include "runtime/arena_size.h"

namespace lowbit {
namespace testing {

RunResult run_model(const ModelBuilder& builder, const std::vector<Bytes>& inputs,
                    const InterpreterOptions& options) {
  RunResult result;
  Result<std::vector<uint8_t>> bytes = builder.finish();
  if (!bytes.ok()) {
    result.status = bytes.status();
    return result;
  }
  // from_buffer copies misaligned buffers; keep ours alive for the aligned case.
  auto storage = std::make_shared<std::vector<uint8_t>>(std::move(bytes.value()));
  Result<std::shared_ptr<const Model>> model = Model::from_buffer(storage->data(), storage->size());
  if (!model.ok()) {
    result.status = model.status();
    return result;
  }
  Interpreter interp(model.value(), options);
  result.status = interp.prepare();
  if (!result.status.ok()) return result;
  // Every operator test also checks lowbit_arena_size's sizing pass: the
  // same arena and persistent bytes as this prepare, without packing.
  ArenaSizes sizes;
  result.status = size_arena(model.value(), options, &sizes);
  if (!result.status.ok()) return result;
  if (sizes.arena_capacity != interp.required_arena_capacity() ||
      sizes.persistent_bytes != interp.packed_weight_bytes()) {
    result.status = Status(StatusCode::kInternal,
                           "arena sizing pass: " + std::to_string(sizes.arena_capacity) +
                               " arena / " + std::to_string(sizes.persistent_bytes) +
                               " persistent bytes; prepare: " +
                               std::to_string(interp.required_arena_capacity()) + " / " +
                               std::to_string(interp.packed_weight_bytes()));
    return result;
  }
  if (inputs.size() != interp.num_inputs()) {
    result.status = Status(StatusCode::kInvalidArgument, "wrong number of test inputs");
    return result;
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    TensorView in = interp.input(i);
    if (in.bytes != inputs[i].size()) {
      result.status = Status(StatusCode::kInvalidArgument,
                             "test input " + std::to_string(i) + " has " +
                                 std::to_string(inputs[i].size()) + " bytes, tensor needs " +
                                 std::to_string(in.bytes));
      return result;
    }
    if (in.bytes) std::memcpy(in.data, inputs[i].data(), in.bytes);
  }
  result.status = interp.invoke();
  if (!result.status.ok()) return result;
  for (size_t i = 0; i < interp.num_outputs(); ++i) {
    TensorView out = interp.output(i);
    const uint8_t* p = static_cast<const uint8_t*>(out.data);
    result.outputs.emplace_back(p, p + out.bytes);
  }
  for (size_t i = 0; i < model.value()->graph().operators.size(); ++i) {
    result.kernels.emplace_back(interp.kernel_name(static_cast<int>(i)));
  }
  for (size_t t = 0; t < model.value()->graph().tensors.size(); ++t) {
    result.sign_flipped.push_back(interp.tensor(static_cast<int>(t)).sign_flipped);
  }
  return result;
}

uint32_t test_seed() {
  const char* env = std::getenv("LOWBIT_TEST_SEED");
  return env ? static_cast<uint32_t>(std::strtoul(env, nullptr, 10)) : 20261126u;
}

int scaled_iterations(int iterations) {
  const char* env = std::getenv("LOWBIT_TEST_SCALE");
  double scale = env ? std::atof(env) : 1.0;
  if (!(scale > 0)) scale = 1.0;
  int n = static_cast<int>(iterations * scale);
  return n < 1 ? 1 : n;
}

std::vector<float> random_floats(std::mt19937& rng, size_t n, float lo, float hi) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

std::string shared_models_dir() {
  if (const char* env = std::getenv("LOWBIT_MODELS_DIR")) return env;
  const std::string dir = std::string(LOWBIT_SOURCE_DIR) + "/../shared/models";
  std::ifstream probe(dir + "/README.md");
  return probe.good() ? dir : std::string();
}

}  // namespace testing
}  // namespace lowbit
