// How many threads an operator runs on: the static cost model behind "two
// threads are never slower than one" (docs/api.md, "Threads").
//
// At prepare, before any kernel exists, each operator's time on one thread is
// estimated from its shapes alone: multiply-accumulates at a per-dtype rate
// plus activation bytes at a memory rate. The rates are deliberately on the
// fast side of what lowbit's SIMD kernels reach, so the estimate errs low and
// a wrong guess keeps an operator on the calling thread, which is never
// slower than one thread. An operator is split over all threads only when
// each thread's share of every parallel call is worth kHandoffsPerShare
// hand-offs (a fixed per-ISA constant: publishing a job to spinning workers
// and joining them); a model whose split operators together save less than
// kWakeupsPerModel worker wake-ups runs entirely on the calling thread.
//
// Nothing is timed: the same model, kernel set and thread count give the same
// decisions on every machine and every run, and lowbit_arena_size's sizing
// pass makes the same ones (per-thread scratch only where an operator is split).
#pragma once

#include <cstdint>
#include <vector>

#include "lowbit/graph.h"

namespace lowbit {

struct OperatorWork {
  double serial_ns = 0;         // estimated time on one thread
  double macs = 0;              // multiply-accumulates counted from the shapes
  uint64_t parallel_calls = 1;  // parallel_for calls per run (time steps of a recurrent cell)
};

struct ThreadCostModel {
  // Publishing a job to workers that spin on it and joining them.
  double handoff_ns = 0;
  // Waking a worker that slept between inferences (once per invoke).
  double wake_ns = 0;
  // Single-thread throughputs (fast side of the SIMD kernels; the reference
  // kernel set divides them by kReferenceSlowdown).
  // Measured on one core of a Xeon with AVX-512 VNNI (bench_model
  // --enable_op_profiling on the shared models): int8 convolutions 6-280 MAC/ns
  // (median 150), int8 3x3 depthwise 14-34, other depthwise filters 3-5, int16
  // convolutions 3-10, float convolutions 13-68, float depthwise 4-23.
  double int_macs_per_ns = 128;          // int8/int4 GEMM (CONV_2D, FULLY_CONNECTED)
  double int16_macs_per_ns = 16;         // int16 activations (any of the above)
  double int_depthwise_macs_per_ns = 32;  // 3x3 filters
  double int_other_depthwise_macs_per_ns = 8;
  double float_macs_per_ns = 48;         // float32 GEMM (XNNPACK or lowbit's own)
  double float_depthwise_macs_per_ns = 16;
  double bit_macs_per_ns = 1024;         // binary convolution (xor + popcount)
  double bytes_per_ns = 16;              // activation bytes read and written
  // Element-wise ADD/SUB/MUL/... with a broadcast input: 0.5 per ns measured.
  double broadcast_elements_per_ns = 1;

  static constexpr double kHandoffsPerShare = 4;
  static constexpr double kWakeupsPerModel = 1;
  static constexpr double kReferenceSlowdown = 8;

  // The constants of the CPU architecture this library was built for.
  static ThreadCostModel for_build(bool reference_kernels);

  OperatorWork estimate(const GraphDesc& graph, int op_index) const;
  // 1 or max_threads (lowbit's pool runs a job on all its threads).
  int threads_for(const OperatorWork& work, int max_threads) const;
  // Threads per operator of the whole graph, with the small-model rule.
  std::vector<int> plan(const GraphDesc& graph, int max_threads) const;
};

}  // namespace lowbit
