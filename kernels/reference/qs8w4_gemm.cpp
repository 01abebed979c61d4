// Weight packing shared by every W4A8 GEMM variant (kernels/qs8w4_gemm.h),
// and the portable variant that defines their results.
#include <cstring>

#include "kernels/qs8w4_gemm.h"

namespace lowbit {

size_t qs8w4_gemm_packed_bytes(const Qs8w4GemmLayout& layout, size_t n, size_t k) {
  const size_t blocks = (n + layout.nr - 1) / layout.nr;
  return blocks * layout.nr * (sizeof(int32_t) + qs8w4_gemm_padded_k(layout, k) / 2);
}

void qs8w4_gemm_pack(const Qs8w4GemmLayout& layout, size_t n, size_t k,
                     const uint8_t* int4_weights, const int32_t* bias, int32_t input_zero_point,
                     void* packed) {
  const size_t nr = layout.nr, kg = layout.k_group;
  const size_t padded_k = qs8w4_gemm_padded_k(layout, k);
  // Channel ch's k-value kk stored with its +8 offset; padding stores 8 (zero).
  auto biased = [&](size_t ch, size_t kk) -> uint8_t {
    if (ch >= n || kk >= k) return 8;
    return static_cast<uint8_t>(int4_element(int4_weights, ch * k + kk) + 8);
  };
  auto* out = static_cast<uint8_t*>(packed);
  for (size_t block = 0; block < n; block += nr) {
    for (size_t j = 0; j < nr; ++j) {
      const size_t ch = block + j;
      int32_t folded = 0;
      if (ch < n) {
        // bias - zp * sum(w), wrapping as the accumulators do.
        uint32_t sum_w = 0;
        for (size_t i = 0; i < k; ++i) {
          sum_w += static_cast<uint32_t>(int32_t{int4_element(int4_weights, ch * k + i)});
        }
        folded = static_cast<int32_t>(static_cast<uint32_t>(bias ? bias[ch] : 0) -
                                      static_cast<uint32_t>(input_zero_point) * sum_w);
      }
      std::memcpy(out, &folded, sizeof(folded));
      out += sizeof(folded);
    }
    for (size_t chunk = 0; chunk < padded_k; chunk += 2 * kg) {
      for (size_t j = 0; j < nr; ++j) {
        for (size_t i = 0; i < kg; ++i) {
          const uint8_t low = biased(block + j, chunk + i);
          const uint8_t high = biased(block + j, chunk + kg + i);
          *out++ = static_cast<uint8_t>(low | high << 4);
        }
      }
    }
  }
}

// Decodes each nibble back to its signed weight and multiplies: the plain
// definition, without the +8 offset trick the SIMD rows use.
void qs8w4_gemm_4x8__reference(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                               const void* packed_w, int8_t* c, size_t c_stride,
                               const Qs8GemmParams& params) {
  constexpr size_t kNR = 8;
  constexpr Qs8w4GemmLayout kLayout{kNR, 1};
  const size_t padded_k = qs8w4_gemm_padded_k(kLayout, k);
  const auto* w = static_cast<const uint8_t*>(packed_w);
  for (size_t block = 0; block < nc; block += kNR) {
    int32_t bias[kNR];
    std::memcpy(bias, w, sizeof(bias));
    const uint8_t* chunks = w + sizeof(bias);
    const size_t channels = nc - block < kNR ? nc - block : kNR;
    for (size_t m = 0; m < mr; ++m) {
      for (size_t j = 0; j < channels; ++j) {
        uint32_t acc = static_cast<uint32_t>(bias[j]);
        for (size_t i = 0; i < k; ++i) {
          const uint8_t byte = chunks[(i / 2) * kNR + j];
          const int32_t weight = (i % 2 ? byte >> 4 : byte & 0x0F) - 8;
          acc += static_cast<uint32_t>(int32_t{a_rows[m][i]} * weight);
        }
        const size_t ch = block + j;
        c[m * c_stride + ch] = qs8_requantize_channel(static_cast<int32_t>(acc), params, ch);
      }
    }
    w += kNR * (sizeof(int32_t) + padded_k / 2);
  }
}

}  // namespace lowbit
