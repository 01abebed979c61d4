#include "kernels/reference/reduce.h"

#include <limits>
#include <type_traits>

namespace lowbit {
namespace ref {
namespace {

// Addition that wraps in T's width (TFLite adds in T; signed overflow there
// is what two's complement hardware does, here it is defined).
template <typename T>
T wrapping_add(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
  } else {
    return a + b;
  }
}

// TFLite's MEAN sum type: float for float, int64 for int32/int64, int32 for 8-bit.
template <typename T>
using MeanSum = std::conditional_t<std::is_floating_point_v<T>, float,
                                   std::conditional_t<(sizeof(T) >= 4), int64_t, int32_t>>;

template <typename T>
void reduce(const ReduceParams& p, const T* input, T* output, size_t begin, size_t end) {
  for (size_t o = begin; o < end; ++o) {
    const size_t base = reduce_output_base(p, o);
    if (p.kind == ReduceKind::kMean) {
      MeanSum<T> sum = 0;
      for_each_reduced(p, base, [&](size_t i) { sum = wrapping_add(sum, MeanSum<T>(input[i])); });
      output[o] = static_cast<T>(sum / static_cast<MeanSum<T>>(p.count));
      continue;
    }
    T acc = p.kind == ReduceKind::kSum   ? T(0)
            : p.kind == ReduceKind::kMax ? std::numeric_limits<T>::lowest()
                                         : std::numeric_limits<T>::max();
    bool first = p.start_with_first;
    for_each_reduced(p, base, [&](size_t i) {
      const T in = input[i];
      if (first) {
        acc = in;
        first = false;
      } else if (p.kind == ReduceKind::kSum) {
        acc = wrapping_add(acc, in);
      } else if (p.kind == ReduceKind::kMax) {
        acc = in > acc ? in : acc;
      } else {
        acc = in < acc ? in : acc;
      }
    });
    output[o] = acc;
  }
}

template <typename T>
void typed(const ReduceParams& p, const void* input, void* output, size_t begin, size_t end) {
  reduce(p, static_cast<const T*>(input), static_cast<T*>(output), begin, end);
}

}  // namespace

void reduce__reference(const ReduceParams& p, const void* input, void* output, size_t begin,
                       size_t end) {
  switch (p.dtype) {
    case DType::kInt8: return typed<int8_t>(p, input, output, begin, end);
    case DType::kUInt8: return typed<uint8_t>(p, input, output, begin, end);
    case DType::kInt32: return typed<int32_t>(p, input, output, begin, end);
    case DType::kInt64: return typed<int64_t>(p, input, output, begin, end);
    default: return typed<float>(p, input, output, begin, end);
  }
}

}  // namespace ref
}  // namespace lowbit
