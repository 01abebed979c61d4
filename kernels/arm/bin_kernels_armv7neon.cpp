// 32-bit ARM NEON binary kernels (built with -mfpu=neon, selected only when
// NEON is detected). ARMv7 has 16 q registers: the GEMM tile is 2x4 (4 byte
// counters, 4 totals, 2 filter registers, one broadcast).
#include "kernels/arm/bin_neon_impl.h"

namespace lowbit {

void bin_gemm_2x4c2__armv7neon(size_t mr, size_t nr, size_t taps, size_t tap_words,
                               const uint32_t* const* a, uint32_t last_mask, const uint32_t* b,
                               int32_t* c, size_t c_stride) {
  // A single row (a fully connected layer of batch 1) runs a one-row body.
  if (mr == 1) {
    bin_neon::gemm_tile<1>(mr, nr, taps, tap_words, a, last_mask, b, c, c_stride);
  } else {
    bin_neon::gemm_tile<2>(mr, nr, taps, tap_words, a, last_mask, b, c, c_stride);
  }
}

void bin_output_float__armv7neon(size_t channels, const int32_t* popcounts,
                                 const int32_t* correction, const BinOutputStageParams& params,
                                 void* output) {
  bin_neon::output_float(channels, popcounts, correction, params, output);
}

void bin_output_int8__armv7neon(size_t channels, const int32_t* popcounts,
                                const int32_t* correction, const BinOutputStageParams& params,
                                void* output) {
  bin_neon::output_int8(channels, popcounts, correction, params, output);
}

void bin_output_bits__armv7neon(size_t channels, const int32_t* popcounts,
                                const int32_t* correction, const BinOutputStageParams& params,
                                void* output) {
  bin_neon::output_bits(channels, popcounts, correction, params, output);
}

void bin_pack_f32__armv7neon(const float* input, size_t channels, uint32_t* output,
                             size_t row_begin, size_t row_end) {
  bin_neon::pack_f32(input, channels, output, row_begin, row_end);
}

void bin_pack_qs8__armv7neon(const int8_t* input, size_t channels, int32_t zero_point,
                             uint32_t* output, size_t row_begin, size_t row_end) {
  bin_neon::pack_qs8(input, channels, zero_point, output, row_begin, row_end);
}

void bin_maxpool2d__armv7neon(const ref::BinMaxPool2DParams& p, const uint32_t* input,
                              uint32_t* output, size_t pixel_begin, size_t pixel_end) {
  bin_neon::maxpool2d(p, input, output, pixel_begin, pixel_end);
}

}  // namespace lowbit
