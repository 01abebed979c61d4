// int8 ADD (and SUB: ADD with b's multiplier negated) and MUL, eight outputs
// per step, bit-exact with kernels/reference/qs8_elementwise.cpp in every
// profile and for either sign of a multiplier: the fixed-point steps reuse the
// GEMM's vector requantization, whose results equal ref::requantize lane for
// lane. uint8 tensors cost one XOR per load and per store (sign_flip). The
// int16 (16x8) ADD runs the same fixed-point loop on int16 lanes.
#include <immintrin.h>

#include <cstring>
#include <type_traits>

#include "kernels/qs8_elementwise.h"
#include "kernels/x86/qs8_requant_avx2.h"

namespace lowbit {
namespace {

constexpr size_t kStep = 8;

// sign_flip (0 or 0x80, see kernels/reference/qs8_elementwise.h) in every
// byte of a 64-bit word.
inline int64_t flip_bytes(uint8_t sign_flip) {
  return static_cast<int64_t>(sign_flip * UINT64_C(0x0101010101010101));
}

// Eight inputs minus their zero point, as int32: contiguous (stride 1) or one
// value repeated (stride 0), each int8 byte sign-flipped first (int16: no flip).
template <typename T>
struct Input8 {
  const T* data;
  size_t stride;
  __m256i zero_point;
  int64_t flip;

  __m256i at(size_t i) const {
    const T* p = data + i * stride;
    if constexpr (sizeof(T) == 2) {
      const __m256i v = stride == 0 ? _mm256_set1_epi32(*p)
                                    : _mm256_cvtepi16_epi32(_mm_loadu_si128(
                                          reinterpret_cast<const __m128i*>(p)));
      return _mm256_sub_epi32(v, zero_point);
    } else {
      if (stride == 0) {
        return _mm256_sub_epi32(_mm256_set1_epi32(static_cast<int8_t>(*p ^ flip)), zero_point);
      }
      int64_t bits;
      std::memcpy(&bits, p, 8);
      return _mm256_sub_epi32(_mm256_cvtepi8_epi32(_mm_cvtsi64_si128(bits ^ flip)), zero_point);
    }
  }
};

inline __m256i requantize8(__m256i acc, const ref::Requantizer& r, RequantProfile profile) {
  return avx2::requant(acc, profile, _mm256_set1_epi32(r.multiplier), _mm256_set1_epi32(r.shift),
                       _mm256_set1_ps(r.scale));
}

inline avx2::DoubleRoundingTerms double_rounding_terms(const ref::Requantizer& r,
                                                      RequantProfile profile) {
  avx2::DoubleRoundingTerms terms;
  terms.set(_mm256_set1_epi32(r.multiplier), _mm256_set1_epi32(r.shift), profile);
  return terms;
}

// Adds the zero point, clamps as ref::requantize_and_clamp does (the first
// clamp keeps the addition from overflowing and cannot change a result the
// activation clamp keeps), flips and stores eight bytes.
inline void store8(__m256i v, int32_t zero_point, int32_t lo, int32_t hi, int64_t flip,
                   int8_t* out) {
  const __m128i bytes = avx2::narrow_to_int8(avx2::offset_and_clamp(v, zero_point, lo, hi));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out),
                   _mm_xor_si128(bytes, _mm_cvtsi64_si128(flip)));
}
// int16: the clamped values fit, so the saturating pack is exact.
inline void store8(__m256i v, int32_t zero_point, int32_t lo, int32_t hi, int64_t,
                   int16_t* out) {
  const __m256i c = avx2::offset_and_clamp(v, zero_point, lo, hi);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out),
                   _mm_packs_epi32(_mm256_castsi256_si128(c), _mm256_extracti128_si256(c, 1)));
}

inline void add_reference(const ref::Qs8AddParams& p, size_t n, const int8_t* a, size_t sa,
                          const int8_t* b, size_t sb, int8_t* out) {
  ref::qs8_add__reference(p, n, a, sa, b, sb, out);
}
inline void add_reference(const ref::Qs8AddParams& p, size_t n, const int16_t* a, size_t sa,
                          const int16_t* b, size_t sb, int16_t* out) {
  ref::qs16_add__reference(p, n, a, sa, b, sb, out);
}

inline bool vectorisable(size_t a_stride, size_t b_stride) {
  return a_stride <= 1 && b_stride <= 1;
}

}  // namespace

namespace {

// An int8 ADD input's rescale where it is one product
// (ref::add_input_rescale_is_multiply: the larger-scale input's M = 2^30 and
// shift 0 give (x - zp) * 2^19 in every fixed-point profile): one VPMULLD
// instead of the emulated 64-bit rescale. int16 inputs (|x - zp| up to 2^16)
// are outside the proof.
struct InputProduct {
  bool exact = false;
  __m256i factor{};
  template <typename T>
  InputProduct(const ref::Qs8AddParams& p, const ref::Requantizer& r, int32_t zero_point, T*) {
    int32_t f = 0;
    exact = sizeof(T) == 1 && zero_point >= -128 && zero_point <= 127 &&
            ref::add_input_rescale_is_multiply(r, p.left_shift, &f);
    factor = _mm256_set1_epi32(f);
  }
};

// int8 (uint8 sign-flipped) or int16 ADD; int16 never runs xnnpack_fp32.
template <typename T>
void add_avx2(const ref::Qs8AddParams& p, size_t n, const T* a, size_t a_stride, const T* b,
              size_t b_stride, T* output) {
  size_t i = 0;
  if (vectorisable(a_stride, b_stride)) {
    const int64_t flip = flip_bytes(p.sign_flip);
    const Input8<T> x{a, a_stride, _mm256_set1_epi32(p.a_zero_point), flip};
    const Input8<T> y{b, b_stride, _mm256_set1_epi32(p.b_zero_point), flip};
    if (sizeof(T) == 1 && p.profile == RequantProfile::kXnnpackFp32) {
      const __m256i a_m = _mm256_set1_epi32(p.xnn_a_multiplier);
      const __m256i b_m = _mm256_set1_epi32(p.xnn_b_multiplier);
      const __m256i rounding = _mm256_set1_epi32(int32_t{1} << (p.xnn_shift - 1));
      const __m128i shift = _mm_cvtsi32_si128(p.xnn_shift);
      for (; i + kStep <= n; i += kStep) {
        const __m256i acc = _mm256_add_epi32(_mm256_mullo_epi32(x.at(i), a_m),
                                             _mm256_mullo_epi32(y.at(i), b_m));
        store8(_mm256_sra_epi32(_mm256_add_epi32(acc, rounding), shift), p.output_zero_point,
               p.act_min, p.act_max, flip, output + i);
      }
    } else if (p.profile == RequantProfile::kTfliteReference ||
               p.profile == RequantProfile::kTfliteOptimized) {
      // TFLite's three rescales, their per-call terms computed once.
      const avx2::DoubleRoundingTerms ra = double_rounding_terms(p.a, p.profile);
      const avx2::DoubleRoundingTerms rb = double_rounding_terms(p.b, p.profile);
      const avx2::DoubleRoundingTerms ro = double_rounding_terms(p.output, p.profile);
      const __m128i lift = _mm_cvtsi32_si128(p.left_shift);
      const InputProduct pa(p, p.a, p.a_zero_point, output), pb(p, p.b, p.b_zero_point, output);
      auto add = [&](auto half_up) {
        constexpr bool kHalfUp = decltype(half_up)::value;
        for (; i + kStep <= n; i += kStep) {
          const __m256i sum = _mm256_add_epi32(
              pa.exact ? _mm256_mullo_epi32(x.at(i), pa.factor)
                       : ra.apply<kHalfUp>(_mm256_sll_epi32(x.at(i), lift)),
              pb.exact ? _mm256_mullo_epi32(y.at(i), pb.factor)
                       : rb.apply<kHalfUp>(_mm256_sll_epi32(y.at(i), lift)));
          store8(ro.apply<kHalfUp>(sum), p.output_zero_point, p.act_min, p.act_max, flip,
                 output + i);
        }
      };
      if (ref::rounds_half_up(p.profile)) {
        add(std::true_type{});
      } else {
        add(std::false_type{});
      }
    } else {
      const __m128i lift = _mm_cvtsi32_si128(p.left_shift);
      const InputProduct pa(p, p.a, p.a_zero_point, output), pb(p, p.b, p.b_zero_point, output);
      for (; i + kStep <= n; i += kStep) {
        const __m256i sum = _mm256_add_epi32(
            pa.exact ? _mm256_mullo_epi32(x.at(i), pa.factor)
                     : requantize8(_mm256_sll_epi32(x.at(i), lift), p.a, p.profile),
            pb.exact ? _mm256_mullo_epi32(y.at(i), pb.factor)
                     : requantize8(_mm256_sll_epi32(y.at(i), lift), p.b, p.profile));
        store8(requantize8(sum, p.output, p.profile), p.output_zero_point, p.act_min, p.act_max,
               flip, output + i);
      }
    }
  }
  if (i < n) {
    add_reference(p, n - i, a + i * a_stride, a_stride, b + i * b_stride, b_stride, output + i);
  }
}

// ADD's linear form (ref::Qs8AddLinearForm), 32 outputs per step: the
// AVX-512 kernel's steps on eight lanes. A step with a lane near a rounding
// boundary, and the last n % 32 outputs, go through add_avx2.
void add_linear(const ref::Qs8AddParams& p, size_t n, const int8_t* a, size_t a_stride,
                const int8_t* b, size_t b_stride, int8_t* output) {
  const ref::Qs8AddLinearForm& f = p.linear;
  const int64_t flip = flip_bytes(p.sign_flip);
  auto byte = [&](const int8_t* x) { return static_cast<int8_t>(*x ^ p.sign_flip); };
  int32_t bias = f.bias;  // broadcast inputs join it (within the plan's bound)
  if (a_stride == 0) bias += byte(a) * f.a_multiplier;
  if (b_stride == 0) bias += byte(b) * f.b_multiplier;
  const __m256i bias_v = _mm256_set1_epi32(bias);
  const __m256i ma = _mm256_set1_epi32(f.a_multiplier), mb = _mm256_set1_epi32(f.b_multiplier);
  const __m256i near_mask = _mm256_set1_epi32(f.near_mask);
  const bool exact = f.near_mask == 0;
  const __m256i negative_below = _mm256_set1_epi32(f.negative_below);
  const __m256i negative_adjust = _mm256_set1_epi32(f.negative_adjust);
  const __m128i shift = _mm_cvtsi32_si128(f.shift);
  const __m256i lo = _mm256_set1_epi8(static_cast<char>(p.act_min));
  const __m256i hi = _mm256_set1_epi8(static_cast<char>(p.act_max));
  const __m256i flip_v = _mm256_set1_epi64x(flip);
  // Dword 4h + j of the packs holds elements 8j + 4h .. 8j + 4h + 3.
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  auto input = [&](const int8_t* x) {
    int64_t bits;
    std::memcpy(&bits, x, 8);
    return _mm256_cvtepi8_epi32(_mm_cvtsi64_si128(bits ^ flip));
  };
  // 32 outputs from x (contiguous inputs; a broadcast one is in the bias) to
  // out; false, with nothing stored, where a lane is near a boundary.
  auto step = [&](const int8_t* x, const int8_t* y, int8_t* out) {
    __m256i q[4];
    __m256i near = _mm256_setzero_si256();
    for (size_t j = 0; j < 4; ++j) {
      __m256i z = bias_v;
      if (a_stride != 0) z = _mm256_add_epi32(z, _mm256_mullo_epi32(input(x + 8 * j), ma));
      if (b_stride != 0) z = _mm256_add_epi32(z, _mm256_mullo_epi32(input(y + 8 * j), mb));
      if (exact) {
        z = _mm256_sub_epi32(
            z, _mm256_and_si256(_mm256_cmpgt_epi32(negative_below, z), negative_adjust));
      } else {
        near = _mm256_or_si256(near, _mm256_cmpeq_epi32(_mm256_and_si256(z, near_mask),
                                                        _mm256_setzero_si256()));
      }
      q[j] = _mm256_sra_epi32(z, shift);
    }
    if (!exact && !_mm256_testz_si256(near, near)) return false;
    __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]),
                                       _mm256_packs_epi32(q[2], q[3]));
    bytes = _mm256_permutevar8x32_epi32(bytes, order);
    bytes = _mm256_min_epi8(_mm256_max_epi8(bytes, lo), hi);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm256_xor_si256(bytes, flip_v));
    return true;
  };
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    if (!step(a + i * a_stride, b + i * b_stride, output + i)) {
      add_avx2(p, 32, a + i * a_stride, a_stride, b + i * b_stride, b_stride, output + i);
    }
  }
  if (i == n) return;
  // The last n % 32 outputs as one step through padded copies (short runs,
  // such as MoveNet's 17-wide SUBs, would otherwise take add_avx2). The
  // padding repeats the last pair, so it is near a boundary only where that
  // pair is.
  const size_t left = n - i;
  alignas(32) int8_t x[32] = {}, y[32] = {}, out[32];
  if (a_stride != 0) {
    std::memset(x, a[n - 1], sizeof(x));
    std::memcpy(x, a + i, left);
  }
  if (b_stride != 0) {
    std::memset(y, b[n - 1], sizeof(y));
    std::memcpy(y, b + i, left);
  }
  if (step(x, y, out)) {
    std::memcpy(output + i, out, left);
  } else {
    add_avx2(p, left, a + i * a_stride, a_stride, b + i * b_stride, b_stride, output + i);
  }
}

}  // namespace

void qs8_add__avx2(const ref::Qs8AddParams& p, size_t n, const int8_t* a, size_t a_stride,
                   const int8_t* b, size_t b_stride, int8_t* output) {
  if (p.linear.usable && vectorisable(a_stride, b_stride)) {
    add_linear(p, n, a, a_stride, b, b_stride, output);
  } else {
    add_avx2(p, n, a, a_stride, b, b_stride, output);
  }
}

void qs16_add__avx2(const ref::Qs8AddParams& p, size_t n, const int16_t* a, size_t a_stride,
                    const int16_t* b, size_t b_stride, int16_t* output) {
  add_avx2(p, n, a, a_stride, b, b_stride, output);
}

void qs8_mul__avx2(const ref::Qs8MulParams& p, size_t n, const int8_t* a, size_t a_stride,
                   const int8_t* b, size_t b_stride, int8_t* output) {
  size_t i = 0;
  if (vectorisable(a_stride, b_stride)) {
    const int64_t flip = flip_bytes(p.sign_flip);
    const Input8<int8_t> x{a, a_stride, _mm256_set1_epi32(p.a_zero_point), flip};
    const Input8<int8_t> y{b, b_stride, _mm256_set1_epi32(p.b_zero_point), flip};
    for (; i + kStep <= n; i += kStep) {
      store8(requantize8(_mm256_mullo_epi32(x.at(i), y.at(i)), p.output, p.profile),
             p.output_zero_point, p.act_min, p.act_max, flip, output + i);
    }
  }
  if (i < n) {
    ref::qs8_mul__reference(p, n - i, a + i * a_stride, a_stride, b + i * b_stride, b_stride,
                            output + i);
  }
}

}  // namespace lowbit
