// What the running CPU can do, and kernel selection from variant tables.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels/isa.h"
#include "lowbit/interpreter.h"
#include "lowbit/status.h"

namespace lowbit {

struct CpuFeatures {
  uint32_t mask = 0;

  // The running CPU (cpuinfo, plus CPUID/getauxval where it lacks a bit).
  // (The firmware, lowbit micro, fixes its features at compile time instead.)
  static CpuFeatures detect();
  bool has(uint32_t required) const { return (mask & required) == required; }
  std::string to_string() const;  // "avx2 avx512f ..."
};

// kDefault becomes kXnnpack when the build has XNNPACK, else kOwn; kXnnpack
// in a build without it is an error (src/runtime/float_kernels.cpp).
Status resolve_float_kernels(FloatKernels* kernels);
// kFp16 with the resolved float kernels: refused unless they are XNNPACK's,
// the CPU has half-precision arithmetic and XNNPACK has FP16 operators
// (src/ops/float/xnn_kernel.cpp).
Status check_float_precision(FloatPrecision precision, FloatKernels kernels);

// Resolves the interpreter's kernel set against the CPU and picks variants.
// One rule for every family: the first (best) row whose required features
// the CPU has and the kernel set allows. A forced set allows its ISA and
// what that implies (kIsas), so forcing avx512 still runs AVX2-only families
// on AVX2; "reference" allows nothing but the reference rows.
class KernelSelector {
 public:
  // kernel_set: "auto", "reference" or an ISA name from isa_names().
  static Result<KernelSelector> create(const std::string& kernel_set, CpuFeatures cpu);
  static std::string isa_names();  // "reference avx2 avx512 ..." for help text

  const std::string& kernel_set() const { return kernel_set_; }
  const CpuFeatures& cpu() const { return cpu_; }
  // The features variants may use: the CPU's, limited by the kernel set.
  uint32_t allowed_features() const { return allowed_; }

  template <typename Fn>
  const KernelVariant<Fn>& select(const KernelFamily<Fn>& family) const {
    for (const KernelVariant<Fn>& row : family) {
      if (allows(row.required)) return row;
    }
    return family[family.count - 1];
  }

  // This selector, further limited to `features`: a part chosen to go with
  // another (a binary GEMM's output stage) brings no instruction set the
  // first does not use.
  KernelSelector limited_to(uint32_t features) const {
    KernelSelector limited = *this;
    limited.allowed_ &= features;
    return limited;
  }

  bool allows(uint32_t required) const { return (allowed_ & required) == required; }

  // Who runs the float32 operators, resolved (never kDefault once the
  // interpreter has set it).
  FloatKernels float_kernels() const { return float_kernels_; }
  void set_float_kernels(FloatKernels kernels) { float_kernels_ = kernels; }
  // kFp16 only after check_float_precision() accepted it.
  FloatPrecision float_precision() const { return float_precision_; }
  void set_float_precision(FloatPrecision precision) { float_precision_ = precision; }

 private:
  FloatKernels float_kernels_ = FloatKernels::kOwn;
  FloatPrecision float_precision_ = FloatPrecision::kFp32;
  std::string kernel_set_ = "auto";
  CpuFeatures cpu_;
  uint32_t allowed_ = 0;
};

}  // namespace lowbit
