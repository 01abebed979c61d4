// ADD, int8: the hosted operator's arithmetic (src/ops/add.cpp): TFLite's
// inputs lifted by 2^20 and rescaled onto 2 * max(s_a, s_b), summed and
// rescaled to the output in the profile's rounding (XNNPACK's vadd for
// xnnpack_fp32 where XNNPACK takes the scales), then the fused activation.
// Any NumPy broadcast runs, as rows of one kernel call (ref::BroadcastRuns).
#include <cstddef>
#include <cstdint>

#include "kernels/qs8_elementwise.h"
#include "kernels/reference/broadcast_runs.h"
#include "micro/ops/int8_operands.h"

namespace lowbit {
namespace micro {
namespace {

constexpr int kActivationField = field::elementwise::kActivation;
constexpr int kAddLeftShift = 20;

struct AddState {
  ref::Qs8AddParams params;
  ref::Qs8AddFn fn;
  ref::BroadcastRuns runs;
};

// The output's shape is the NumPy broadcast of the inputs' (trailing
// dimensions aligned, each pair equal or one of them 1).
lowbit_status check_broadcast(PrepareContext& ctx, const TensorView& a, const TensorView& b,
                              const TensorView& out) {
  const int rank = a.rank > b.rank ? a.rank : b.rank;
  if (out.rank != rank) {
    return ctx.fail(LOWBIT_INVALID_MODEL, out, " has rank ", out.rank,
                    ", the broadcast of its inputs ", rank);
  }
  for (int d = 0; d < rank; ++d) {
    const int da = d - (rank - a.rank), db = d - (rank - b.rank);
    const int32_t x = da >= 0 ? a.dims[da] : 1;
    const int32_t y = db >= 0 ? b.dims[db] : 1;
    if (x != y && x != 1 && y != 1) {
      return ctx.fail(LOWBIT_INVALID_MODEL, a, " and ", b, " do not broadcast (dimension ", d,
                      ": ", x, " vs ", y, ")");
    }
    if (out.dims[d] != (x == 1 ? y : x)) {
      return ctx.fail(LOWBIT_INVALID_MODEL, out, " dimension ", d, " is ", out.dims[d],
                      ", the broadcast of its inputs ", x == 1 ? y : x);
    }
  }
  return LOWBIT_OK;
}

lowbit_status check_operands(PrepareContext& ctx) {
  if (lowbit_status s = check_arity(ctx, 2, 1); s != LOWBIT_OK) return s;
  const TensorView a = ctx.input(0), b = ctx.input(1), out = ctx.output(0);
  const TensorView* operands[] = {&a, &b, &out};
  for (const TensorView* t : operands) {
    if (lowbit_status s = check_int8_per_tensor(ctx, *t); s != LOWBIT_OK) return s;
  }
  if (lowbit_status s = check_broadcast(ctx, a, b, out); s != LOWBIT_OK) return s;
  const ref::Qs8AddMultipliers m =
      ref::qs8_add_multipliers(ctx.scale(a), ctx.scale(b), ctx.scale(out), kAddLeftShift);
  if (!(m.output < 1.0)) {
    return ctx.fail(LOWBIT_INVALID_MODEL, out,
                    " scale is too small for the input scales (TFLite needs 2 * max input "
                    "scale / (2^20 * output scale) < 1)");
  }
  return check_options_type(ctx, kElementwiseOptions, false);
}

lowbit_status prepare(PrepareContext& ctx) {
  if (lowbit_status s = check_operands(ctx); s != LOWBIT_OK) return s;
  int activation = ref::kActNone;
  if (lowbit_status s = read_activation(ctx, kActivationField, &activation); s != LOWBIT_OK) {
    return s;
  }
  const TensorView a = ctx.input(0), b = ctx.input(1), out = ctx.output(0);
  const auto& row = pick_variant(qs8_add_variants(), ctx.cpu_features());
  void* memory = nullptr;
  if (!ctx.allocate(sizeof(AddState), &memory)) return LOWBIT_RESOURCE_EXHAUSTED;
  ctx.set_kernel(row.name);
  if (ctx.sizing()) return LOWBIT_OK;
  auto* state = static_cast<AddState*>(memory);
  *state = AddState{};
  ref::Qs8AddParams& p = state->params;
  p.left_shift = kAddLeftShift;
  ref::make_qs8_add_params(ctx.profile(), ctx.scale(a), ctx.scale(b), ctx.scale(out),
                           /*subtract=*/false, &p);
  p.a_zero_point = ctx.zero_point(a);
  p.b_zero_point = ctx.zero_point(b);
  p.output_zero_point = ctx.zero_point(out);
  int8_activation_range(ctx, activation, out, &p.act_min, &p.act_max);
  ref::plan_qs8_add_linear(&p);  // for the x86 kernels; 32-bit targets leave it unusable
  state->fn = row.fn;
  state->runs = ref::BroadcastRuns(a.dims, a.rank, b.dims, b.rank, out.dims, out.rank);
  ctx.set_state(state);
  return LOWBIT_OK;
}

void invoke(const InvokeArgs& args) {
  const auto* s = static_cast<const AddState*>(args.state);
  const auto* a = static_cast<const int8_t*>(args.inputs[0]);
  const auto* b = static_cast<const int8_t*>(args.inputs[1]);
  auto* out = static_cast<int8_t*>(args.outputs[0]);
  const size_t inner = s->runs.inner();
  const size_t a_stride = s->runs.a_inner_stride(), b_stride = s->runs.b_inner_stride();
  for (size_t r = 0; r < s->runs.rows(); ++r) {
    size_t a_offset = 0, b_offset = 0;
    s->runs.row_offsets(r, &a_offset, &b_offset);
    s->fn(s->params, inner, a + a_offset, a_stride, b + b_offset, b_stride, out + r * inner);
  }
}

constexpr lowbit_micro_op kAdd{kOpAdd, prepare, invoke};

}  // namespace
}  // namespace micro
}  // namespace lowbit

extern "C" const lowbit_micro_op* lowbit_micro_op_add(void) { return &lowbit::micro::kAdd; }
