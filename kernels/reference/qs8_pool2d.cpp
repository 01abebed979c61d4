#include "kernels/reference/qs8_pool2d.h"

#include <algorithm>

namespace lowbit {
namespace ref {
namespace {

struct Window {
  int32_t y_begin, y_end, x_begin, x_end;
};

Window clipped_window(const PoolParams& p, int32_t oy, int32_t ox) {
  const int32_t y0 = oy * p.stride_h - p.pad_top;
  const int32_t x0 = ox * p.stride_w - p.pad_left;
  return {std::max(y0, 0), std::min(y0 + p.filter_h, p.input_h), std::max(x0, 0),
          std::min(x0 + p.filter_w, p.input_w)};
}

// Calls reduce(image_pixel_pointer, window, out_pixel_pointer) for each output pixel.
template <typename T, typename Reduce>
void for_each_output(const PoolParams& p, const T* input, T* output, size_t row_begin,
                     size_t row_end, Reduce reduce) {
  for (size_t row = row_begin; row < row_end; ++row) {
    const int32_t b = static_cast<int32_t>(row / p.output_h);
    const int32_t oy = static_cast<int32_t>(row % p.output_h);
    const T* image = input + size_t(b) * p.input_h * p.input_w * p.channels;
    T* out_row = output + row * size_t(p.output_w) * p.channels;
    for (int32_t ox = 0; ox < p.output_w; ++ox) {
      reduce(image, clipped_window(p, oy, ox), out_row + size_t(ox) * p.channels);
    }
  }
}

int32_t clamp(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

template <typename T>
void average_pool(const PoolParams& p, const T* input, T* output, size_t row_begin,
                  size_t row_end) {
  for_each_output(p, input, output, row_begin, row_end,
                  [&p](const T* image, const Window& w, T* out) {
                    const int32_t count = (w.y_end - w.y_begin) * (w.x_end - w.x_begin);
                    for (int32_t c = 0; c < p.channels; ++c) {
                      int32_t sum = 0;
                      for (int32_t y = w.y_begin; y < w.y_end; ++y) {
                        for (int32_t x = w.x_begin; x < w.x_end; ++x) {
                          sum += image[(size_t(y) * p.input_w + x) * p.channels + c];
                        }
                      }
                      int32_t avg = 0;
                      if (count > 0) {
                        avg = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
                      }
                      out[c] = static_cast<T>(clamp(avg, p.act_min, p.act_max));
                    }
                  });
}

template <typename T>
void max_pool(const PoolParams& p, const T* input, T* output, size_t row_begin, size_t row_end) {
  for_each_output(p, input, output, row_begin, row_end,
                  [&p](const T* image, const Window& w, T* out) {
                    for (int32_t c = 0; c < p.channels; ++c) {
                      int32_t best = p.act_min;  // the clamp's lower bound starts the search
                      for (int32_t y = w.y_begin; y < w.y_end; ++y) {
                        for (int32_t x = w.x_begin; x < w.x_end; ++x) {
                          best = std::max<int32_t>(
                              best, image[(size_t(y) * p.input_w + x) * p.channels + c]);
                        }
                      }
                      out[c] = static_cast<T>(std::min(best, p.act_max));
                    }
                  });
}

}  // namespace

void qs8_average_pool2d__reference(const PoolParams& p, const int8_t* input, int8_t* output,
                                   size_t row_begin, size_t row_end) {
  average_pool(p, input, output, row_begin, row_end);
}
void qu8_average_pool2d__reference(const PoolParams& p, const uint8_t* input, uint8_t* output,
                                   size_t row_begin, size_t row_end) {
  average_pool(p, input, output, row_begin, row_end);
}
void qs8_max_pool2d__reference(const PoolParams& p, const int8_t* input, int8_t* output,
                               size_t row_begin, size_t row_end) {
  max_pool(p, input, output, row_begin, row_end);
}
void qu8_max_pool2d__reference(const PoolParams& p, const uint8_t* input, uint8_t* output,
                               size_t row_begin, size_t row_end) {
  max_pool(p, input, output, row_begin, row_end);
}

}  // namespace ref
}  // namespace lowbit
