#include "kernels/reference/f32_conv.h"

#include <algorithm>

namespace lowbit {
namespace ref {
namespace {

float clamp_output(float value, float lo, float hi) { return std::min(std::max(value, lo), hi); }

// The weight of output channel `oc` at tap (ky, kx) for input channel `i` of
// its group, in either layout.
struct OhwiWeights {
  const float* w;
  const F32ConvParams& p;
  float at(int32_t oc, int32_t ky, int32_t kx, int32_t i) const {
    return w[((int64_t(oc) * p.kernel_h + ky) * p.kernel_w + kx) * p.group_in + i];
  }
};
struct DepthwiseWeights {
  const float* w;
  const F32ConvParams& p;
  float at(int32_t oc, int32_t ky, int32_t kx, int32_t /*i*/) const {
    return w[(int64_t(ky) * p.kernel_w + kx) * p.out_channels() + oc];
  }
};

template <typename Weights>
void grouped_conv(const F32ConvParams& p, const float* input, Weights weights, const float* bias,
                  float* output) {
  const int32_t out_c = p.out_channels();
  for (int32_t b = 0; b < p.batch; ++b) {
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        float* out = output + ((int64_t(b) * p.out_h + oy) * p.out_w + ox) * out_c;
        for (int32_t oc = 0; oc < out_c; ++oc) {
          const int32_t first_in = (oc / p.group_out) * p.group_in;
          float sum = 0.0f;
          for (int32_t ky = 0; ky < p.kernel_h; ++ky) {
            // int64: strides and dilations of any int32 value stay defined.
            const int64_t iy = int64_t(oy) * p.stride_h - p.pad_top + int64_t(ky) * p.dilation_h;
            if (iy < 0 || iy >= p.in_h) continue;
            for (int32_t kx = 0; kx < p.kernel_w; ++kx) {
              const int64_t ix =
                  int64_t(ox) * p.stride_w - p.pad_left + int64_t(kx) * p.dilation_w;
              if (ix < 0 || ix >= p.in_w) continue;
              const float* in =
                  input + ((int64_t(b) * p.in_h + iy) * p.in_w + ix) * p.in_channels + first_in;
              for (int32_t i = 0; i < p.group_in; ++i) sum += in[i] * weights.at(oc, ky, kx, i);
            }
          }
          if (bias != nullptr) sum += bias[oc];
          out[oc] = clamp_output(sum, p.out_min, p.out_max);
        }
      }
    }
  }
}

}  // namespace

void f32_conv2d__reference(const F32ConvParams& p, const float* input, const float* weights,
                           const float* bias, float* output) {
  grouped_conv(p, input, OhwiWeights{weights, p}, bias, output);
}

void f32_dwconv2d__reference(const F32ConvParams& p, const float* input, const float* weights,
                             const float* bias, float* output) {
  grouped_conv(p, input, DepthwiseWeights{weights, p}, bias, output);
}

void f32_gemm__reference(const F32GemmParams& p, const float* a, const float* w,
                         const float* bias, float* c) {
  for (size_t i = 0; i < p.m; ++i) {
    const float* row = a + i * p.a_stride;
    for (size_t j = 0; j < p.n; ++j) {
      const float* weights = w + j * p.k;
      float sum = 0.0f;
      for (size_t d = 0; d < p.k; ++d) sum += row[d] * weights[d];
      if (bias != nullptr) sum += bias[j];
      c[i * p.c_stride + j] = clamp_output(sum, p.out_min, p.out_max);
    }
  }
}

void f32_im2col_row(const F32ConvParams& p, const float* input, int32_t b, int32_t oy,
                    float* patches) {
  const size_t channels = size_t(p.in_channels);
  for (int32_t ox = 0; ox < p.out_w; ++ox) {
    for (int32_t ky = 0; ky < p.kernel_h; ++ky) {
      const int64_t iy = int64_t(oy) * p.stride_h - p.pad_top + int64_t(ky) * p.dilation_h;
      for (int32_t kx = 0; kx < p.kernel_w; ++kx) {
        const int64_t ix = int64_t(ox) * p.stride_w - p.pad_left + int64_t(kx) * p.dilation_w;
        if (iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w) {
          std::fill(patches, patches + channels, 0.0f);
        } else {
          std::copy_n(input + ((int64_t(b) * p.in_h + iy) * p.in_w + ix) * p.in_channels,
                      channels, patches);
        }
        patches += channels;
      }
    }
  }
}

}  // namespace ref
}  // namespace lowbit
