// Shared by the on-target kernel checks (kernel_check.cpp).
#pragma once

#include <cstdint>

#include "lowbit/requant_profile.h"

namespace lowbit {
namespace cortex_m_check {

// xorshift32: the same cases on every run, no <random> tables in the image.
inline uint32_t next_random() {
  static uint32_t state = 0x12345678u;
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

inline int32_t random_in(int32_t lo, int32_t hi) {
  return lo + static_cast<int32_t>(next_random() % static_cast<uint32_t>(hi - lo + 1));
}

constexpr RequantProfile kProfiles[] = {RequantProfile::kTfliteReference,
                                        RequantProfile::kSingleRounding,
                                        RequantProfile::kXnnpackFp32,
                                        RequantProfile::kTfliteOptimized};

}  // namespace cortex_m_check
}  // namespace lowbit
