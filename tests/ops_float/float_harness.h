// Drives one float kernel directly (create → prepare → bind → run) on a
// hand-built GraphDesc, without the loader or the interpreter.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lowbit/graph.h"
#include "lowbit/interpreter.h"
#include "lowbit/status.h"

namespace lowbit {
namespace testing {

struct KernelRun {
  Status status;               // first failure of create/prepare/bind/run
  std::vector<float> output;   // output 0
  std::string kernel_name;
  uint64_t macs = 0;
  bool guard_intact = true;    // nothing written past the output
};

class SingleOpGraph {
 public:
  int add_input(Shape shape, DType dtype = DType::kFloat32);
  int add_constant(Shape shape, std::vector<float> values);
  int add_int32_constant(Shape shape, std::vector<int32_t> values);
  int add_output(Shape shape);
  void set_op(OpType type, std::vector<int> inputs, OpOptions options = {});

  GraphDesc& graph() { return graph_; }
  // Values for each non-constant input, in the order the op lists them.
  // `rerun_inputs`, when given, replaces the inputs after bind() and runs
  // again: the result must reflect the new values (bind keeps addresses, not data).
  // float_kernels: who runs the operator (kDefault: XNNPACK when the build
  // has it, else lowbit's own kernels).
  KernelRun run(const std::vector<std::vector<float>>& inputs, int num_threads = 1,
                const std::vector<std::vector<float>>* rerun_inputs = nullptr,
                FloatKernels float_kernels = FloatKernels::kDefault) const;

 private:
  int add_tensor(TensorDesc desc);
  GraphDesc graph_;
  std::vector<std::shared_ptr<std::vector<uint8_t>>> storage_;
};

// |actual - expected| <= rel_tol * |expected| + abs_tol * magnitude[i]
// everywhere (magnitude: the sum of |terms| behind each value, which bounds
// float rounding error under cancellation; empty = all 1). The message names
// the first offending index.
bool all_close(const std::vector<float>& actual, const std::vector<double>& expected,
               const std::vector<double>& magnitude, double rel_tol, double abs_tol,
               std::string* message);

bool bit_identical(const std::vector<float>& a, const std::vector<float>& b);

// Largest |a - b| and |a - b| / |b| (over b != 0) of two outputs of one shape.
struct FloatDifference {
  double max_abs = 0.0, max_rel = 0.0;
};
FloatDifference float_difference(const std::vector<float>& a, const std::vector<float>& b);

}  // namespace testing
}  // namespace lowbit
