// ARG_MAX and ARG_MIN as TFLite's reference kernel defines them: the index
// along one axis of the first element that no later element beats, where
// "beats" is std::greater (max) or std::less (min) on the raw stored values.
// So ties pick the lowest index, a NaN never beats anything nor is beaten
// once it is the running best (a leading NaN wins), and int8/uint8 compare
// their quantized integers (the scale is positive, so the order is the same).
#pragma once

#include <cstddef>
#include <cstdint>

#include "lowbit/types.h"

namespace lowbit {
namespace ref {

struct ArgReduceParams {
  DType input = DType::kFloat32;  // float32, int8, uint8 or int32
  DType output = DType::kInt32;   // int32 or int64
  bool minimum = false;           // ARG_MIN instead of ARG_MAX
  // The input as [outer, axis_size, inner]; the output is [outer, inner].
  size_t outer = 1, axis_size = 1, inner = 1;
};

// Writes the outputs of outer slices [outer_begin, outer_end). axis_size >= 1.
using ArgReduceFn = void (*)(const ArgReduceParams& p, const void* input, void* output,
                             size_t outer_begin, size_t outer_end);
void arg_reduce__reference(const ArgReduceParams& p, const void* input, void* output,
                           size_t outer_begin, size_t outer_end);

// What the SIMD variants share. They take int8 and uint8 over the innermost
// axis: each byte XOR key_flip() is a signed key whose largest value, at its
// first index, is the answer (uint8 shifted into int8's order, ARG_MIN's
// order reversed by the complement), so one signed maximum serves all four.
inline bool arg_reduce_takes_bytes(const ArgReduceParams& p) {
  return p.inner == 1 && (p.input == DType::kInt8 || p.input == DType::kUInt8);
}
// The XOR that makes int8 or uint8 bytes signed keys ordered for a maximum
// (minimum: reversed); REDUCE_MAX/MIN's SIMD variants use it too.
inline uint8_t byte_key_flip(DType dtype, bool minimum) {
  return static_cast<uint8_t>((dtype == DType::kUInt8 ? 0x80 : 0) ^ (minimum ? 0xff : 0));
}
inline uint8_t arg_reduce_key_flip(const ArgReduceParams& p) {
  return byte_key_flip(p.input, p.minimum);
}

// The search every SIMD variant runs on one pixel's n keys, with Simd (a
// struct of static functions on its vector type Vec of kLanes bytes) giving
// keys(x, count, readable, flip): `count` <= kLanes keys from x, lanes from
// count on at the lowest key, reading nothing past x + readable; max(a, b);
// broadcast_max(v): v's largest key in every lane; first_equal(a, b): the
// first lane where they are equal, or kLanes. The answer is the first lane
// holding the pixel's largest key.
template <typename Simd>
size_t first_best_key(const uint8_t* x, size_t n, size_t readable, typename Simd::Vec flip) {
  constexpr size_t kLanes = Simd::kLanes;
  auto chunk = [&](size_t i) {
    return Simd::keys(x + i, n - i < kLanes ? n - i : kLanes, readable - i, flip);
  };
  typename Simd::Vec best = chunk(0);
  if (n <= kLanes) return Simd::first_equal(best, Simd::broadcast_max(best));
  for (size_t i = kLanes; i < n; i += kLanes) best = Simd::max(best, chunk(i));
  const typename Simd::Vec max = Simd::broadcast_max(best);
  for (size_t i = 0;; i += kLanes) {
    const size_t lane = Simd::first_equal(chunk(i), max);
    if (lane < kLanes) return i + lane;
  }
}

// A SIMD variant's kernel: the byte cases through first_best_key<Simd> (its
// flip from Simd::splat(arg_reduce_key_flip(p))), every other case the
// reference's.
template <typename Simd>
void arg_reduce_simd(const ArgReduceParams& p, const void* input, void* output, size_t begin,
                     size_t end) {
  if (!arg_reduce_takes_bytes(p)) {
    arg_reduce__reference(p, input, output, begin, end);
    return;
  }
  const typename Simd::Vec flip = Simd::splat(arg_reduce_key_flip(p));
  const auto* in = static_cast<const uint8_t*>(input);
  const size_t total = p.outer * p.axis_size;
  for (size_t o = begin; o < end; ++o) {
    const size_t at = o * p.axis_size;
    const size_t index = first_best_key<Simd>(in + at, p.axis_size, total - at, flip);
    if (p.output == DType::kInt64) {
      static_cast<int64_t*>(output)[o] = static_cast<int64_t>(index);
    } else {
      static_cast<int32_t*>(output)[o] = static_cast<int32_t>(index);
    }
  }
}

}  // namespace ref
}  // namespace lowbit
