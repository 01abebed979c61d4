// Links lowbit's own float kernels into the firmware (see float_kernel_hook.cpp):
// the one reference to make_float_kernel, so the linker keeps the float
// operators' kernels only in programs that call this.
#include "graph/op_registration.h"
#include "ops/float/float_kernels.h"

namespace lowbit {

void set_float_kernel_factory(CreateFn factory);  // float_kernel_hook.cpp

void link_float_kernels() { set_float_kernel_factory(&make_float_kernel); }

}  // namespace lowbit
