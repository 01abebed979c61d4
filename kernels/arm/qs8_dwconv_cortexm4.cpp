// int8 depthwise convolution for the Cortex-M4 (DSP extension, bare metal):
// the generic kernel (one output pixel per call, kernels/qs8_dwconv.h) on
// blocks of four channels. A tap's four input bytes and four weights are one
// word each; SXTB16 widens bytes 0/2 and (rotated) 1/3 into halfwords, and
// SMLABB/SMLATT multiply-accumulate the low and the high halfwords: 11
// instructions per tap and block (4 multiply-accumulates) where the direct
// reference kernel spends about 40 per multiply-accumulate. The sums are
// the reference's; requantization is the portable kernels' own. No row
// kernels: the operator gathers each pixel's taps (Qs8DwconvDriver).
#include <arm_acle.h>

#include <cstring>

#include "kernels/qs8_dwconv.h"

#if !defined(__ARM_FEATURE_DSP)
#error "qs8_dwconv_cortexm4.cpp needs the DSP extension (-mcpu=cortex-m4)"
#endif

namespace lowbit {
namespace {

constexpr size_t kBlock = 4;

inline uint32_t load_word(const void* p) {
  uint32_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// Bytes 1 and 3 sign-extended (SXTB16 with its own rotation; GCC 12 has no
// ACLE form and would emit a separate ROR).
inline int32_t widen_odd(uint32_t word) {
  int32_t odd;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(odd) : "r"(word));
  return odd;
}

// Channels `block`..`block + 3` over every tap; `load` reads a tap's four
// input bytes (whole words inside the pixel, byte by byte at its end).
template <typename Load>
inline void accumulate(size_t taps, const int8_t* const* inputs, size_t block, const int8_t* wt,
                       int32_t (&acc)[kBlock], Load load) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  for (size_t t = 0; t < taps; ++t) {
    const uint32_t x = load(inputs[t] + block);
    const uint32_t w = load_word(wt + t * kBlock);
    const int32_t x_even = __sxtb16(static_cast<int8x4_t>(x));
    const int32_t w_even = __sxtb16(static_cast<int8x4_t>(w));
    const int32_t x_odd = widen_odd(x), w_odd = widen_odd(w);
    a0 = __smlabb(x_even, w_even, a0);
    a2 = __smlatt(x_even, w_even, a2);
    a1 = __smlabb(x_odd, w_odd, a1);
    a3 = __smlatt(x_odd, w_odd, a3);
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

}  // namespace

void qs8_dwconv_c4__cortexm4(size_t channels, size_t taps, const int8_t* const* inputs,
                             const void* packed_w, int8_t* output, const Qs8GemmParams& params) {
  const auto* w = static_cast<const uint8_t*>(packed_w);
  for (size_t block = 0; block < channels; block += kBlock) {
    int32_t acc[kBlock];
    std::memcpy(acc, w, sizeof(acc));
    const auto* wt = reinterpret_cast<const int8_t*>(w + sizeof(acc));
    const size_t n = channels - block < kBlock ? channels - block : kBlock;
    if (n == kBlock) {
      accumulate(taps, inputs, block, wt, acc, [](const int8_t* p) { return load_word(p); });
    } else {
      // A pixel (or the zero row) ends after `channels` bytes: no read past it.
      accumulate(taps, inputs, block, wt, acc, [n](const int8_t* p) {
        uint32_t word = 0;
        std::memcpy(&word, p, n);
        return word;
      });
    }
    for (size_t j = 0; j < n; ++j) {
      output[block + j] = qs8_requantize_channel(acc[j], params, block + j);
    }
    w += kBlock * (sizeof(int32_t) + taps);
  }
}

}  // namespace lowbit
