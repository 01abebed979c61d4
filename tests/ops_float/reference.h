// Straightforward double-precision loop nests: the float operators' definition
// for these tests. Each returns the values and, where sums are involved, the
// sum of |terms| behind each value (the scale of legitimate rounding error).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace lowbit {
namespace testing {

struct Expected {
  std::vector<double> values;
  std::vector<double> magnitude;
};

// One spatial dimension under TFLite padding rules, computed here
// independently of the runtime's helper.
struct Dim {
  int out = 0, pad_before = 0;
};
inline Dim padded_dim(int in, int kernel, int stride, int dilation, bool same) {
  const int effective = (kernel - 1) * dilation + 1;
  Dim d;
  if (same) {
    d.out = (in + stride - 1) / stride;
    const int total = std::max(0, (d.out - 1) * stride + effective - in);
    d.pad_before = total / 2;
  } else {
    d.out = (in - effective) / stride + 1;
  }
  return d;
}

inline double clamp(double v, double lo, double hi) { return std::min(std::max(v, lo), hi); }

struct ConvParams {
  int batch = 1, in_h = 1, in_w = 1, in_c = 1;
  int kernel_h = 1, kernel_w = 1, out_c = 1;
  int stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int groups = 1;           // conv: in_c / filter_in_c
  int depth_multiplier = 0; // > 0 selects depthwise (filter 1 x KH x KW x in_c*M)
  bool same = false;
  double act_min = -std::numeric_limits<double>::infinity();
  double act_max = std::numeric_limits<double>::infinity();
};

// Taps outside the image contribute nothing.
inline Expected conv_reference(const ConvParams& p, const std::vector<float>& input,
                               const std::vector<float>& filter, const std::vector<float>& bias) {
  const Dim dh = padded_dim(p.in_h, p.kernel_h, p.stride_h, p.dilation_h, p.same);
  const Dim dw = padded_dim(p.in_w, p.kernel_w, p.stride_w, p.dilation_w, p.same);
  const bool depthwise = p.depth_multiplier > 0;
  const int out_c = depthwise ? p.in_c * p.depth_multiplier : p.out_c;
  const int group_in = depthwise ? 1 : p.in_c / p.groups;
  const int group_out = depthwise ? p.depth_multiplier : p.out_c / p.groups;
  Expected e;
  for (int n = 0; n < p.batch; ++n)
    for (int oy = 0; oy < dh.out; ++oy)
      for (int ox = 0; ox < dw.out; ++ox)
        for (int oc = 0; oc < out_c; ++oc) {
          const int g = oc / group_out;
          double sum = bias.empty() ? 0.0 : bias[oc];
          double mag = std::fabs(sum);
          for (int ky = 0; ky < p.kernel_h; ++ky)
            for (int kx = 0; kx < p.kernel_w; ++kx) {
              const int iy = oy * p.stride_h - dh.pad_before + ky * p.dilation_h;
              const int ix = ox * p.stride_w - dw.pad_before + kx * p.dilation_w;
              if (iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w) continue;
              for (int ic = 0; ic < group_in; ++ic) {
                const int in_channel = g * group_in + ic;
                const size_t pixel = (size_t(n) * p.in_h + iy) * p.in_w + ix;
                const double x = input[pixel * p.in_c + in_channel];
                const size_t tap = size_t(ky) * p.kernel_w + kx;
                const double w = depthwise ? filter[tap * out_c + oc]
                                           : filter[(size_t(oc) * p.kernel_h * p.kernel_w + tap) *
                                                        group_in + ic];
                sum += x * w;
                mag += std::fabs(x * w);
              }
            }
          e.values.push_back(clamp(sum, p.act_min, p.act_max));
          e.magnitude.push_back(mag);
        }
  return e;
}

// weights [out_c, depth], input flattened to [batch, depth].
inline Expected fully_connected_reference(const std::vector<float>& input,
                                          const std::vector<float>& weights,
                                          const std::vector<float>& bias, int depth, int out_c,
                                          double act_min, double act_max) {
  Expected e;
  const size_t batch = input.size() / depth;
  for (size_t b = 0; b < batch; ++b)
    for (int o = 0; o < out_c; ++o) {
      double sum = bias.empty() ? 0.0 : bias[o];
      double mag = std::fabs(sum);
      for (int k = 0; k < depth; ++k) {
        const double t = double(input[b * depth + k]) * weights[size_t(o) * depth + k];
        sum += t;
        mag += std::fabs(t);
      }
      e.values.push_back(clamp(sum, act_min, act_max));
      e.magnitude.push_back(mag);
    }
  return e;
}

struct PoolParams {
  int batch = 1, in_h = 1, in_w = 1, channels = 1;
  int filter_h = 1, filter_w = 1, stride_h = 1, stride_w = 1;
  bool same = false, is_max = false;
  double act_min = -std::numeric_limits<double>::infinity();
  double act_max = std::numeric_limits<double>::infinity();
};

// The window is clipped to the image: average divides by the taps inside.
inline Expected pool_reference(const PoolParams& p, const std::vector<float>& input) {
  const Dim dh = padded_dim(p.in_h, p.filter_h, p.stride_h, 1, p.same);
  const Dim dw = padded_dim(p.in_w, p.filter_w, p.stride_w, 1, p.same);
  Expected e;
  for (int n = 0; n < p.batch; ++n)
    for (int oy = 0; oy < dh.out; ++oy)
      for (int ox = 0; ox < dw.out; ++ox)
        for (int c = 0; c < p.channels; ++c) {
          double sum = 0, mag = 0, best = -std::numeric_limits<double>::infinity();
          int count = 0;
          for (int ky = 0; ky < p.filter_h; ++ky)
            for (int kx = 0; kx < p.filter_w; ++kx) {
              const int iy = oy * p.stride_h - dh.pad_before + ky;
              const int ix = ox * p.stride_w - dw.pad_before + kx;
              if (iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w) continue;
              const double x = input[((size_t(n) * p.in_h + iy) * p.in_w + ix) * p.channels + c];
              sum += x;
              mag += std::fabs(x);
              best = std::max(best, x);
              ++count;
            }
          e.values.push_back(clamp(p.is_max ? best : sum / count, p.act_min, p.act_max));
          e.magnitude.push_back(p.is_max ? 0.0 : mag / count);
        }
  return e;
}

// MEAN over the spatial axes of an NHWC input with `pixels` = H * W.
inline Expected spatial_mean_reference(const std::vector<float>& input, int batch, int pixels,
                                       int channels) {
  Expected e;
  for (int n = 0; n < batch; ++n)
    for (int c = 0; c < channels; ++c) {
      double sum = 0, mag = 0;
      for (int i = 0; i < pixels; ++i) {
        const double x = input[(size_t(n) * pixels + i) * channels + c];
        sum += x;
        mag += std::fabs(x);
      }
      e.values.push_back(sum / pixels);
      e.magnitude.push_back(mag / pixels);
    }
  return e;
}

// NumPy broadcasting of two shapes (right-aligned), element-wise op.
template <typename Op>
Expected broadcast_reference(const std::vector<int>& a_shape, const std::vector<float>& a,
                             const std::vector<int>& b_shape, const std::vector<float>& b,
                             Op op, double act_min, double act_max) {
  const size_t rank = std::max(a_shape.size(), b_shape.size());
  auto dim = [&](const std::vector<int>& s, size_t d) {
    const size_t offset = rank - s.size();
    return d < offset ? 1 : s[d - offset];
  };
  std::vector<int> out(rank);
  size_t total = 1;
  for (size_t d = 0; d < rank; ++d) {
    out[d] = std::max(dim(a_shape, d), dim(b_shape, d));
    total *= out[d];
  }
  Expected e;
  std::vector<int> index(rank, 0);
  for (size_t flat = 0; flat < total; ++flat) {
    size_t ia = 0, ib = 0;
    for (size_t d = 0; d < rank; ++d) {
      ia = ia * dim(a_shape, d) + (dim(a_shape, d) == 1 ? 0 : index[d]);
      ib = ib * dim(b_shape, d) + (dim(b_shape, d) == 1 ? 0 : index[d]);
    }
    const double r = op(double(a[ia]), double(b[ib]));
    e.values.push_back(clamp(r, act_min, act_max));
    e.magnitude.push_back(std::fabs(r));
    for (int d = int(rank) - 1; d >= 0; --d) {
      if (++index[d] < out[d]) break;
      index[d] = 0;
    }
  }
  return e;
}

// softmax(beta * x) along rows of `channels`.
inline Expected softmax_reference(const std::vector<float>& x, size_t channels, double beta) {
  Expected e;
  for (size_t row = 0; row < x.size() / channels; ++row) {
    double top = -std::numeric_limits<double>::infinity();
    for (size_t c = 0; c < channels; ++c) top = std::max(top, beta * x[row * channels + c]);
    double sum = 0;
    for (size_t c = 0; c < channels; ++c) sum += std::exp(beta * x[row * channels + c] - top);
    for (size_t c = 0; c < channels; ++c) {
      e.values.push_back(std::exp(beta * x[row * channels + c] - top) / sum);
      e.magnitude.push_back(1.0);
    }
  }
  return e;
}

}  // namespace testing
}  // namespace lowbit
