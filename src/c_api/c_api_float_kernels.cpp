// lowbit_op_resolver_add_float_kernels, in a file of its own: in the firmware
// library it is the only path to the float kernels (link_float_kernels), so a
// program that never calls it links none of them.
#include "lowbit/c_api.h"
#include "ops/float/float_kernels.h"

extern "C" lowbit_status lowbit_op_resolver_add_float_kernels(lowbit_op_resolver* resolver) {
  // lowbit_op_resolver_add's refusal and message for a NULL resolver.
  if (resolver == nullptr) return lowbit_op_resolver_add(nullptr, nullptr);
  lowbit::link_float_kernels();
  return LOWBIT_OK;
}
