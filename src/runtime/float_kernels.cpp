// InterpreterOptions::float_kernels: naming, and resolving kDefault against
// what this build links; InterpreterOptions::float_precision: naming, and
// whether the CPU has half-precision arithmetic.
#include "runtime/cpu_features.h"

#include <cstdlib>
#include <string>

#include <cpuinfo.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

// Defined only by the XNNPACK stand-ins of the static tools
// (src/platform/float/xnnpack_unavailable.cpp): a weak reference stays null when
// the real library is linked instead.
extern "C" int lowbit_xnnpack_stand_in(void) __attribute__((weak));

namespace lowbit {

const char* float_kernels_name(FloatKernels kernels) {
  switch (kernels) {
    case FloatKernels::kOwn: return "own";
    case FloatKernels::kXnnpack: return "xnnpack";
    case FloatKernels::kDefault: break;
  }
  return "default";
}

bool parse_float_kernels(const std::string& name, FloatKernels* kernels) {
  for (FloatKernels k : {FloatKernels::kDefault, FloatKernels::kOwn, FloatKernels::kXnnpack}) {
    if (name == float_kernels_name(k)) {
      *kernels = k;
      return true;
    }
  }
  return false;
}

const char* float_precision_name(FloatPrecision precision) {
  return precision == FloatPrecision::kFp16 ? "fp16" : "fp32";
}

bool parse_float_precision(const std::string& name, FloatPrecision* precision) {
  for (FloatPrecision p : {FloatPrecision::kFp32, FloatPrecision::kFp16}) {
    if (name == float_precision_name(p)) {
      *precision = p;
      return true;
    }
  }
  return false;
}

bool cpu_has_fp16_arithmetic() {
  if (!cpuinfo_initialize()) return false;
#if defined(__x86_64__) || defined(__i386__)
  // This cpuinfo predates AVX512-FP16: CPUID leaf 7 sub-leaf 0, EDX bit 23.
  // cpuinfo's AVX512F answer includes the OS saving the AVX-512 registers.
  unsigned eax, ebx, ecx, edx;
  if (!cpuinfo_has_x86_avx512f() || !__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
  return (edx >> 23) & 1u;
#elif defined(__aarch64__)
  return cpuinfo_has_arm_fp16_arith();
#else
  return false;  // armv7's NEON has FP16 conversions only
#endif
}

bool build_has_xnnpack() {
  return lowbit_xnnpack_stand_in == nullptr;
}

Status resolve_float_kernels(FloatKernels* kernels) {
  // $LOWBIT_FLOAT_KERNELS stands in for an unset option, as $LOWBIT_KERNEL
  // does for the kernel set: whole test suites can run on either source.
  const char* env = std::getenv("LOWBIT_FLOAT_KERNELS");
  if (*kernels == FloatKernels::kDefault && env != nullptr && *env != '\0' &&
      !parse_float_kernels(env, kernels)) {
    return Status(StatusCode::kInvalidArgument, std::string("$LOWBIT_FLOAT_KERNELS='") + env +
                                                    "': expected own, xnnpack or default");
  }
  if (*kernels == FloatKernels::kDefault) {
    *kernels = build_has_xnnpack() ? FloatKernels::kXnnpack : FloatKernels::kOwn;
  } else if (*kernels == FloatKernels::kXnnpack && !build_has_xnnpack()) {
    return Status(StatusCode::kUnsupported,
                  "float kernels xnnpack: this build has no XNNPACK (the static tools "
                  "link without it); use float_kernels=own or default");
  }
  return Status::Ok();
}

}  // namespace lowbit
