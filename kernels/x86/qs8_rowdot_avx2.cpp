// The row-by-row dot products (kernels/reference/qs8_matvec.h: the SVDF's
// time product) with AVX2. A row is usually short (the SVDF's memory, often
// under 16), so each row is 16 columns a step through vpmaddwd (int8 sign
// extended; an int16 pair sum wraps only for two (-32768)^2 products, to
// 2^31 mod 2^32, the same bits as the reference's wrapping sum) with the last
// 1..15 columns read 16 wide and masked, and eight rows are reduced together.
// A masked read passes the row's end into the next rows; the last rows, where
// it would pass the matrix's end, finish their tail in scalar code.
#include <immintrin.h>

#include "kernels/qs8_matvec.h"

namespace lowbit {
namespace {

// 16 elements as int16 lanes.
inline __m256i load16(const int16_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}
inline __m256i load16(const int8_t* p) {
  return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// All-ones in the first n of 16 int16 lanes: loaded from kTailMask + 16 - n.
alignas(64) constexpr int16_t kTailMask[32] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                               -1, -1, -1, -1, -1, 0,  0,  0,  0,  0,  0,
                                               0,  0,  0,  0,  0,  0,  0,  0,  0,  0};

inline int32_t horizontal_sum(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(s);
}

// The eight lane sums of eight accumulators, in order (integer adds are
// associative modulo 2^32, so any order gives the reference's bits).
inline __m256i reduce8(const __m256i* acc) {
  const __m256i h01 = _mm256_hadd_epi32(acc[0], acc[1]), h23 = _mm256_hadd_epi32(acc[2], acc[3]);
  const __m256i h45 = _mm256_hadd_epi32(acc[4], acc[5]), h67 = _mm256_hadd_epi32(acc[6], acc[7]);
  const __m256i h0123 = _mm256_hadd_epi32(h01, h23), h4567 = _mm256_hadd_epi32(h45, h67);
  return _mm256_add_epi32(_mm256_permute2x128_si256(h0123, h4567, 0x20),
                          _mm256_permute2x128_si256(h0123, h4567, 0x31));
}

template <typename T>
class Rowdot {
 public:
  Rowdot(size_t cols, const T* a, const T* b)
      : cols_(cols), body_(cols / 16 * 16), tail_(cols % 16), a_(a), b_(b),
        mask_(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(kTailMask + 16 - tail_))) {}

  // Row r's whole-step sums; with `masked_tail`, its tail too.
  __m256i lanes(size_t r, bool masked_tail) const {
    const T* a = a_ + r * cols_;
    const T* b = b_ + r * cols_;
    __m256i acc = _mm256_setzero_si256();
    for (size_t c = 0; c < body_; c += 16) {
      acc = _mm256_add_epi32(acc, _mm256_madd_epi16(load16(a + c), load16(b + c)));
    }
    if (masked_tail && tail_ != 0) {
      const __m256i x = _mm256_and_si256(load16(a + body_), mask_);
      acc = _mm256_add_epi32(acc, _mm256_madd_epi16(x, load16(b + body_)));
    }
    return acc;
  }

  // Row r's tail in scalar code, added to its other sums.
  int32_t scalar_tail(size_t r, int32_t sum) const {
    const T* a = a_ + r * cols_;
    const T* b = b_ + r * cols_;
    uint32_t s = static_cast<uint32_t>(sum);
    for (size_t c = body_; c < cols_; ++c) s += static_cast<uint32_t>(int32_t{a[c]} * int32_t{b[c]});
    return static_cast<int32_t>(s);
  }

  // How many leading rows may read their tail 16 wide within rows * cols.
  size_t masked_rows(size_t rows) const {
    if (tail_ == 0) return rows;
    const size_t total = rows * cols_;
    if (total < body_ + 16) return 0;
    const size_t n = (total - body_ - 16) / cols_ + 1;
    return n < rows ? n : rows;
  }

 private:
  size_t cols_, body_, tail_;
  const T* a_;
  const T* b_;
  __m256i mask_;
};

template <typename T>
void rowdot(size_t rows, size_t cols, const T* a, const T* b, int32_t* sums) {
  const Rowdot<T> dot(cols, a, b);
  const size_t masked = dot.masked_rows(rows);
  size_t r = 0;
  for (; r + 8 <= masked; r += 8) {
    __m256i acc[8];
    for (size_t k = 0; k < 8; ++k) acc[k] = dot.lanes(r + k, true);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(sums + r), reduce8(acc));
  }
  for (; r < masked; ++r) sums[r] = horizontal_sum(dot.lanes(r, true));
  for (; r < rows; ++r) sums[r] = dot.scalar_tail(r, horizontal_sum(dot.lanes(r, false)));
}

}  // namespace

void qs8_rowdot__avx2(size_t rows, size_t cols, const int8_t* a, const int8_t* b, int32_t* sums) {
  rowdot(rows, cols, a, b, sums);
}

void qs16_rowdot__avx2(size_t rows, size_t cols, const int16_t* a, const int16_t* b,
                       int32_t* sums) {
  rowdot(rows, cols, a, b, sums);
}

}  // namespace lowbit
