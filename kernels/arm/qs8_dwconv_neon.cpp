// int8 depthwise kernels for any aarch64 CPU (NEON is its baseline): SMLAL /
// SMLAL2 over eight channels, kernels/arm/qs8_dwconv_neon.h.
#include "kernels/arm/qs8_dwconv_neon.h"

namespace lowbit {

void qs8_dwconv_c8__neon(size_t channels, size_t taps, const int8_t* const* inputs,
                         const void* packed_w, int8_t* output, const Qs8GemmParams& params) {
  neon::dwconv::pixel_any_profile(channels, taps, inputs, packed_w, output, params);
}
void qs8_dwconv_row3x3s1__neon(const Qs8DwconvRowArgs& a) { neon::dwconv::row_any_profile<3, 1>(a); }
void qs8_dwconv_row3x3s2__neon(const Qs8DwconvRowArgs& a) { neon::dwconv::row_any_profile<3, 2>(a); }
void qs8_dwconv_row5x5s1__neon(const Qs8DwconvRowArgs& a) { neon::dwconv::row_any_profile<5, 1>(a); }
void qs8_dwconv_row5x5s2__neon(const Qs8DwconvRowArgs& a) { neon::dwconv::row_any_profile<5, 2>(a); }

}  // namespace lowbit
