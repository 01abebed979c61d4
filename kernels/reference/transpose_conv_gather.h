// TRANSPOSE_CONV's gather (kernels/reference/transpose_conv.h): which input
// pixels and kernel taps reach each output pixel, shared by the reference
// and the SIMD output kernels so they walk the taps alike.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/reference/transpose_conv.h"

namespace lowbit {
namespace ref {

// The input positions first..last (ascending; empty when first > last) whose
// window reaches output position o along one dimension; input position i
// reaches it through kernel tap o + pad - i * stride.
struct TapRange {
  int32_t first, last;
};
inline TapRange taps_reaching(int32_t o, int32_t pad, int32_t kernel, int32_t stride, int32_t in) {
  const int32_t shifted = o + pad;  // >= 0: pads are never negative
  const int32_t beyond_kernel = shifted - kernel + 1;
  const int32_t first = beyond_kernel <= 0 ? 0 : (beyond_kernel + stride - 1) / stride;
  return {first, std::min(in - 1, shifted / stride)};
}

// Calls pixel(taps, out) for every output pixel of rows [row_begin, row_end)
// of batch * output_h, `out` its output_c values, where taps(tap) calls
// tap(pixel, ky, kx) for each input pixel (its index in the batch of images)
// whose window reaches the output pixel, in the scatter's order: input rows,
// then columns, ascending.
template <typename T, typename Pixel>
void gather_rows(const TransposeConvParams& p, T* output, size_t row_begin, size_t row_end,
                 Pixel&& pixel) {
  for (size_t row = row_begin; row < row_end; ++row) {
    const int32_t b = int32_t(row / p.output_h), oy = int32_t(row % p.output_h);
    const TapRange ry = taps_reaching(oy, p.pad_top, p.kernel_h, p.stride_h, p.input_h);
    for (int32_t ox = 0; ox < p.output_w; ++ox) {
      const TapRange rx = taps_reaching(ox, p.pad_left, p.kernel_w, p.stride_w, p.input_w);
      auto taps = [&](auto&& tap) {
        for (int32_t iy = ry.first; iy <= ry.last; ++iy) {
          const int32_t ky = oy + p.pad_top - iy * p.stride_h;
          for (int32_t ix = rx.first; ix <= rx.last; ++ix) {
            tap((size_t(b) * p.input_h + iy) * p.input_w + ix, ky,
                ox + p.pad_left - ix * p.stride_w);
          }
        }
      };
      pixel(taps, output + (row * p.output_w + ox) * p.output_c);
    }
  }
}

}  // namespace ref
}  // namespace lowbit
