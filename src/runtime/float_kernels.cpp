// InterpreterOptions::float_kernels: naming, and resolving kDefault against
// what this build links.
#include "runtime/cpu_features.h"

#include <cstdlib>
#include <string>

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

bool build_has_xnnpack() {
#if defined(LOWBIT_FIRMWARE_ISA)
  return false;  // the firmware library never links XNNPACK
#else
  return lowbit_xnnpack_stand_in == nullptr;
#endif
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
                  "float kernels xnnpack: this build has no XNNPACK (static tools and firmware "
                  "link without it); use float_kernels=own or default");
  }
  return Status::Ok();
}

}  // namespace lowbit
