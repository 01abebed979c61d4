// lowbit_op_resolver_add_float_kernels: kept for the C API; the library
// always links the float kernels (the whole-runtime firmware build that
// linked them only through this call was retired for lowbit micro).
#include "lowbit/c_api.h"
#include "ops/float/float_kernels.h"

extern "C" lowbit_status lowbit_op_resolver_add_float_kernels(lowbit_op_resolver* resolver) {
  // lowbit_op_resolver_add's refusal and message for a NULL resolver.
  if (resolver == nullptr) return lowbit_op_resolver_add(nullptr, nullptr);
  lowbit::link_float_kernels();
  return LOWBIT_OK;
}
