// The random sweeps of the binary operator tests: a generator seeded from the
// test seed (named in every failure) and the draw of listed values.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>

#include "binary_sim.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {

// Calls one_case(it, rng, pick) for it < scaled_iterations(iterations).
template <typename Case>
void random_sweep(int iterations, Case&& one_case) {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const ValuePicker pick(rng);
  for (int it = 0; it < scaled_iterations(iterations); ++it) one_case(it, rng, pick);
}

}  // namespace testing
}  // namespace lowbit
