// aarch64's int8 matrix-vector product and row dot products
// (kernels/arm/qs8_matvec_neon.h).
#include "kernels/arm/qs8_matvec_neon.h"

LOWBIT_DEFINE_QS8_MATVEC_NEON(neon)
