// Spatial resampling of NHWC tensors, as TFLite's reference kernels define it:
// RESIZE_BILINEAR (float32 and uint8 interpolate in float, int8 in 10-bit fixed
// point) and RESIZE_NEAREST_NEIGHBOR (a gather of whole pixels, any dtype).
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace ref {

struct ResizeParams {
  int batches = 1, input_height = 1, input_width = 1, channels = 1;
  int output_height = 1, output_width = 1;
  bool align_corners = false;
  bool half_pixel_centers = false;
  size_t element_size = 1;  // nearest neighbour only
};

// Each writes output rows [row_begin, row_end) of batches * output_height.
using ResizeBilinearF32Fn = void (*)(const ResizeParams& p, const float* input, float* output,
                                     size_t row_begin, size_t row_end);
using ResizeBilinearU8Fn = void (*)(const ResizeParams& p, const uint8_t* input, uint8_t* output,
                                    size_t row_begin, size_t row_end);
using ResizeBilinearS8Fn = void (*)(const ResizeParams& p, const int8_t* input, int8_t* output,
                                    size_t row_begin, size_t row_end);
using ResizeNearestFn = void (*)(const ResizeParams& p, const void* input, void* output,
                                 size_t row_begin, size_t row_end);

void f32_resize_bilinear__reference(const ResizeParams& p, const float* input, float* output,
                                    size_t row_begin, size_t row_end);
// Float weights, the sum plus 0.5 truncated (TFLite's ResizeBilinear<uint8_t>).
void qu8_resize_bilinear__reference(const ResizeParams& p, const uint8_t* input,
                                    uint8_t* output, size_t row_begin, size_t row_end);
// Integer weights with 10 fractional bits, the 20-bit product rounded half
// away from zero (TFLite's ResizeBilinearInteger).
void qs8_resize_bilinear__reference(const ResizeParams& p, const int8_t* input, int8_t* output,
                                    size_t row_begin, size_t row_end);
void copy_resize_nearest__reference(const ResizeParams& p, const void* input, void* output,
                                    size_t row_begin, size_t row_end);

// Per-axis sampling, shared with SIMD variants so their coordinates cannot
// drift from the reference's. Float path (float32, uint8): source position in
// input pixels and its two neighbours, clamped to the input.
struct FloatSample {
  float position = 0.0f;
  int32_t lower = 0, upper = 0;
};
float resize_scale_float(int input_size, int output_size, bool align_corners);
FloatSample resize_sample_float(int out_index, float scale, bool half_pixel_centers,
                                int input_size);

// The int8 path's per-axis sampling: source position in 1/1024 units and the
// two neighbours it lies between.
struct FixedPointSample {
  int32_t position = 0;  // in units of 1/1024 input pixels
  int32_t lower = 0, upper = 0;
};
int32_t resize_scale_10bit(int input_size, int output_size, bool align_corners);
FixedPointSample resize_sample_10bit(int out_index, int32_t scale_10, bool half_pixel_centers,
                                     int input_size);

// One output pixel's channels [begin, end) from its four corners, as the
// reference computes them; SIMD variants finish pixels too narrow for a
// vector with these. Float path (float32, uint8): TFLite's formula in its
// order, each corner times its y weight times its x weight, summed left to
// right, plus `rounding` (0.5 for uint8 before truncation).
template <typename T>
void bilinear_pixel_float(T* out, const T* tl, const T* bl, const T* tr, const T* br,
                          const FloatSample& sy, const FloatSample& sx, size_t begin, size_t end,
                          float rounding) {
  const float dy = sy.position - static_cast<float>(sy.lower);
  const float dx = sx.position - static_cast<float>(sx.lower);
  for (size_t k = begin; k < end; ++k) {
    const float v = static_cast<float>(tl[k]) * (1 - dy) * (1 - dx) +
                    static_cast<float>(bl[k]) * dy * (1 - dx) +
                    static_cast<float>(tr[k]) * (1 - dy) * dx +
                    static_cast<float>(br[k]) * dy * dx + rounding;
    out[k] = static_cast<T>(v);
  }
}

// The int8 path: weights with 10 fractional bits per axis (they may exceed
// 1024, or go negative, at a half-pixel edge, as in TFLite), the 20-bit
// product rounded half away from zero.
inline void bilinear_pixel_10bit(int8_t* out, const int8_t* tl, const int8_t* bl,
                                 const int8_t* tr, const int8_t* br, const FixedPointSample& sy,
                                 const FixedPointSample& sx, size_t begin, size_t end) {
  constexpr int32_t kOne = 1 << 10;
  const int64_t wy1 = sy.position - kOne * sy.lower, wy0 = kOne - wy1;
  const int64_t wx1 = sx.position - kOne * sx.lower, wx0 = kOne - wx1;
  for (size_t k = begin; k < end; ++k) {
    const int64_t sum =
        tl[k] * wy0 * wx0 + bl[k] * wy1 * wx0 + tr[k] * wy0 * wx1 + br[k] * wy1 * wx1;
    const int64_t half = sum > 0 ? (1 << 19) : -(1 << 19);
    out[k] = static_cast<int8_t>((sum + half) / (1 << 20));
  }
}

// What SIMD variants share besides the row loop: the float path's weights
// (dy, dx and their complements ry = 1 - dy, rx = 1 - dx, as the reference
// forms them), and a pixel's channels in W-wide steps, the last step moved
// back to end at the last channel (overlapping the one before: recomputing a
// channel writes the same value). Needs channels >= W.
struct FloatWeights {
  float dy, ry, dx, rx;
};
inline FloatWeights float_weights(const FloatSample& sy, const FloatSample& sx) {
  const float dy = sy.position - static_cast<float>(sy.lower);
  const float dx = sx.position - static_cast<float>(sx.lower);
  return {dy, 1 - dy, dx, 1 - dx};
}
template <size_t W, typename Step>
void for_each_channel_step(size_t channels, Step step) {
  for (size_t k = 0; k < channels; k += W) step(k + W <= channels ? k : channels - W);
}

// The int8 path's four corner weights in 1/2^20 units (each axis's pair sums
// to 1024 with |weight| <= 2048, so with |value| <= 128 products and their
// sum fit int32), for SIMD variants.
struct CornerWeights {
  int32_t top_left, bottom_left, top_right, bottom_right;
};
inline CornerWeights corner_weights_10bit(const FixedPointSample& sy, const FixedPointSample& sx) {
  constexpr int32_t kOne = 1 << 10;
  const int32_t wy1 = sy.position - kOne * sy.lower, wy0 = kOne - wy1;
  const int32_t wx1 = sx.position - kOne * sx.lower, wx0 = kOne - wx1;
  return {wy0 * wx0, wy1 * wx0, wy0 * wx1, wy1 * wx1};
}

// The loop every bilinear variant shares: per axis a step scale(in, out,
// align_corners); per output row and column the two source rows/columns
// sample(index, step, half_pixel_centers, in); per output pixel
// pixel(out, top_left, bottom_left, top_right, bottom_right, y_sample,
// x_sample), each pointing at `channels` elements. Columns go in blocks whose
// samples are computed once for all rows (each output pixel is independent,
// so the order changes nothing).
template <typename T, typename Scale, typename Sample, typename Pixel>
void bilinear_rows(const ResizeParams& p, const T* input, T* output, size_t row_begin,
                   size_t row_end, Scale scale, Sample sample, Pixel pixel) {
  constexpr int kColumnBlock = 64;
  const auto height_step = scale(p.input_height, p.output_height, p.align_corners);
  const auto width_step = scale(p.input_width, p.output_width, p.align_corners);
  const size_t c = static_cast<size_t>(p.channels);
  const size_t in_row = static_cast<size_t>(p.input_width) * c;
  decltype(sample(0, width_step, false, 1)) columns[kColumnBlock];
  for (int x_begin = 0; x_begin < p.output_width; x_begin += kColumnBlock) {
    const int x_end = x_begin + kColumnBlock < p.output_width ? x_begin + kColumnBlock
                                                              : p.output_width;
    for (int x = x_begin; x < x_end; ++x) {
      columns[x - x_begin] = sample(x, width_step, p.half_pixel_centers, p.input_width);
    }
    for (size_t row = row_begin; row < row_end; ++row) {
      const size_t batch = row / static_cast<size_t>(p.output_height);
      const int y = static_cast<int>(row % static_cast<size_t>(p.output_height));
      const auto sy = sample(y, height_step, p.half_pixel_centers, p.input_height);
      const T* image = input + batch * static_cast<size_t>(p.input_height) * in_row;
      const T* top = image + static_cast<size_t>(sy.lower) * in_row;
      const T* bottom = image + static_cast<size_t>(sy.upper) * in_row;
      T* out = output + row * static_cast<size_t>(p.output_width) * c;
      for (int x = x_begin; x < x_end; ++x) {
        const auto& sx = columns[x - x_begin];
        const size_t left = static_cast<size_t>(sx.lower) * c;
        const size_t right = static_cast<size_t>(sx.upper) * c;
        pixel(out + static_cast<size_t>(x) * c, top + left, bottom + left, top + right,
              bottom + right, sy, sx);
      }
    }
  }
}

// A SIMD variant's kernels: pixels of at least W channels in W-wide steps,
// step(out + k, tl + k, bl + k, tr + k, br + k, weights) with the float
// path's FloatWeights (and `rounding`) or the int8 path's CornerWeights;
// narrower pixels through the reference's formula.
template <size_t W, typename T, typename Step>
void bilinear_float_simd(const ResizeParams& p, const T* input, T* output, size_t row_begin,
                         size_t row_end, float rounding, Step step) {
  const size_t c = static_cast<size_t>(p.channels);
  auto pixel = [&](T* out, const T* tl, const T* bl, const T* tr, const T* br,
                   const FloatSample& sy, const FloatSample& sx) {
    if (c < W) {
      bilinear_pixel_float(out, tl, bl, tr, br, sy, sx, 0, c, rounding);
      return;
    }
    const FloatWeights w = float_weights(sy, sx);
    for_each_channel_step<W>(c, [&](size_t k) { step(out + k, tl + k, bl + k, tr + k, br + k, w); });
  };
  bilinear_rows(p, input, output, row_begin, row_end, resize_scale_float, resize_sample_float,
                pixel);
}

template <size_t W, typename Step>
void bilinear_10bit_simd(const ResizeParams& p, const int8_t* input, int8_t* output,
                         size_t row_begin, size_t row_end, Step step) {
  const size_t c = static_cast<size_t>(p.channels);
  auto pixel = [&](int8_t* out, const int8_t* tl, const int8_t* bl, const int8_t* tr,
                   const int8_t* br, const FixedPointSample& sy, const FixedPointSample& sx) {
    if (c < W) {
      bilinear_pixel_10bit(out, tl, bl, tr, br, sy, sx, 0, c);
      return;
    }
    const CornerWeights w = corner_weights_10bit(sy, sx);
    for_each_channel_step<W>(c, [&](size_t k) { step(out + k, tl + k, bl + k, tr + k, br + k, w); });
  };
  bilinear_rows(p, input, output, row_begin, row_end, resize_scale_10bit, resize_sample_10bit,
                pixel);
}

}  // namespace ref
}  // namespace lowbit
