// Depthwise row kernels, AVX-512 VNNI: vpdpwssd multiplies and accumulates a
// tap pair in one instruction.
#include "kernels/x86/qs8_dwconv_rows_avx512.h"

namespace lowbit {
namespace {

struct DotAdd {
  __m512i operator()(__m512i acc, __m512i x, __m512i w) const {
    return _mm512_dpwssd_epi32(acc, x, w);
  }
};

}  // namespace

void qs8_dwconv_row3x3s1__avx512vnni(const Qs8DwconvRowArgs& a) {
  avx512::dwconv::row_any_profile<3, 1, DotAdd>(a);
}
void qs8_dwconv_row3x3s2__avx512vnni(const Qs8DwconvRowArgs& a) {
  avx512::dwconv::row_any_profile<3, 2, DotAdd>(a);
}
void qs8_dwconv_row5x5s1__avx512vnni(const Qs8DwconvRowArgs& a) {
  avx512::dwconv::row_any_profile<5, 1, DotAdd>(a);
}
void qs8_dwconv_row5x5s2__avx512vnni(const Qs8DwconvRowArgs& a) {
  avx512::dwconv::row_any_profile<5, 2, DotAdd>(a);
}

}  // namespace lowbit
