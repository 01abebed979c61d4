// Depthwise row kernels, AVX-512BW: vpmaddwd then vpaddd per tap pair.
#include "kernels/x86/qs8_dwconv_rows_avx512.h"

namespace lowbit {
namespace {

struct MaddAdd {
  __m512i operator()(__m512i acc, __m512i x, __m512i w) const {
    return _mm512_add_epi32(acc, _mm512_madd_epi16(x, w));
  }
};

}  // namespace

void qs8_dwconv_row3x3s1__avx512(const Qs8DwconvRowArgs& a) {
  avx512::dwconv::row_any_profile<3, 1, MaddAdd>(a);
}
void qs8_dwconv_row3x3s2__avx512(const Qs8DwconvRowArgs& a) {
  avx512::dwconv::row_any_profile<3, 2, MaddAdd>(a);
}
void qs8_dwconv_row5x5s1__avx512(const Qs8DwconvRowArgs& a) {
  avx512::dwconv::row_any_profile<5, 1, MaddAdd>(a);
}
void qs8_dwconv_row5x5s2__avx512(const Qs8DwconvRowArgs& a) {
  avx512::dwconv::row_any_profile<5, 2, MaddAdd>(a);
}

}  // namespace lowbit
