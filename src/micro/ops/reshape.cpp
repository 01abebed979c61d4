// RESHAPE: the bytes unchanged under a new shape (the output's, from the
// model). A copy, so the plan needs no aliasing.
#include <cstring>

#include "micro/op.h"

namespace lowbit {
namespace micro {
namespace {

struct ReshapeState {
  size_t bytes;
};

lowbit_status prepare(PrepareContext& ctx) {
  if (ctx.num_inputs() < 1 || ctx.num_inputs() > 2 || ctx.num_outputs() != 1) {
    return ctx.fail(LOWBIT_INVALID_MODEL, "expects 1 or 2 inputs and 1 output, has ",
                    ctx.num_inputs(), " and ", ctx.num_outputs());
  }
  const TensorView in = ctx.input(0), out = ctx.output(0);
  if (in.dtype != out.dtype || in.bytes != out.bytes) {
    return ctx.fail(LOWBIT_INVALID_MODEL, in, " (", dtype_name(in.dtype), ", ", in.bytes,
                    " bytes) and ", out, " (", dtype_name(out.dtype), ", ", out.bytes,
                    " bytes) differ in dtype or size");
  }
  void* memory = nullptr;
  if (!ctx.allocate(sizeof(ReshapeState), &memory)) return LOWBIT_RESOURCE_EXHAUSTED;
  ctx.set_kernel("copy_bytes");
  if (ctx.sizing()) return LOWBIT_OK;
  auto* state = static_cast<ReshapeState*>(memory);
  state->bytes = in.bytes;
  ctx.set_state(state);
  return LOWBIT_OK;
}

void invoke(const InvokeArgs& args) {
  const auto* state = static_cast<const ReshapeState*>(args.state);
  if (args.outputs[0] != args.inputs[0]) std::memmove(args.outputs[0], args.inputs[0], state->bytes);
}

constexpr lowbit_micro_op kReshape{kOpReshape, prepare, invoke};

}  // namespace
}  // namespace micro
}  // namespace lowbit

extern "C" const lowbit_micro_op* lowbit_micro_op_reshape(void) { return &lowbit::micro::kReshape; }
