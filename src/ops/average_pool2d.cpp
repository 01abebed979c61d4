// AVERAGE_POOL_2D: mean of the window taps inside the image (count = valid
// taps), rounded half away from zero, then the fused activation clamp.
#include "kernels/qs8_pool.h"
#include "ops/pool2d_common.h"

namespace lowbit {

LOWBIT_REGISTER_OP(AveragePool2D, validate_pool2d,
                   (create_pool2d<qs8_average_pool2d_variants, qu8_average_pool2d_variants>))

}  // namespace lowbit
