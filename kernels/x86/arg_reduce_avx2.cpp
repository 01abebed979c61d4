// ARG_MAX / ARG_MIN over int8 and uint8 channels with AVX2, 32 per vector
// (kernels/x86/arg_reduce_avx2.h): the keys' maximum (kernels/reference/
// arg_reduce.h's key_flip), then the first lane equal to it. Other dtypes
// and axes are the reference's.
#include "kernels/x86/arg_reduce_avx2.h"

namespace lowbit {

void arg_reduce__avx2(const ref::ArgReduceParams& p, const void* input, void* output,
                      size_t outer_begin, size_t outer_end) {
  ref::arg_reduce_simd<Avx2Keys>(p, input, output, outer_begin, outer_end);
}

}  // namespace lowbit
