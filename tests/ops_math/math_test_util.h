// Runs one math operator on typed vectors (tests/ops_datamove's harness).
#pragma once

#include <cstring>
#include <string>
#include <vector>

#include "ops_datamove/datamove_harness.h"

namespace lowbit {
namespace testing {

// Runs `type` and returns output 0 as Out; fails the test when it does not run.
template <typename Out>
std::vector<Out> run_one(OpType type, const std::vector<Tensor>& inputs, DType out_dtype,
                         Shape out_shape, OpOptions options = {}, int threads = 1) {
  const RunResult r = run_op(type, inputs, {{out_dtype, out_shape, {}}}, options, threads);
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  return from_bytes<Out>(r.outputs[0]);
}

// The message invoke() (or loading) fails with.
inline std::string failure_of(OpType type, const std::vector<Tensor>& inputs, DType out_dtype,
                              Shape out_shape, OpOptions options = {}) {
  const RunResult r = run_op(type, inputs, {{out_dtype, out_shape, {}}}, options);
  REQUIRE_FALSE(r.status.ok());
  return r.status.message();
}

inline uint32_t bits_of(float v) {
  uint32_t b;
  std::memcpy(&b, &v, 4);
  return b;
}

}  // namespace testing
}  // namespace lowbit
