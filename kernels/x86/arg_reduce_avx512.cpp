// ARG_MAX / ARG_MIN over int8 and uint8 channels with AVX-512 (BW, VL) on
// 32-byte vectors: the AVX2 variant's operations (kernels/x86/
// arg_reduce_avx2.h), but a pixel's last channels are one masked load (no
// copy near the input's end, no padding blend) and compares give lane masks.
// 64-byte vectors lose on a segmentation model's 21 classes (a wider
// horizontal maximum for the same one pixel).
#include "kernels/x86/arg_reduce_avx2.h"

namespace lowbit {
namespace {

struct Avx512Keys : Avx2Keys {
  // Lanes from `count` on are never read and hold the lowest key.
  static Vec keys(const uint8_t* x, size_t count, size_t, Vec flip) {
    const __mmask32 lanes = count >= kLanes ? ~__mmask32{0}
                                            : static_cast<__mmask32>((uint32_t{1} << count) - 1);
    const Vec lowest = _mm256_xor_si256(_mm256_set1_epi8(-128), flip);
    return _mm256_xor_si256(_mm256_mask_loadu_epi8(lowest, lanes, x), flip);
  }

  static size_t first_equal(Vec a, Vec b) {
    const __mmask32 hits = _mm256_cmpeq_epi8_mask(a, b);
    return hits == 0 ? kLanes : static_cast<size_t>(__builtin_ctz(hits));
  }
};

}  // namespace

void arg_reduce__avx512(const ref::ArgReduceParams& p, const void* input, void* output,
                        size_t outer_begin, size_t outer_end) {
  ref::arg_reduce_simd<Avx512Keys>(p, input, output, outer_begin, outer_end);
}

}  // namespace lowbit
