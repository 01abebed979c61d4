// What the SIMD variants of REDUCE_MAX / REDUCE_MIN share (kernels/reduce.h).
// They take int8 and uint8, where the maximum or minimum of integers is the
// same in any order, so the reference's fold order and its start from the
// first element do not matter. Each byte XOR reduce_key_flip() is a signed
// key whose largest value is the answer (uint8 shifted into int8's order,
// REDUCE_MIN's order reversed by the complement), so one signed maximum
// serves all four cases, as in ARG_MAX (kernels/reference/arg_reduce.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/arg_reduce.h"
#include "kernels/reference/reduce.h"

namespace lowbit {
namespace ref {

inline bool reduce_takes_bytes(const ReduceParams& p) {
  return (p.dtype == DType::kInt8 || p.dtype == DType::kUInt8) &&
         (p.kind == ReduceKind::kMax || p.kind == ReduceKind::kMin);
}
inline uint8_t reduce_key_flip(const ReduceParams& p) {
  return byte_key_flip(p.dtype, p.kind == ReduceKind::kMin);
}

// The lowest key: where every maximum starts.
constexpr uint8_t kLowestKey = 0x80;

inline int8_t max_key(int8_t a, int8_t b) { return a > b ? a : b; }

// Simd is a struct of static functions on its vector type Vec of kLanes
// bytes: splat(byte), load(bytes) and store(bytes, v) unaligned, keys(v,
// flip) = v XOR flip, max(a, b) on signed bytes, largest(v) its largest
// signed byte.

// Every output folds whole runs of the innermost (contiguous) reduced
// dimension: vectors along each run, the run's tail one byte at a time.
template <typename Simd>
void reduce_runs(const ReduceParams& p, const uint8_t* in, uint8_t* out, size_t begin,
                 size_t end) {
  const size_t run = static_cast<size_t>(p.reduced_dims[p.reduced_rank - 1]);
  ReduceGeometry runs = p;  // the reduced dimensions but the innermost
  runs.reduced_rank -= 1;
  runs.count = p.count / static_cast<int32_t>(run);
  const uint8_t flip = reduce_key_flip(p);
  const typename Simd::Vec flips = Simd::splat(flip);
  for (size_t o = begin; o < end; ++o) {
    typename Simd::Vec best = Simd::splat(kLowestKey);
    int8_t tail = static_cast<int8_t>(kLowestKey);
    for_each_reduced(runs, reduce_output_base(p, o), [&](size_t at) {
      const uint8_t* x = in + at;
      size_t i = 0;
      for (; i + Simd::kLanes <= run; i += Simd::kLanes) {
        best = Simd::max(best, Simd::keys(Simd::load(x + i), flips));
      }
      for (; i < run; ++i) tail = max_key(tail, static_cast<int8_t>(x[i] ^ flip));
    });
    out[o] = static_cast<uint8_t>(max_key(Simd::largest(best), tail)) ^ flip;
  }
}

// The innermost kept dimension is contiguous: kLanes neighbouring outputs
// fold one vector per reduced position; a run's last outputs that fill no
// vector are the reference's.
template <typename Simd>
void reduce_across_outputs(const ReduceParams& p, const uint8_t* in, uint8_t* out, size_t begin,
                           size_t end) {
  const size_t run = static_cast<size_t>(p.kept_dims[p.kept_rank - 1]);
  const typename Simd::Vec flips = Simd::splat(reduce_key_flip(p));
  size_t o = begin;
  while (o < end) {
    const size_t left_in_run = run - o % run;
    const size_t width = left_in_run < end - o ? left_in_run : end - o;
    if (width < Simd::kLanes) {
      reduce__reference(p, in, out, o, o + width);
      o += width;
      continue;
    }
    typename Simd::Vec best = Simd::splat(kLowestKey);
    for_each_reduced(p, reduce_output_base(p, o), [&](size_t at) {
      best = Simd::max(best, Simd::keys(Simd::load(in + at), flips));
    });
    Simd::store(out + o, Simd::keys(best, flips));
    o += Simd::kLanes;
  }
}

// A SIMD variant's kernel: the byte cases above, every other one the
// reference's.
template <typename Simd>
void reduce_simd(const ReduceParams& p, const void* input, void* output, size_t begin,
                 size_t end) {
  const auto* in = static_cast<const uint8_t*>(input);
  auto* out = static_cast<uint8_t*>(output);
  if (reduce_takes_bytes(p) && p.reduced_rank > 0 &&
      p.reduced_strides[p.reduced_rank - 1] == 1) {
    reduce_runs<Simd>(p, in, out, begin, end);
  } else if (reduce_takes_bytes(p) && p.kept_rank > 0 && p.kept_strides[p.kept_rank - 1] == 1) {
    reduce_across_outputs<Simd>(p, in, out, begin, end);
  } else {
    reduce__reference(p, input, output, begin, end);
  }
}

}  // namespace ref
}  // namespace lowbit
