// Runs a Model: prepare() plans memory and picks kernels once, invoke() runs
// the graph without allocating.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lowbit/graph.h"
#include "lowbit/model.h"
#include "lowbit/requant_profile.h"
#include "lowbit/status.h"

namespace lowbit {

// RequantProfile: lowbit/requant_profile.h.
const char* requant_profile_name(RequantProfile profile);
bool parse_requant_profile(const std::string& name, RequantProfile* profile);
// The profile one operator type rescales with: kTfliteOptimized is
// kTfliteReference outside CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED.
RequantProfile operator_requant_profile(RequantProfile profile, OpType type);

// Float32 operators: lowbit's own kernels or XNNPACK's (InterpreterOptions).
enum class FloatKernels { kDefault, kOwn, kXnnpack };
const char* float_kernels_name(FloatKernels kernels);  // "default", "own", "xnnpack"
bool parse_float_kernels(const std::string& name, FloatKernels* kernels);
// Whether this build links XNNPACK (the static ARM tools do not).
bool build_has_xnnpack();

// The arithmetic of the float32 operators (InterpreterOptions). kFp16 runs
// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED in half precision through
// XNNPACK (weights and activations rounded to FP16; the tensors between
// operators stay float32); it needs XNNPACK float kernels and a CPU with
// half-precision arithmetic (AVX512-FP16, ARMv8.2 FP16), else prepare() fails.
enum class FloatPrecision { kFp32, kFp16 };
const char* float_precision_name(FloatPrecision precision);  // "fp32", "fp16"
bool parse_float_precision(const std::string& name, FloatPrecision* precision);
// Whether the running CPU has half-precision arithmetic (AVX512-FP16 on x86,
// the FP16 arithmetic of ARMv8.2 on aarch64).
bool cpu_has_fp16_arithmetic();

// Which operators run on more than the calling thread (InterpreterOptions).
// kCostModel splits an operator over the num_threads threads only when the
// static cost model estimates its work worth several hand-offs, and runs a
// model whose work is small entirely on the calling thread (docs/api.md,
// "Threads"); kEveryOperator splits every operator (tests of thread-count
// independence). kDefault reads $LOWBIT_THREAD_POLICY ("cost_model",
// "every_operator"), else kCostModel. Outputs are the same bytes either way.
enum class ThreadPolicy { kDefault, kCostModel, kEveryOperator };

// The most threads an interpreter runs on; prepare() refuses more.
constexpr int kMaxNumThreads = 256;

struct InterpreterOptions {
  int num_threads = 1;  // 1 to kMaxNumThreads
  RequantProfile profile = RequantProfile::kTfliteReference;
  // Kernel set: "" (use $LOWBIT_KERNEL, else "auto"), "auto" (best for this
  // CPU), "reference", or an instruction-set name such as "avx2".
  std::string kernel;
  size_t max_arena_bytes = size_t(1) << 31;  // refuse plans that need more
  // Caller-owned arena (firmware, fixed memory maps): when set, prepare() lays
  // every intermediate tensor and scratch buffer out inside
  // [arena, arena + arena_capacity) instead of allocating an arena. Any
  // alignment; it must hold Interpreter::required_arena_capacity() bytes and
  // outlive the interpreter. A smaller buffer fails prepare() with the size needed.
  void* arena = nullptr;
  size_t arena_capacity = 0;
  // Who runs the float32 operators: kDefault is XNNPACK when this build has
  // it, else lowbit's own kernels; kXnnpack in a build without it fails prepare().
  FloatKernels float_kernels = FloatKernels::kDefault;
  // Half-precision float operators (see FloatPrecision); kFp32 by default.
  FloatPrecision float_precision = FloatPrecision::kFp32;
  ThreadPolicy thread_policy = ThreadPolicy::kDefault;
};

// A tensor as the caller sees it: data points into the interpreter's arena (or
// into the model for constants) and stays valid until the interpreter dies.
struct TensorView {
  int index = -1;
  const TensorDesc* desc = nullptr;
  void* data = nullptr;
  size_t bytes = 0;
  // A legacy uint8 intermediate the SIMD kernels keep as int8 bytes (each
  // byte value ^ 0x80) between the operators that share it. Graph inputs and
  // outputs never are.
  bool sign_flipped = false;

  const std::string& name() const { return desc->name; }
  DType dtype() const { return desc->dtype; }
  const Shape& shape() const { return desc->shape; }
  template <typename T>
  T* as() const { return static_cast<T*>(data); }
};

struct OperatorProfile {
  int op_index;
  double seconds;
};

class Interpreter {
 public:
  Interpreter(std::shared_ptr<const Model> model, InterpreterOptions options = {});
  ~Interpreter();
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  // Shape inference, kernel selection, weight packing, memory plan.
  Status prepare();
  // Runs every operator once. Allocates nothing. Recurrent state (variable
  // tensors, e.g. an LSTM's cell and output state) carries over to the next
  // invoke(), so a stream can be fed one chunk at a time.
  Status invoke();
  // Sets the recurrent state back to its initial value (prepare() does too).
  Status reset_state();

  size_t num_inputs() const;
  size_t num_outputs() const;
  TensorView input(size_t i) const;
  TensorView output(size_t i) const;
  // By tensor name; index -1 when no graph input/output has that name.
  TensorView input(const std::string& name) const;
  TensorView output(const std::string& name) const;
  TensorView tensor(int tensor_index) const;

  const Model& model() const;
  const InterpreterOptions& options() const;  // with the kernel set resolved
  size_t arena_bytes() const;
  // Bytes a caller-owned arena needs for this model and these options (the
  // memory plan, SIMD read slack and room to align the start to 64 bytes);
  // known once prepare() has planned memory, even when it then failed because
  // options().arena_capacity was too small.
  size_t required_arena_capacity() const;
  // What the arena would need if no two buffers shared memory: the memory
  // plan's saving is 1 - arena_bytes() / unshared_arena_bytes().
  size_t unshared_arena_bytes() const;
  size_t packed_weight_bytes() const;
  // Name of the kernel chosen for an operator ("qs8_conv2d__reference").
  const char* kernel_name(int op_index) const;
  // Multiply-accumulates of an operator (0 where not meaningful).
  uint64_t operator_macs(int op_index) const;
  // Threads an operator runs on (ThreadPolicy): 1 or num_threads.
  int operator_threads(int op_index) const;

  // Time each operator during invoke() (off by default).
  void set_profiling(bool enabled);
  const std::vector<OperatorProfile>& last_profile() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace lowbit
