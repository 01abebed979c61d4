// Small helpers shared by the float operator tests.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "float_harness.h"
#include "lowbit/graph.h"
#include "reference.h"
#include "kernels/f32_float.h"
#include "kernels/f32_igemm.h"
#include "runtime/cpu_features.h"
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
inline KernelRun check_one_source(const SingleOpGraph& g,
                                  const std::vector<std::vector<float>>& inputs,
                                  const Expected& expected, bool vary_threads,
                                  FloatKernels source) {
  INFO("float kernels: " << float_kernels_name(source));
  const KernelRun one = g.run(inputs, 1, nullptr, source);
  INFO("status: " << one.status.to_string());
  REQUIRE(one.status.ok());
  CHECK((one.kernel_name.find("__xnnpack") != std::string::npos) ==
        (source == FloatKernels::kXnnpack));
  CHECK(one.guard_intact);
  std::string message;
  const bool close =
      all_close(one.output, expected.values, expected.magnitude, kRelTol, kAbsTol, &message);
  INFO(message);
  CHECK(close);
  if (!vary_threads) return one;
  for (int threads : {2, 4}) {
    const KernelRun many = g.run(inputs, threads, nullptr, source);
    INFO("threads: " << threads << " status: " << many.status.to_string());
    REQUIRE(many.status.ok());
    CHECK(bit_identical(one.output, many.output));
  }
  return one;
}

// The largest own-vs-XNNPACK difference this test process saw, printed at exit.
struct OwnVsXnnpack {
  FloatDifference worst;
  size_t outputs = 0;
  ~OwnVsXnnpack() {
    if (outputs == 0) return;
    std::printf("own vs XNNPACK float kernels: %zu outputs, max abs error %.3g, max relative "
                "error %.3g (each kernel within rel %.0e + abs %.0e x magnitude of the double "
                "reference)\n",
                outputs, worst.max_abs, worst.max_rel, kRelTol, kAbsTol);
  }
};
inline OwnVsXnnpack& own_vs_xnnpack() {
  static OwnVsXnnpack record;
  return record;
}

// Both kernel sources (lowbit's own, and XNNPACK's when the build has it)
// against the reference, as above.
inline void check_against_reference(const SingleOpGraph& g,
                                    const std::vector<std::vector<float>>& inputs,
                                    const Expected& expected, bool vary_threads = true) {
  const KernelRun own = check_one_source(g, inputs, expected, vary_threads, FloatKernels::kOwn);
  if (!build_has_xnnpack()) return;
  const KernelRun xnn =
      check_one_source(g, inputs, expected, vary_threads, FloatKernels::kXnnpack);
  const FloatDifference d = float_difference(own.output, xnn.output);
  OwnVsXnnpack& record = own_vs_xnnpack();
  record.worst.max_abs = std::max(record.worst.max_abs, d.max_abs);
  record.worst.max_rel = std::max(record.worst.max_rel, d.max_rel);
  record.outputs += own.output.size();
}

// The name a float kernel reports under the default kernel source
// ($LOWBIT_FLOAT_KERNELS): XNNPACK's as given, or the own family's best row
// for the kernel set ($LOWBIT_KERNEL). f32_relu / f32_relu6 run the clamp
// family. When the packed GEMM (f32_igemm) has a SIMD row, FULLY_CONNECTED
// and any CONV_2D without groups (`grouped` false) run it; else
// FULLY_CONNECTED runs f32_gemm's reference and CONV_2D (1x1: `pointwise`
// too) f32_conv2d's.
inline std::string float_kernel_for(const std::string& xnnpack_name, bool pointwise = false,
                                    bool grouped = false) {
  FloatKernels source = FloatKernels::kDefault;
  if (!resolve_float_kernels(&source).ok() || source == FloatKernels::kXnnpack) return xnnpack_name;
  std::string family = xnnpack_name.substr(0, xnnpack_name.rfind("__xnnpack"));
  if (family == "f32_relu" || family == "f32_relu6") family = "f32_clamp";
  if (family == "f32_fully_connected" || pointwise) family = "f32_gemm";
  const char* env = std::getenv("LOWBIT_KERNEL");
  const Result<KernelSelector> selector =
      KernelSelector::create(env != nullptr && *env != '\0' ? env : "auto", CpuFeatures::detect());
  if (!selector.ok()) return "";
  const KernelSelector& select = selector.value();
  // FULLY_CONNECTED and CONV_2D without groups run the packed GEMM whenever
  // it has a SIMD row; else FULLY_CONNECTED runs f32_gemm's reference.
  const KernelVariant<F32IgemmKernel>& packed = select.select(f32_igemm_variants());
  if (!packed.fn.portable && (family == "f32_gemm" || (family == "f32_conv2d" && !grouped))) {
    return packed.name;
  }
  if (family == "f32_gemm" && !pointwise) {
    return select.select(f32_gemm_variants()).name;
  }
  if (family == "f32_gemm") return "f32_conv2d__reference";
  if (family == "f32_dwconv2d") return select.select(f32_dwconv2d_variants()).name;
  // The element-wise, pooling and MEAN families (kernels/f32_elementwise_simd.h).
  if (family == "f32_avgpool2d") return select.select(f32_avgpool2d_variants()).name;
  if (family == "f32_maxpool2d") return select.select(f32_maxpool2d_variants()).name;
  if (family == "f32_mean") return select.select(f32_mean_variants()).name;
  if (family == "f32_add") return select.select(f32_add_variants()).name;
  if (family == "f32_sub") return select.select(f32_sub_variants()).name;
  if (family == "f32_mul") return select.select(f32_mul_variants()).name;
  if (family == "f32_clamp") return select.select(f32_clamp_variants()).name;
  if (family == "f32_logistic") return select.select(f32_logistic_variants()).name;
  if (family == "f32_hardswish") return select.select(f32_hardswish_variants()).name;
  if (family == "f32_softmax") return select.select(f32_softmax_variants()).name;
  return family + "__reference";
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
