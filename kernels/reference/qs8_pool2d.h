// Reference average and max pooling on quantized NHWC activations. Input and
// output share scale and zero point, so pooling works on the raw values.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace ref {

struct PoolParams {
  int32_t batch = 0, input_h = 0, input_w = 0, channels = 0;
  int32_t output_h = 0, output_w = 0;
  int32_t filter_h = 1, filter_w = 1;
  int32_t stride_h = 1, stride_w = 1;
  int32_t pad_top = 0, pad_left = 0;
  int32_t act_min = -128, act_max = 127;
};

// Compute output rows [row_begin, row_end) of the batch * output_h rows. The
// window is clipped to the image. Average: sum / count of the valid taps,
// rounded half away from zero.
using Qs8Pool2dFn = void (*)(const PoolParams& p, const int8_t* input, int8_t* output,
                             size_t row_begin, size_t row_end);
using Qu8Pool2dFn = void (*)(const PoolParams& p, const uint8_t* input, uint8_t* output,
                             size_t row_begin, size_t row_end);

void qs8_average_pool2d__reference(const PoolParams& p, const int8_t* input, int8_t* output,
                                   size_t row_begin, size_t row_end);
void qu8_average_pool2d__reference(const PoolParams& p, const uint8_t* input, uint8_t* output,
                                   size_t row_begin, size_t row_end);
void qs8_max_pool2d__reference(const PoolParams& p, const int8_t* input, int8_t* output,
                               size_t row_begin, size_t row_end);
void qu8_max_pool2d__reference(const PoolParams& p, const uint8_t* input, uint8_t* output,
                               size_t row_begin, size_t row_end);

}  // namespace ref
}  // namespace lowbit
