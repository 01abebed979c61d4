// aarch64 NEON binary kernels (NEON is the aarch64 baseline: no extra flags).
// The 4x4 GEMM tile keeps 8 byte counters, 8 totals, 2 filter and up to 4
// broadcast registers in the 32 q registers.
#include "kernels/arm/bin_neon_impl.h"

namespace lowbit {

void bin_gemm_4x4c2__neon(size_t mr, size_t nr, size_t taps, size_t tap_words,
                          const uint32_t* const* a, uint32_t last_mask, const uint32_t* b,
                          int32_t* c, size_t c_stride) {
  // Short tiles (a fully connected layer's single row, a layer's last tile)
  // run a body with that many rows instead of repeating rows.
  if (mr == 1) {
    bin_neon::gemm_tile<1>(mr, nr, taps, tap_words, a, last_mask, b, c, c_stride);
  } else if (mr == 2) {
    bin_neon::gemm_tile<2>(mr, nr, taps, tap_words, a, last_mask, b, c, c_stride);
  } else {
    bin_neon::gemm_tile<4>(mr, nr, taps, tap_words, a, last_mask, b, c, c_stride);
  }
}

void bin_output_float__neon(size_t channels, const int32_t* popcounts, const int32_t* correction,
                            const BinOutputStageParams& params, void* output) {
  bin_neon::output_float(channels, popcounts, correction, params, output);
}

void bin_output_int8__neon(size_t channels, const int32_t* popcounts, const int32_t* correction,
                           const BinOutputStageParams& params, void* output) {
  bin_neon::output_int8(channels, popcounts, correction, params, output);
}

void bin_output_bits__neon(size_t channels, const int32_t* popcounts, const int32_t* correction,
                           const BinOutputStageParams& params, void* output) {
  bin_neon::output_bits(channels, popcounts, correction, params, output);
}

void bin_pack_f32__neon(const float* input, size_t channels, uint32_t* output, size_t row_begin,
                        size_t row_end) {
  bin_neon::pack_f32(input, channels, output, row_begin, row_end);
}

void bin_pack_qs8__neon(const int8_t* input, size_t channels, int32_t zero_point, uint32_t* output,
                        size_t row_begin, size_t row_end) {
  bin_neon::pack_qs8(input, channels, zero_point, output, row_begin, row_end);
}

void bin_maxpool2d__neon(const ref::BinMaxPool2DParams& p, const uint32_t* input,
                         uint32_t* output, size_t pixel_begin, size_t pixel_end) {
  bin_neon::maxpool2d(p, input, output, pixel_begin, pixel_end);
}

}  // namespace lowbit
