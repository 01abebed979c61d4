// int8 ADD (SUB is ADD with b's multiplier negated) and MUL, sixteen outputs
// per step, bit-exact with kernels/reference/qs8_elementwise.cpp in every
// profile. AVX-512 has the 64-bit shifts the single-rounding profile needs
// (AVX2 emulates them) and twice the lanes, which is what TFLite's three
// fixed-point rescales per ADD output cost. The tail is a masked step, so
// no scalar remainder is left. The int16 (16x8) ADD runs the same rescales on
// int16 lanes.
#include <immintrin.h>

#include <algorithm>

#include <type_traits>

#include "kernels/qs8_elementwise.h"
#include "kernels/x86/qs8_requant_avx512.h"

namespace lowbit {
namespace {

constexpr size_t kStep = 16;

// Sixteen (or `count`) inputs minus their zero point, as int32: contiguous
// (stride 1) or one value repeated (stride 0), each int8 byte sign-flipped
// first (int16: no flip).
template <typename T>
struct Input16 {
  const T* data;
  size_t stride;
  __m512i zero_point;
  __m128i flip;

  LOWBIT_AVX512_ALWAYS_INLINE __m512i at(size_t i, __mmask16 mask) const {
    if constexpr (sizeof(T) == 2) {
      const __m256i words = stride == 0 ? _mm256_set1_epi16(data[0])
                                        : _mm256_maskz_loadu_epi16(mask, data + i);
      return _mm512_sub_epi32(_mm512_cvtepi16_epi32(words), zero_point);
    } else {
      const __m128i bytes = stride == 0 ? _mm_set1_epi8(data[0])
                                        : _mm_maskz_loadu_epi8(mask, data + i);
      return _mm512_sub_epi32(_mm512_cvtepi8_epi32(_mm_xor_si128(bytes, flip)), zero_point);
    }
  }
};

// Adds the zero point and clamps as ref::requantize_to_output does: its
// +-kRequantizedLimit clamp, the zero point and the activation clamp fold into
// one clamp to [lo, hi] before adding the zero point (equal for every zero
// point within the limit of the activation range), then flips and stores.
struct Store16 {
  __m512i zero_point, lo, hi;
  __m128i flip;
  __m128i lo_bytes, hi_bytes;  // lo, hi + zero point within int8, for offset()
  bool full_int8;              // and those are -128, 127

  Store16(int32_t zp, int32_t act_min, int32_t act_max, __m128i flip_bytes)
      : zero_point(_mm512_set1_epi32(zp)),
        lo(_mm512_set1_epi32(std::max(act_min - zp, -ref::kRequantizedLimit))),
        hi(_mm512_set1_epi32(std::min(act_max - zp, ref::kRequantizedLimit))),
        flip(flip_bytes),
        lo_bytes(_mm_set1_epi8(static_cast<char>(std::max({act_min, zp - ref::kRequantizedLimit, -128})))),
        hi_bytes(_mm_set1_epi8(static_cast<char>(std::min({act_max, zp + ref::kRequantizedLimit, 127})))),
        full_int8(std::max(act_min, zp - ref::kRequantizedLimit) <= -128 &&
                  std::min(act_max, zp + ref::kRequantizedLimit) >= 127) {}

  // Values with the zero point already added (Rescale::apply_offset), int8
  // outputs: VPMOVSDB saturates to int8, which is the clamp where the range
  // is all of int8, else the bytes are clamped (the same as clamping first).
  void offset(__m512i v, __mmask16 mask, int8_t* out) const {
    __m128i bytes = _mm512_cvtsepi32_epi8(v);
    if (!full_int8) bytes = _mm_min_epi8(_mm_max_epi8(bytes, lo_bytes), hi_bytes);
    _mm_mask_storeu_epi8(out, mask, _mm_xor_si128(bytes, flip));
  }

  __m512i clamped(__m512i v) const {
    return _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(v, lo), hi), zero_point);
  }
  void operator()(__m512i v, __mmask16 mask, int8_t* out) const {
    _mm_mask_storeu_epi8(out, mask, _mm_xor_si128(_mm512_cvtepi32_epi8(clamped(v)), flip));
  }
  void operator()(__m512i v, __mmask16 mask, int16_t* out) const {
    _mm256_mask_storeu_epi16(out, mask, _mm512_cvtepi32_epi16(clamped(v)));
  }
};

inline __mmask16 tail_mask(size_t left) {
  return left >= kStep ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << left) - 1u);
}

// Runs step(i, mask) over n outputs, the last step masked.
template <typename Step>
inline void for_each_step(size_t n, const Step& step) {
  for (size_t i = 0; i < n; i += kStep) step(i, tail_mask(n - i));
}

// One rescale with its per-call terms computed once, in any fixed-point
// profile (the fp32 profile never reaches it).
struct Rescale {
  avx512::FixedPointTerms terms;
  RequantProfile profile;

  Rescale(const ref::Requantizer& r, RequantProfile p) : profile(p) {
    terms.set(_mm512_set1_epi32(r.multiplier), _mm512_set1_epi32(r.shift), p);
  }
  // Folds the output zero point into the rounding where the shift allows
  // (terms.zero_point_folded); then only apply_offset() may be used.
  void fold_zero_point(int32_t zero_point) {
    terms.set(terms.multiplier, terms.shift, profile, zero_point);
  }
  template <bool kHalfUp>
  LOWBIT_AVX512_ALWAYS_INLINE __m512i apply_offset(__m512i acc) const {
    if (kHalfUp || profile == RequantProfile::kSingleRounding) {
      return terms.right.apply<false>(acc, terms.multiplier);
    }
    return terms.right.apply<true>(acc, terms.multiplier);
  }
  template <bool kHalfUp>
  LOWBIT_AVX512_ALWAYS_INLINE __m512i apply(__m512i acc) const {
    if (profile == RequantProfile::kSingleRounding) {
      return terms.apply<RequantProfile::kSingleRounding>(acc);
    }
    return terms.apply<kHalfUp ? RequantProfile::kTfliteOptimized
                               : RequantProfile::kTfliteReference>(acc);
  }
};

// TFLite's rescale of an ADD input, (x - zp) * 2^20, in 32-bit lanes. With
// v = x - zp (|v| <= 255) the doubling high multiply is
//   h = floor((v * 2^20 * M + 2^30) / 2^31) = floor((v * M + 2^10) / 2^11)
//     = v * Mh + floor((v * Ml + 2^10) / 2^11)
// for M = Mh * 2^11 + Ml, 0 <= Ml < 2^11 (Mh by an arithmetic shift, so a
// negative M, SUB's b, splits the same way). Both products fit 32 bits
// (|v * Mh| <= 2^28), so no 64-bit multiply is needed; v * Ml is one VPMADDWD
// (v and Ml both fit int16, and Ml's high 16 bits are zero). The final shift by r
// adds 2^(r-1) inside the second floor (2^(10+r), a multiple of 2^11, which
// keeps the sum below 2^31 for r <= 20) and, for ties away from zero,
// subtracts 1 where v * M < 0 (where h = 0 instead of h < 0, 2^(r-1) - 1
// still rounds to 0), then shifts arithmetically. Only for shifts -20..0
// (input multipliers are at most 1/2) and TFLite's lift of 20 bits.
struct LiftedInputRescale {
  static constexpr int kLift = 20;
  __m512i high_part, low_part, low_round, right, away;
  bool negative_multiplier;

  // zero_point: of the int8 input (flipped for uint8), so |v| <= 255.
  static bool applies(const ref::Requantizer& r, int32_t zero_point, int32_t left_shift,
                      RequantProfile profile) {
    return left_shift == kLift && r.shift <= 0 && r.shift >= -20 &&
           zero_point >= -128 && zero_point <= 127 && profile != RequantProfile::kSingleRounding;
  }
  explicit LiftedInputRescale(const ref::Requantizer& r)
      : high_part(_mm512_set1_epi32(r.multiplier >> 11)),
        low_part(_mm512_set1_epi32(r.multiplier & 2047)),
        low_round(_mm512_set1_epi32((1 << 10) + (r.shift < 0 ? 1 << (10 - r.shift) : 0))),
        right(_mm512_set1_epi32(-r.shift)),
        away(_mm512_set1_epi32(r.shift < 0 ? 1 : 0)),
        negative_multiplier(r.multiplier < 0) {}
  template <bool kHalfUp>
  LOWBIT_AVX512_ALWAYS_INLINE __m512i apply(__m512i v) const {
    const __m512i low =
        _mm512_srai_epi32(_mm512_add_epi32(_mm512_madd_epi16(v, low_part), low_round), 11);
    __m512i high = _mm512_add_epi32(_mm512_mullo_epi32(v, high_part), low);
    if (!kHalfUp) {
      const __m512i zero = _mm512_setzero_si512();
      const __mmask16 negative = negative_multiplier ? _mm512_cmpgt_epi32_mask(v, zero)
                                                     : _mm512_cmplt_epi32_mask(v, zero);
      high = _mm512_mask_sub_epi32(high, negative, high, away);
    }
    return _mm512_srav_epi32(high, right);
  }
};

// An ADD input whose rescale is one product (ref::add_input_rescale_is_multiply
// proves when): the larger-scale input's M = 2^30, factor 2^19, or
// -2^19 for SUB's b. A power of two is one shift (negated: two ops), any
// other factor a VPMULLD, where LiftedInputRescale takes 7 to 9 ops.
struct ExactInputRescale {
  __m512i factor;
  __m128i shift;
  bool power_of_two, negative;

  static bool applies(const ref::Requantizer& r, int32_t zero_point, int32_t left_shift,
                      int32_t* factor) {
    return zero_point >= -128 && zero_point <= 127 &&
           ref::add_input_rescale_is_multiply(r, left_shift, factor);
  }
  explicit ExactInputRescale(int32_t f)
      : factor(_mm512_set1_epi32(f)), power_of_two(false), negative(f < 0) {
    // |f| <= 2^20 (the multiplier over 2^11 at least).
    const uint32_t magnitude = static_cast<uint32_t>(f < 0 ? -int64_t{f} : int64_t{f});
    power_of_two = magnitude != 0 && (magnitude & (magnitude - 1)) == 0;
    shift = _mm_cvtsi32_si128(power_of_two ? __builtin_ctz(magnitude) : 0);
  }
  template <bool kHalfUp>
  LOWBIT_AVX512_ALWAYS_INLINE __m512i apply(__m512i v) const {
    if (!power_of_two) return _mm512_mullo_epi32(v, factor);
    const __m512i shifted = _mm512_sll_epi32(v, shift);
    return negative ? _mm512_sub_epi32(_mm512_setzero_si512(), shifted) : shifted;
  }
};

// Calls body(std::true_type) when the profile rounds ties up, else with
// std::false_type, so the rounding choice is a compile-time constant.
template <typename Body>
inline void with_half_up(RequantProfile profile, const Body& body) {
  if (ref::rounds_half_up(profile)) {
    body(std::true_type{});
  } else {
    body(std::false_type{});
  }
}

// Both inputs and the store of ADD's or MUL's parameters.
template <typename T>
struct Operands {
  Input16<T> x, y;
  Store16 store;
};

template <typename Params, typename T>
Operands<T> operands(const Params& p, const T* a, size_t a_stride, const T* b, size_t b_stride) {
  const __m128i flip = _mm_set1_epi8(static_cast<char>(p.sign_flip));
  return Operands<T>{Input16<T>{a, a_stride, _mm512_set1_epi32(p.a_zero_point), flip},
                     Input16<T>{b, b_stride, _mm512_set1_epi32(p.b_zero_point), flip},
                     Store16(p.output_zero_point, p.act_min, p.act_max, flip)};
}

// Any rescale of an ADD input given (x - zp) unlifted: shifts it left by
// TFLite's lift first (LiftedInputRescale does without the shift).
struct ShiftedInputRescale {
  Rescale rescale;
  __m128i lift;

  template <bool kHalfUp>
  LOWBIT_AVX512_ALWAYS_INLINE __m512i apply(__m512i v) const {
    return rescale.apply<kHalfUp>(_mm512_sll_epi32(v, lift));
  }
};

// ADD's fixed-point profiles: both inputs rescaled, summed, the sum rescaled
// (after a fused RELU with tflite_optimized's rounding: ref::clamped_profile).
// Out of line, one flat function per pair of input rescales: inlined into
// the nine-way dispatch, its loops became calls behind a vzeroupper and the
// per-call set-up grew (small broadcast runs, movenet's 17-wide SUBs, slowed).
template <typename RescaleA, typename RescaleB, typename T>
__attribute__((noinline)) void add_rescaled(const ref::Qs8AddParams& p, const Operands<T>& io, const RescaleA& ra,
                  const RescaleB& rb, size_t n, T* output) {
  const RequantProfile output_profile =
      ref::clamped_profile(p.profile, p.output_zero_point, p.act_min);
  Rescale ro(p.output, output_profile);
  if constexpr (sizeof(T) == 1) ro.fold_zero_point(p.output_zero_point);
  const bool folded = ro.terms.zero_point_folded;
  with_half_up(p.profile, [&](auto half_up) {
    with_half_up(output_profile, [&](auto output_half_up) {
      constexpr bool kHalfUp = decltype(half_up)::value;
      constexpr bool kOutputHalfUp = decltype(output_half_up)::value;
      // A broadcast input (stride 0) is rescaled once.
      const __m512i a_once = io.x.stride == 0 ? ra.template apply<kHalfUp>(io.x.at(0, 1)) : __m512i{};
      const __m512i b_once = io.y.stride == 0 ? rb.template apply<kHalfUp>(io.y.at(0, 1)) : __m512i{};
      for_each_step(n, [&](size_t i, __mmask16 mask) {
        const __m512i a = io.x.stride == 0 ? a_once : ra.template apply<kHalfUp>(io.x.at(i, mask));
        const __m512i b = io.y.stride == 0 ? b_once : rb.template apply<kHalfUp>(io.y.at(i, mask));
        const __m512i sum = _mm512_add_epi32(a, b);
        if constexpr (sizeof(T) == 1) {
          if (folded) {
            io.store.offset(ro.apply_offset<kOutputHalfUp>(sum), mask, output + i);
            return;
          }
        }
        io.store(ro.apply<kOutputHalfUp>(sum), mask, output + i);
      });
    });
  });
}

// The generic fixed-point ADD: each input lifted by the left shift, then rescaled.
template <typename T>
void add_shifted(const ref::Qs8AddParams& p, const Operands<T>& io, size_t n, T* output) {
  const __m128i lift = _mm_cvtsi32_si128(p.left_shift);
  add_rescaled(p, io, ShiftedInputRescale{Rescale(p.a, p.profile), lift},
               ShiftedInputRescale{Rescale(p.b, p.profile), lift}, n, output);
}

// ADD's general path, any profile, strides 0 or 1: XNNPACK's arithmetic, or
// TFLite's three rescales through each input's cheapest exact rescale.
void add_exact(const ref::Qs8AddParams& p, size_t n, const int8_t* a, size_t a_stride,
               const int8_t* b, size_t b_stride, int8_t* output) {
  const auto io = operands(p, a, a_stride, b, b_stride);
  if (p.profile == RequantProfile::kXnnpackFp32) {
    const __m512i a_m = _mm512_set1_epi32(p.xnn_a_multiplier);
    const __m512i b_m = _mm512_set1_epi32(p.xnn_b_multiplier);
    const __m512i rounding = _mm512_set1_epi32(int32_t{1} << (p.xnn_shift - 1));
    const __m128i shift = _mm_cvtsi32_si128(p.xnn_shift);
    for_each_step(n, [&](size_t i, __mmask16 mask) {
      const __m512i acc = _mm512_add_epi32(_mm512_mullo_epi32(io.x.at(i, mask), a_m),
                                           _mm512_mullo_epi32(io.y.at(i, mask), b_m));
      io.store(_mm512_sra_epi32(_mm512_add_epi32(acc, rounding), shift), mask, output + i);
    });
    return;
  }
  // Each input's cheapest exact rescale.
  auto with_input_rescale = [&](const ref::Requantizer& r, int32_t zero_point, auto body) {
    int32_t factor = 0;
    if (ExactInputRescale::applies(r, zero_point, p.left_shift, &factor)) {
      body(ExactInputRescale(factor));
    } else if (LiftedInputRescale::applies(r, zero_point, p.left_shift, p.profile)) {
      body(LiftedInputRescale(r));
    } else {
      body(ShiftedInputRescale{Rescale(r, p.profile), _mm_cvtsi32_si128(p.left_shift)});
    }
  };
  with_input_rescale(p.a, p.a_zero_point, [&](const auto& ra) {
    with_input_rescale(p.b, p.b_zero_point,
                       [&](const auto& rb) { add_rescaled(p, io, ra, rb, n, output); });
  });
}

// ADD's linear form (ref::Qs8AddLinearForm): 64 outputs per step, two
// VPMULLD per 16 (one where an input is broadcast: its term joins the bias),
// a shift, and one VPTESTNMD finding lanes near a rounding boundary; a step
// with any such lane (rare: under 1 in 512 lanes of the plan's sample) is
// recomputed by add_exact. An exact form has no near lanes; its ties away
// from zero cost a compare and a masked subtract instead. Saturating packs
// to int8 then the activation clamp equal the reference's clamps (see
// kernels/reference/qs8_add_linear.cpp).
template <bool kFlip>
void add_linear(const ref::Qs8AddParams& p, size_t n, const int8_t* a, size_t a_stride,
                const int8_t* b, size_t b_stride, int8_t* output) {
  const ref::Qs8AddLinearForm& f = p.linear;
  const __m128i flip = _mm_set1_epi8(static_cast<char>(p.sign_flip));
  const __m512i flip_bytes = _mm512_set1_epi8(static_cast<char>(p.sign_flip));
  auto byte = [&](const int8_t* x) { return static_cast<int8_t>(*x ^ p.sign_flip); };
  // Broadcast inputs join the bias (|x m| + |bias| < 2^31: the plan's bound).
  int32_t bias = f.bias;
  if (a_stride == 0) bias += byte(a) * f.a_multiplier;
  if (b_stride == 0) bias += byte(b) * f.b_multiplier;
  const __m512i bias_v = _mm512_set1_epi32(bias);
  const __m512i ma = _mm512_set1_epi32(f.a_multiplier), mb = _mm512_set1_epi32(f.b_multiplier);
  const __m512i near_mask = _mm512_set1_epi32(f.near_mask);
  const bool exact = f.near_mask == 0;
  const __m512i negative_below = _mm512_set1_epi32(f.negative_below);
  const __m512i negative_adjust = _mm512_set1_epi32(f.negative_adjust);
  const __m128i shift = _mm_cvtsi32_si128(f.shift);
  const __m512i lo = _mm512_set1_epi8(static_cast<char>(p.act_min));
  const __m512i hi = _mm512_set1_epi8(static_cast<char>(p.act_max));
  const bool clamps = p.act_min > -128 || p.act_max < 127;
  // Dword d of the packed result holds elements 16 (d % 4) + 4 (d / 4) .. +3.
  const __m512i order = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);
  auto input = [&](auto tail, const int8_t* x, size_t i, __mmask16 mask) {
    __m128i bytes = decltype(tail)::value
                        ? _mm_maskz_loadu_epi8(mask, x + i)
                        : _mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i));
    if (kFlip) bytes = _mm_xor_si128(bytes, flip);
    return _mm512_cvtepi8_epi32(bytes);
  };
  // One step of up to 64 outputs; false where a lane is near a boundary.
  auto step = [&](auto tail, size_t i, size_t count) {
    __m512i q[4];
    __mmask16 near = 0;
    for (size_t j = 0; j < 4; ++j) {
      const size_t at = i + 16 * j;
      const __mmask16 mask = tail_mask(count > 16 * j ? count - 16 * j : 0);
      __m512i z = bias_v;
      if (a_stride != 0) {
        z = _mm512_add_epi32(z, _mm512_mullo_epi32(input(tail, a, at, mask), ma));
      }
      if (b_stride != 0) {
        z = _mm512_add_epi32(z, _mm512_mullo_epi32(input(tail, b, at, mask), mb));
      }
      if (exact) {
        z = _mm512_mask_sub_epi32(z, _mm512_cmplt_epi32_mask(z, negative_below), z,
                                  negative_adjust);
      } else {
        near |= decltype(tail)::value ? _mm512_mask_testn_epi32_mask(mask, z, near_mask)
                                      : _mm512_testn_epi32_mask(z, near_mask);
      }
      q[j] = _mm512_sra_epi32(z, shift);
    }
    if (near != 0) return false;
    __m512i bytes = _mm512_packs_epi16(_mm512_packs_epi32(q[0], q[1]),
                                       _mm512_packs_epi32(q[2], q[3]));
    bytes = _mm512_permutexvar_epi32(order, bytes);
    if (clamps) bytes = _mm512_min_epi8(_mm512_max_epi8(bytes, lo), hi);
    if (kFlip) bytes = _mm512_xor_si512(bytes, flip_bytes);
    if (decltype(tail)::value) {
      _mm512_mask_storeu_epi8(output + i, (__mmask64{1} << count) - 1, bytes);
    } else {
      _mm512_storeu_si512(output + i, bytes);
    }
    return true;
  };
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    if (!step(std::false_type{}, i, 64)) {
      add_exact(p, 64, a + i * a_stride, a_stride, b + i * b_stride, b_stride, output + i);
    }
  }
  if (i < n && !step(std::true_type{}, i, n - i)) {
    add_exact(p, n - i, a + i * a_stride, a_stride, b + i * b_stride, b_stride, output + i);
  }
}

}  // namespace

void qs8_add__avx512(const ref::Qs8AddParams& p, size_t n, const int8_t* a, size_t a_stride,
                     const int8_t* b, size_t b_stride, int8_t* output) {
  if (a_stride > 1 || b_stride > 1) {
    ref::qs8_add__reference(p, n, a, a_stride, b, b_stride, output);
  } else if (p.linear.usable && p.sign_flip != 0) {
    add_linear<true>(p, n, a, a_stride, b, b_stride, output);
  } else if (p.linear.usable) {
    add_linear<false>(p, n, a, a_stride, b, b_stride, output);
  } else {
    add_exact(p, n, a, a_stride, b, b_stride, output);
  }
}

// int16: a fixed-point profile always (xnnpack_fp32 maps to single_rounding).
void qs16_add__avx512(const ref::Qs8AddParams& p, size_t n, const int16_t* a, size_t a_stride,
                      const int16_t* b, size_t b_stride, int16_t* output) {
  if (a_stride > 1 || b_stride > 1 || p.profile == RequantProfile::kXnnpackFp32) {
    ref::qs16_add__reference(p, n, a, a_stride, b, b_stride, output);
    return;
  }
  add_shifted(p, operands(p, a, a_stride, b, b_stride), n, output);
}

void qs8_mul__avx512(const ref::Qs8MulParams& p, size_t n, const int8_t* a, size_t a_stride,
                     const int8_t* b, size_t b_stride, int8_t* output) {
  if (a_stride > 1 || b_stride > 1) {
    ref::qs8_mul__reference(p, n, a, a_stride, b, b_stride, output);
    return;
  }
  const auto io = operands(p, a, a_stride, b, b_stride);
  if (p.profile == RequantProfile::kXnnpackFp32) {
    const __m512 scale = _mm512_set1_ps(p.output.scale);
    for_each_step(n, [&](size_t i, __mmask16 mask) {
      const __m512i product = _mm512_mullo_epi32(io.x.at(i, mask), io.y.at(i, mask));
      io.store(avx512::requant_fp32(product, scale), mask, output + i);
    });
    return;
  }
  Rescale ro(p.output, p.profile);
  ro.fold_zero_point(p.output_zero_point);
  with_half_up(p.profile, [&](auto half_up) {
    constexpr bool kHalfUp = decltype(half_up)::value;
    for_each_step(n, [&](size_t i, __mmask16 mask) {
      const __m512i product = _mm512_mullo_epi32(io.x.at(i, mask), io.y.at(i, mask));
      if (ro.terms.zero_point_folded) {
        io.store.offset(ro.apply_offset<kHalfUp>(product), mask, output + i);
      } else {
        io.store(ro.apply<kHalfUp>(product), mask, output + i);
      }
    });
  });
}

}  // namespace lowbit
