// Packing for the fan-out depthwise row kernels (kernels/qs8_dwconv.h): one
// input channel spread over every output channel.
#include <cstring>

#include "kernels/qs8_dwconv.h"
#include "kernels/reference/wrapping_int32.h"

namespace lowbit {

namespace {

constexpr size_t kLanes = 16;

size_t vectors(size_t channels) { return channels <= kLanes ? 1 : channels / kLanes; }
size_t row_groups(int kernel) { return (size_t(kernel) + 3) / 4; }
size_t vector_bytes(int kernel) {
  return kLanes * sizeof(int32_t) + size_t(kernel) * row_groups(kernel) * kLanes * 4;
}

}  // namespace

Qs8DwconvRowFn qs8_dwconv_fanout_kernel(const Qs8DwconvKernel& kernel, int kernel_h,
                                        int kernel_w, int stride_w, int dilation_h,
                                        int dilation_w) {
  if (kernel_h != kernel_w || dilation_h != 1 || dilation_w != 1) return nullptr;
  if (kernel_h == 3) {
    return stride_w == 1 ? kernel.fanout_3x3s1 : stride_w == 2 ? kernel.fanout_3x3s2 : nullptr;
  }
  if (kernel_h == 5) {
    return stride_w == 1 ? kernel.fanout_5x5s1 : stride_w == 2 ? kernel.fanout_5x5s2 : nullptr;
  }
  return nullptr;
}

size_t qs8_dwconv_fanout_packed_bytes(size_t channels, int kernel) {
  return vectors(channels) * vector_bytes(kernel);
}

void qs8_dwconv_pack_fanout(size_t channels, int kernel, const int8_t* weights,
                            const int32_t* bias, int32_t input_zero_point, void* packed) {
  const size_t taps = size_t(kernel) * kernel, groups = row_groups(kernel);
  auto* out = static_cast<uint8_t*>(packed);
  std::memset(out, 0, qs8_dwconv_fanout_packed_bytes(channels, kernel));
  for (size_t v = 0; v < vectors(channels); ++v, out += vector_bytes(kernel)) {
    for (size_t lane = 0; lane < kLanes; ++lane) {
      const size_t c = channels <= kLanes ? lane % channels : v * kLanes + lane;
      int32_t sum_w = 0;
      for (size_t t = 0; t < taps; ++t) sum_w = wrapping_add(sum_w, weights[t * channels + c]);
      const int32_t value =
          wrapping_add(bias ? bias[c] : 0, wrapping_mul(-(input_zero_point + 128), sum_w));
      std::memcpy(out + lane * sizeof(int32_t), &value, sizeof(value));
      for (int kx = 0; kx < kernel; ++kx) {
        for (size_t g = 0; g < groups; ++g) {
          int8_t* dst = reinterpret_cast<int8_t*>(out + kLanes * sizeof(int32_t) +
                                                  ((size_t(kx) * groups + g) * kLanes + lane) * 4);
          for (size_t b = 0; b < 4; ++b) {
            const size_t ky = 4 * g + b;
            if (ky < size_t(kernel)) dst[b] = weights[(ky * kernel + kx) * channels + c];
          }
        }
      }
    }
  }
}

}  // namespace lowbit
