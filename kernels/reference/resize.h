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

// The int8 path's per-axis sampling: source position in 1/1024 units and the
// two neighbours it lies between. Shared with SIMD variants so their
// coordinates cannot drift from the reference's.
struct FixedPointSample {
  int32_t position = 0;  // in units of 1/1024 input pixels
  int32_t lower = 0, upper = 0;
};
int32_t resize_scale_10bit(int input_size, int output_size, bool align_corners);
FixedPointSample resize_sample_10bit(int out_index, int32_t scale_10, bool half_pixel_centers,
                                     int input_size);

}  // namespace ref
}  // namespace lowbit
