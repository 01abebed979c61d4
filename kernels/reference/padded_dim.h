// Output size and padding of one spatial dimension of a sliding window
// (CONV_2D, DEPTHWISE_CONV_2D, the pools), TFLite's SAME / VALID rules. One
// definition for the hosted operators (src/ops/op_util.cpp) and the
// firmware's (src/micro/ops/).
#pragma once

#include <cstdint>

namespace lowbit {
namespace ref {

struct WindowDim {
  int32_t out = 0;
  int32_t pad_before = 0;
  int32_t pad_after = 0;
};

enum class WindowError {
  kNone,
  kBadParameters,       // kernel, stride or dilation below 1
  kExtentOverflow,      // (kernel - 1) * dilation + 1 beyond 2^30
  kExtentExceedsInput,  // VALID padding with the dilated kernel larger than the input
};

// The dilated kernel's extent, (kernel - 1) * dilation + 1.
inline int64_t dilated_extent(int32_t kernel, int32_t dilation) {
  return int64_t(kernel - 1) * dilation + 1;
}

inline WindowError window_dim(int32_t in, int32_t kernel, int32_t stride, int32_t dilation,
                              bool same_padding, WindowDim* out) {
  if (kernel < 1 || stride < 1 || dilation < 1) return WindowError::kBadParameters;
  const int64_t effective = dilated_extent(kernel, dilation);
  if (effective > (int64_t{1} << 30)) return WindowError::kExtentOverflow;
  if (same_padding) {
    const int64_t o = (int64_t(in) + stride - 1) / stride;
    const int64_t needed = (o - 1) * stride + effective - in;
    const int64_t total = needed > 0 ? needed : 0;
    out->out = static_cast<int32_t>(o);
    out->pad_before = static_cast<int32_t>(total / 2);
    out->pad_after = static_cast<int32_t>(total - total / 2);
    return WindowError::kNone;
  }
  if (effective > in) return WindowError::kExtentExceedsInput;
  out->out = static_cast<int32_t>((in - effective) / stride + 1);
  out->pad_before = out->pad_after = 0;
  return WindowError::kNone;
}

}  // namespace ref
}  // namespace lowbit
