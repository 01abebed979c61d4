// lowbit_micro_resolver_add_all: every operator lowbit micro has, for hosts,
// tools and tests. An object of its own, so a firmware that names its
// operators one by one never links the others through it.
#include "lowbit/micro.h"

extern "C" lowbit_status lowbit_micro_resolver_add_all(lowbit_micro_resolver* resolver) {
  const lowbit_micro_op* const ops[] = {
      lowbit_micro_op_conv_2d(),         lowbit_micro_op_depthwise_conv_2d(),
      lowbit_micro_op_fully_connected(), lowbit_micro_op_average_pool_2d(),
      lowbit_micro_op_max_pool_2d(),     lowbit_micro_op_reshape(),
      lowbit_micro_op_softmax(),         lowbit_micro_op_add()};
  for (const lowbit_micro_op* op : ops) {
    const lowbit_status status = lowbit_micro_resolver_add(resolver, op);
    if (status != LOWBIT_OK) return status;
  }
  return LOWBIT_OK;
}
