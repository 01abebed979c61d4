// Small helpers shared by the float operator tests.
#pragma once

#include <catch2/catch.hpp>

#include <limits>
#include <random>
#include <string>
#include <vector>

#include "float_harness.h"
#include "lowbit/graph.h"
#include "reference.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {

constexpr double kRelTol = 1e-5;
constexpr double kAbsTol = 1e-6;  // times the magnitude of the summed terms

struct ActRange {
  double lo, hi;
};
inline ActRange act_range(Activation act) {
  const double inf = std::numeric_limits<double>::infinity();
  switch (act) {
    case Activation::kRelu: return {0.0, inf};
    case Activation::kRelu6: return {0.0, 6.0};
    case Activation::kReluN1To1: return {-1.0, 1.0};
    default: return {-inf, inf};
  }
}

inline Activation random_activation(std::mt19937& rng) {
  const Activation all[] = {Activation::kNone, Activation::kRelu, Activation::kRelu6,
                            Activation::kReluN1To1};
  return all[std::uniform_int_distribution<int>(0, 3)(rng)];
}

inline int uniform(std::mt19937& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

// Checks one kernel run against the reference and, when `vary_threads`, that
// 2 and 4 threads give output bit-identical to 1 thread. (Thread hand-offs
// cost milliseconds on a busy 2-core machine, so sweeps vary threads on a
// share of their iterations: see vary_threads_on.)
inline void check_against_reference(const SingleOpGraph& g,
                                    const std::vector<std::vector<float>>& inputs,
                                    const Expected& expected, bool vary_threads = true) {
  const KernelRun one = g.run(inputs, 1);
  INFO("status: " << one.status.to_string());
  REQUIRE(one.status.ok());
  CHECK(one.guard_intact);
  std::string message;
  const bool close =
      all_close(one.output, expected.values, expected.magnitude, kRelTol, kAbsTol, &message);
  INFO(message);
  CHECK(close);
  if (!vary_threads) return;
  for (int threads : {2, 4}) {
    const KernelRun many = g.run(inputs, threads);
    INFO("threads: " << threads << " status: " << many.status.to_string());
    REQUIRE(many.status.ok());
    CHECK(bit_identical(one.output, many.output));
  }
}

inline bool vary_threads_on(int iteration) { return iteration % 4 == 0; }

// Calls body(rng, iteration) `iterations` (scaled) times, rng seeded by the
// test seed, which failures report.
template <typename Body>
void random_sweep(int iterations, Body body) {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const int scaled = scaled_iterations(iterations);
  for (int it = 0; it < scaled; ++it) body(rng, it);
}

}  // namespace testing
}  // namespace lowbit
