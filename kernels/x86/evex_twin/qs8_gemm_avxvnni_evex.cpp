// qs8_gemm_4x8c4__avxvnni built with AVX512-VNNI + VL instead of AVX-VNNI (see
// that file): a separate translation unit, so no -mavxvnni reaches it and the
// compiler cannot pick the VEX form.
#define LOWBIT_AVXVNNI_AS_EVEX 1
#include "kernels/x86/qs8_gemm_avxvnni.cpp"
