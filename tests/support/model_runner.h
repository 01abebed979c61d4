// Test helpers: run a ModelBuilder graph through the whole public path
// (serialize, load with full verification, prepare, invoke).
#pragma once

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "lowbit/lowbit.h"

namespace lowbit {
namespace testing {

using Bytes = std::vector<uint8_t>;

struct RunResult {
  Status status;                 // first failure of serialize/load/prepare/invoke
  std::vector<Bytes> outputs;    // raw bytes of every graph output
  std::vector<std::string> kernels;  // kernel chosen per operator
  std::vector<bool> sign_flipped;    // per tensor: TensorView::sign_flipped
};

// inputs: raw bytes per graph input, in order.
RunResult run_model(const ModelBuilder& builder, const std::vector<Bytes>& inputs,
                    const InterpreterOptions& options = {});

template <typename T>
Bytes to_bytes(const std::vector<T>& v) {
  Bytes b(v.size() * sizeof(T));
  if (!b.empty()) std::memcpy(b.data(), v.data(), b.size());
  return b;
}

template <typename T>
std::vector<T> from_bytes(const Bytes& b) {
  std::vector<T> v(b.size() / sizeof(T));
  if (!v.empty()) std::memcpy(v.data(), b.data(), v.size() * sizeof(T));
  return v;
}

// Seed for random tests: $LOWBIT_TEST_SEED if set, else a fixed default, so
// failures reproduce. Printed by the tests that use it.
uint32_t test_seed();

// $LOWBIT_TEST_SCALE (default 1.0) shrinks random sweeps under emulation.
int scaled_iterations(int iterations);

template <typename T>
std::vector<T> random_ints(std::mt19937& rng, size_t n, int lo, int hi) {
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(dist(rng));
  return v;
}

std::vector<float> random_floats(std::mt19937& rng, size_t n, float lo, float hi);

inline Quantization per_tensor(float scale, int32_t zero_point) {
  Quantization q;
  q.scales = {scale};
  q.zero_points = {zero_point};
  return q;
}

inline Quantization per_axis(std::vector<float> scales, int axis) {
  Quantization q;
  q.zero_points.assign(scales.size(), 0);
  q.scales = std::move(scales);
  q.axis = axis;
  return q;
}

// Directory of the shared real models, or "" when absent ($LOWBIT_MODELS_DIR,
// else ../shared/models beside the source tree).
std::string shared_models_dir();

}  // namespace testing
}  // namespace lowbit
