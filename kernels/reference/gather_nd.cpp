#include "kernels/reference/gather_nd.h"

#include <cstring>

namespace lowbit {
namespace ref {

int64_t gather_nd__reference(const GatherNdParams& p, const void* values, const void* indices,
                             void* output) {
  const int64_t count = p.num_tuples * p.depth;
  auto index = [&](int64_t i) -> int64_t {
    return p.indices_int64 ? static_cast<const int64_t*>(indices)[i]
                           : static_cast<const int32_t*>(indices)[i];
  };
  for (int64_t i = 0; i < count; ++i) {
    const int64_t v = index(i);
    if (v < 0 || v >= p.dims[i % p.depth]) return i;
  }
  const size_t slice_bytes = static_cast<size_t>(p.slice_elements) * p.element_size;
  const auto* in = static_cast<const unsigned char*>(values);
  auto* out = static_cast<unsigned char*>(output);
  for (int64_t t = 0; t < p.num_tuples; ++t) {
    int64_t offset = 0;
    for (int d = 0; d < p.depth; ++d) offset += index(t * p.depth + d) * p.strides[d];
    if (slice_bytes > 0) {
      std::memcpy(out + t * slice_bytes, in + static_cast<size_t>(offset) * p.element_size,
                  slice_bytes);
    }
  }
  return -1;
}

}  // namespace ref
}  // namespace lowbit
