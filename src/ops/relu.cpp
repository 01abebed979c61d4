// RELU: max(x, 0). int8 requantizes into the output quantization (see
// relu_common.h); float32 runs through the float kernels.
#include "ops/relu_common.h"

namespace lowbit {

LOWBIT_REGISTER_OP(Relu, validate_relu, create_relu<Activation::kRelu>)

}  // namespace lowbit
