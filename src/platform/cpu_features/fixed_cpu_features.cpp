// The firmware build's CPU features: those fixed at compile time
// (fixed_isa.h), nothing probed.
#include "platform/cpu_features/fixed_isa.h"
#include "runtime/cpu_features.h"

namespace lowbit {

CpuFeatures CpuFeatures::detect() {
  CpuFeatures f;
  f.mask = kFixedIsaFeatures;
  return f;
}

}  // namespace lowbit
