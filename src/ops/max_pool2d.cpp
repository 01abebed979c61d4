// MAX_POOL_2D: maximum over the window taps inside the image, then the fused
// activation clamp.
#include "kernels/qs8_pool.h"
#include "ops/pool2d_common.h"

namespace lowbit {

LOWBIT_REGISTER_OP(MaxPool2D, validate_pool2d,
                   (create_pool2d<qs8_max_pool2d_variants, qu8_max_pool2d_variants>))

}  // namespace lowbit
