#include "kernels/reference/arg_reduce.h"

#include <functional>

namespace lowbit {
namespace ref {
namespace {

// One outer slice [axis_size, inner] -> [inner].
template <typename T, typename Index, typename Beats>
void reduce_slice(const T* in, Index* out, size_t axis_size, size_t inner, Beats beats) {
  if (inner == 1) {
    // The reduced axis is innermost (DeepLab's 21 classes per pixel): a
    // running best in registers, updated by selects rather than branches
    // (which of the 21 wins is unpredictable).
    T best = in[0];
    Index best_index = 0;
    for (size_t i = 1; i < axis_size; ++i) {
      const T value = in[i];
      const bool better = beats(value, best);
      best = better ? value : best;
      best_index = better ? static_cast<Index>(i) : best_index;
    }
    *out = best_index;
    return;
  }
  // Otherwise sweep the slice row by row so reads stay sequential; the best
  // value so far is re-read through its index instead of kept in scratch.
  for (size_t j = 0; j < inner; ++j) out[j] = 0;
  for (size_t i = 1; i < axis_size; ++i) {
    const T* row = in + i * inner;
    for (size_t j = 0; j < inner; ++j) {
      if (beats(row[j], in[static_cast<size_t>(out[j]) * inner + j])) out[j] = static_cast<Index>(i);
    }
  }
}

template <typename T, typename Index, typename Beats>
void reduce_range(const ArgReduceParams& p, const void* input, void* output, size_t begin,
                  size_t end) {
  const T* in = static_cast<const T*>(input);
  Index* out = static_cast<Index*>(output);
  const size_t slice = p.axis_size * p.inner;
  for (size_t o = begin; o < end; ++o) {
    reduce_slice(in + o * slice, out + o * p.inner, p.axis_size, p.inner, Beats());
  }
}

template <typename T, typename Index>
void reduce_range_for_kind(const ArgReduceParams& p, const void* input, void* output,
                           size_t begin, size_t end) {
  if (p.minimum) {
    reduce_range<T, Index, std::less<T>>(p, input, output, begin, end);
  } else {
    reduce_range<T, Index, std::greater<T>>(p, input, output, begin, end);
  }
}

template <typename T>
void reduce_range_for_output(const ArgReduceParams& p, const void* input, void* output,
                             size_t begin, size_t end) {
  if (p.output == DType::kInt64) {
    reduce_range_for_kind<T, int64_t>(p, input, output, begin, end);
  } else {
    reduce_range_for_kind<T, int32_t>(p, input, output, begin, end);
  }
}

}  // namespace

void arg_reduce__reference(const ArgReduceParams& p, const void* input, void* output,
                           size_t outer_begin, size_t outer_end) {
  switch (p.input) {
    case DType::kFloat32:
      return reduce_range_for_output<float>(p, input, output, outer_begin, outer_end);
    case DType::kInt8:
      return reduce_range_for_output<int8_t>(p, input, output, outer_begin, outer_end);
    case DType::kUInt8:
      return reduce_range_for_output<uint8_t>(p, input, output, outer_begin, outer_end);
    case DType::kInt32:
      return reduce_range_for_output<int32_t>(p, input, output, outer_begin, outer_end);
    default:
      return;  // validation admits no other dtype
  }
}

}  // namespace ref
}  // namespace lowbit
