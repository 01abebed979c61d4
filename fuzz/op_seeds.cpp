#include "op_seeds.h"

#include <cstring>

namespace lowbit::fuzz_seeds {

std::vector<OpSeed> all_seeds() {
  std::vector<OpSeed> seeds;
  for (auto group : {layer_seeds, activation_seeds, datamove_seeds, recurrent_seeds}) {
    for (OpSeed& seed : group()) seeds.push_back(std::move(seed));
  }
  return seeds;
}

Result<std::vector<uint8_t>> seed_bytes(const OpSeed& seed) {
  ModelBuilder b;
  b.set_description(std::string("fuzz seed: ") + seed.name);
  seed.build(b);
  return b.finish();
}

std::string run_seed(const std::vector<uint8_t>& bytes) {
  auto model = Model::from_buffer(bytes.data(), bytes.size());
  if (!model.ok()) return model.status().to_string();
  Interpreter interp(model.value());
  Status status = interp.prepare();
  for (size_t i = 0; status.ok() && i < interp.num_inputs(); ++i) {
    std::memset(interp.input(i).data, 1, interp.input(i).bytes);
  }
  if (status.ok()) status = interp.invoke();
  return status.ok() ? "" : status.to_string();
}

bool quantized(DType dtype) {
  return dtype == DType::kInt8 || dtype == DType::kUInt8 || dtype == DType::kInt16;
}

Quantization shared_quantization(DType dtype) {
  if (!quantized(dtype)) return {};
  // int16 (16x8) activations are symmetric.
  const int32_t zero_point = dtype == DType::kInt8 ? -3 : dtype == DType::kUInt8 ? 128 : 0;
  return {{0.25f}, {zero_point}, 0};
}

int tensor(ModelBuilder& b, const std::string& name, DType dtype, Shape shape) {
  return b.add_tensor(name, dtype, shape, shared_quantization(dtype));
}

void unary(ModelBuilder& b, OpType type, DType dtype, Shape shape) {
  single(b, type, {{dtype, shape}}, {{dtype, shape}}, NoOptions{});
}

}  // namespace lowbit::fuzz_seeds
