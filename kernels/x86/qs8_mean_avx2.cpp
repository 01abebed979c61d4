// int8 MEAN over reduced axes, eight contiguous output channels per step,
// bit-exact with kernels/reference/qs8_mean.cpp: the same int32 sums (integer
// addition is exact in any order) and the vector requantization that equals
// ref::requantize lane for lane.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/qs8_mean.h"
#include "kernels/x86/qs8_requant_avx2.h"

namespace lowbit {
namespace {

__m256i sum8(const ref::MeanQuantParams& p, const int8_t* input) {
  __m256i sum = _mm256_setzero_si256();
  ref::for_each_reduced(p, 0, [&](size_t offset) {
    int64_t bits;
    std::memcpy(&bits, input + offset, 8);
    sum = _mm256_add_epi32(sum, _mm256_cvtepi8_epi32(_mm_cvtsi64_si128(bits)));
  });
  return sum;
}

}  // namespace

void qs8_mean__avx2(const ref::MeanQuantParams& p, const int8_t* input, int8_t* output,
                    size_t begin, size_t end) {
  const bool contiguous = p.kept_rank >= 1 && p.kept_strides[p.kept_rank - 1] == 1;
  if (!contiguous) {
    ref::qs8_mean__reference(p, input, output, begin, end);
    return;
  }
  const size_t inner = static_cast<size_t>(p.kept_dims[p.kept_rank - 1]);
  const __m256i centering = _mm256_set1_epi32(p.count * p.input_zero_point);
  const __m256i multiplier = _mm256_set1_epi32(p.requantizer.multiplier);
  const __m256i shift = _mm256_set1_epi32(p.requantizer.shift);
  const __m256 scale = _mm256_set1_ps(p.requantizer.scale);
  size_t o = begin;
  while (o < end) {
    // Eight outputs that stay within one run of the contiguous dimension.
    if (o + 8 > end || o % inner + 8 > inner) {
      const size_t run_end = std::min(end, o - o % inner + inner);
      ref::qs8_mean__reference(p, input, output, o, run_end);
      o = run_end;
      continue;
    }
    const __m256i centered = _mm256_sub_epi32(sum8(p, input + ref::reduce_output_base(p, o)), centering);
    const __m256i v = avx2::offset_and_clamp(
        avx2::requant(centered, p.profile, multiplier, shift, scale), p.output_zero_point,
        p.act_min, p.act_max);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(output + o), avx2::narrow_to_int8(v));
    o += 8;
  }
}

}  // namespace lowbit
