// Runs one registered operator of a builder graph directly (validate, create,
// prepare, run) with a chosen thread count, without the model loader or the
// interpreter: lets operator tests pin down validation messages, kernel names
// and thread-count independence on their own.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lowbit/model_builder.h"
#include "ops/op_kernel.h"

namespace lowbit {
namespace testing {

struct OpRun {
  Status status;                           // first failure
  std::vector<std::vector<uint8_t>> outputs;  // one per operator output
  std::string kernel;
  Shape inferred_shape;  // of output 0, from validate()
};

// Runs operator `op_index` of `builder`; `inputs` holds raw bytes for each
// non-constant operator input in order (absent inputs skipped).
// kernel_set as InterpreterOptions::kernel ("reference", "auto", "avx2", ...).
OpRun run_operator(const ModelBuilder& builder, int op_index,
                   const std::vector<std::vector<uint8_t>>& inputs, int num_threads = 1,
                   const std::string& kernel_set = "reference");

// Only the registered validate() of operator `op_index`.
Status validate_operator(const ModelBuilder& builder, int op_index);

}  // namespace testing
}  // namespace lowbit
