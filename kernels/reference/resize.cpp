#include "kernels/reference/resize.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace lowbit {
namespace ref {
namespace {

// TFLite's float formula over whole pixels (bilinear_pixel_float).
template <typename T>
void bilinear_float(const ResizeParams& p, const T* input, T* output, size_t row_begin,
                    size_t row_end, float rounding) {
  const size_t c = static_cast<size_t>(p.channels);
  auto pixel = [c, rounding](T* out, const T* tl, const T* bl, const T* tr, const T* br,
                             const FloatSample& sy, const FloatSample& sx) {
    bilinear_pixel_float(out, tl, bl, tr, br, sy, sx, 0, c, rounding);
  };
  bilinear_rows(p, input, output, row_begin, row_end, resize_scale_float, resize_sample_float,
                pixel);
}

// TFLite's nearest source index: floor of the scaled position, or rounded
// half away from zero under align_corners; clamped to the input.
int32_t nearest_index(int i, int input_size, int output_size, bool align_corners,
                      bool half_pixel_centers) {
  const float scale = resize_scale_float(input_size, output_size, align_corners);
  const float offset = half_pixel_centers ? 0.5f : 0.0f;
  const float position = (static_cast<float>(i) + offset) * scale;
  const int32_t index = static_cast<int32_t>(align_corners ? std::round(position)
                                                           : std::floor(position));
  const int32_t clamped = std::min<int32_t>(index, input_size - 1);
  return half_pixel_centers ? std::max(clamped, int32_t{0}) : clamped;
}

}  // namespace

// Input pixels per output pixel along one axis. align_corners maps the corner
// pixel centres onto each other (needs more than one output pixel).
float resize_scale_float(int input_size, int output_size, bool align_corners) {
  if (align_corners && output_size > 1) {
    return static_cast<float>(input_size - 1) / static_cast<float>(output_size - 1);
  }
  return static_cast<float>(input_size) / static_cast<float>(output_size);
}

// With half_pixel_centers the position may be negative (< 0.5 px); the
// weights then extrapolate from the edge pixel onto itself.
FloatSample resize_sample_float(int out_index, float scale, bool half_pixel_centers,
                                int input_size) {
  FloatSample s;
  const float value = static_cast<float>(out_index);
  s.position = half_pixel_centers ? (value + 0.5f) * scale - 0.5f : value * scale;
  s.lower = std::max(static_cast<int32_t>(std::floor(s.position)), int32_t{0});
  s.upper = std::min<int32_t>(static_cast<int32_t>(std::ceil(s.position)), input_size - 1);
  return s;
}

int32_t resize_scale_10bit(int input_size, int output_size, bool align_corners) {
  if (align_corners && output_size > 1) {
    return ((1 << 10) * (input_size - 1) + (output_size - 1) / 2) / (output_size - 1);
  }
  return ((1 << 10) * input_size + output_size / 2) / output_size;
}

// Integer division truncates toward zero, as TFLite's does: a negative
// half-pixel position gets lower 0 and upper 0 (not -1).
FixedPointSample resize_sample_10bit(int out_index, int32_t scale_10, bool half_pixel_centers,
                                     int input_size) {
  FixedPointSample s;
  s.position = half_pixel_centers ? out_index * scale_10 + scale_10 / 2 - (1 << 9)
                                  : out_index * scale_10;
  s.lower = std::max(s.position / (1 << 10), int32_t{0});
  s.upper = std::min<int32_t>((s.position + (1 << 10) - 1) / (1 << 10), input_size - 1);
  return s;
}

void f32_resize_bilinear__reference(const ResizeParams& p, const float* input, float* output,
                                    size_t row_begin, size_t row_end) {
  bilinear_float(p, input, output, row_begin, row_end, 0.0f);
}

void qu8_resize_bilinear__reference(const ResizeParams& p, const uint8_t* input,
                                    uint8_t* output, size_t row_begin, size_t row_end) {
  bilinear_float(p, input, output, row_begin, row_end, 0.5f);
}

void qs8_resize_bilinear__reference(const ResizeParams& p, const int8_t* input, int8_t* output,
                                    size_t row_begin, size_t row_end) {
  const size_t c = static_cast<size_t>(p.channels);
  auto pixel = [c](int8_t* out, const int8_t* tl, const int8_t* bl, const int8_t* tr,
                   const int8_t* br, const FixedPointSample& sy, const FixedPointSample& sx) {
    bilinear_pixel_10bit(out, tl, bl, tr, br, sy, sx, 0, c);
  };
  bilinear_rows(p, input, output, row_begin, row_end, resize_scale_10bit, resize_sample_10bit,
                pixel);
}

void copy_resize_nearest__reference(const ResizeParams& p, const void* input, void* output,
                                    size_t row_begin, size_t row_end) {
  const size_t pixel = static_cast<size_t>(p.channels) * p.element_size;
  const size_t in_row = static_cast<size_t>(p.input_width) * pixel;
  const auto* in = static_cast<const uint8_t*>(input);
  auto* out = static_cast<uint8_t*>(output);
  for (size_t row = row_begin; row < row_end; ++row) {
    const size_t batch = row / static_cast<size_t>(p.output_height);
    const int y = static_cast<int>(row % static_cast<size_t>(p.output_height));
    const int32_t iy = nearest_index(y, p.input_height, p.output_height, p.align_corners,
                                     p.half_pixel_centers);
    const uint8_t* source = in + (batch * static_cast<size_t>(p.input_height) + iy) * in_row;
    uint8_t* target = out + row * static_cast<size_t>(p.output_width) * pixel;
    for (int x = 0; x < p.output_width; ++x) {
      const int32_t ix = nearest_index(x, p.input_width, p.output_width, p.align_corners,
                                       p.half_pixel_centers);
      std::memcpy(target + static_cast<size_t>(x) * pixel, source + ix * pixel, pixel);
    }
  }
}

}  // namespace ref
}  // namespace lowbit
