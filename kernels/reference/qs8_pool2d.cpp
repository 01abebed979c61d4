#include "kernels/reference/qs8_pool2d.h"

#include <algorithm>

namespace lowbit {
namespace ref {
namespace {

int32_t clamp(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

template <typename T>
void average_pool(const PoolParams& p, const T* input, T* output, size_t row_begin,
                  size_t row_end) {
  for_each_pool_output(p, input, output, row_begin, row_end,
                       [&p](const T* image, const PoolWindow& w, T* out) {
                         const int32_t count = w.count();
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
  for_each_pool_output(p, input, output, row_begin, row_end,
                       [&p](const T* image, const PoolWindow& w, T* out) {
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
