// SOFTMAX, int8 -> int8 over the innermost dimension, the hosted operator's
// arithmetic (src/ops/softmax.cpp): tflite_reference runs TFLite's
// fixed-point form (rows of at most 4095), the other profiles TFLite's
// optimized float-table form. Output scale 1/256, zero point -128.
#include <cmath>
#include <cstdint>

#include "kernels/qs8_softmax.h"
#include "micro/ops/int8_operands.h"

namespace lowbit {
namespace micro {
namespace {

constexpr int kBetaField = field::softmax::kBeta;
// The fixed-point sum holds 4095 exp(0) = 1.0 terms in Q12.19.
constexpr size_t kMaxFixedPointRow = 4095;

struct SoftmaxState {
  ref::Qs8SoftmaxParams params;
  ref::Qs8SoftmaxFn fn;
  size_t rows, row_size;
};

lowbit_status check_operands(PrepareContext& ctx) {
  if (lowbit_status s = check_arity(ctx, 1, 1); s != LOWBIT_OK) return s;
  const TensorView in = ctx.input(0), out = ctx.output(0);
  if (lowbit_status s = check_int8_per_tensor(ctx, in); s != LOWBIT_OK) return s;
  if (lowbit_status s = check_int8_per_tensor(ctx, out); s != LOWBIT_OK) return s;
  if (in.rank < 1) return ctx.fail(LOWBIT_INVALID_MODEL, in, " must have rank >= 1");
  if (!same_shape(in, out)) return ctx.fail(LOWBIT_INVALID_MODEL, out, " shape differs from ", in);
  if (ctx.zero_point(out) != -128 || std::fabs(ctx.scale(out) - 1.0f / 256) > 1e-8f) {
    return ctx.fail(LOWBIT_INVALID_MODEL, out, " must have scale 1/256 and zero point -128");
  }
  return check_options_type(ctx, kSoftmaxOptions, false);
}

lowbit_status prepare(PrepareContext& ctx) {
  if (lowbit_status s = check_operands(ctx); s != LOWBIT_OK) return s;
  const TensorView in = ctx.input(0);
  const float beta = ctx.option<float>(kBetaField, 1.0f);
  if (!(beta > 0.0f) || !std::isfinite(beta)) {
    return ctx.fail(LOWBIT_INVALID_MODEL, "beta must be positive and finite");
  }
  SoftmaxState s{};
  if (!ref::make_qs8_softmax_params(beta, ctx.scale(in), &s.params)) {
    return ctx.fail(LOWBIT_UNSUPPORTED, "beta times the scale of ", in,
                    " is outside the range SOFTMAX supports");
  }
  s.row_size = size_t(in.dims[in.rank - 1]);
  s.rows = s.row_size == 0 ? 0 : size_t(in.elements()) / s.row_size;
  const bool fixed_point = ctx.profile() == RequantProfile::kTfliteReference;
  if (fixed_point && s.row_size > kMaxFixedPointRow) {
    return ctx.fail(LOWBIT_UNSUPPORTED, in, " rows of ", s.row_size,
                    " elements overflow the tflite_reference SOFTMAX sum (at most ",
                    kMaxFixedPointRow, ")");
  }
  const auto& row = pick_variant(
      fixed_point ? qs8_softmax_variants() : qs8_softmax_table_variants(), ctx.cpu_features());
  s.fn = row.fn;
  // The float form needs its exp table; of the fixed-point form only the
  // SIMD variants look the exp up (the reference computes it).
  const size_t table_bytes = !fixed_point      ? 256 * sizeof(float)
                             : row.required != 0 ? kQs8SoftmaxFixedTableSize * sizeof(int32_t)
                                                 : 0;
  void* state_memory = nullptr;
  void* table = nullptr;
  if (!ctx.allocate(sizeof(SoftmaxState), &state_memory)) return LOWBIT_RESOURCE_EXHAUSTED;
  if (table_bytes > 0 && !ctx.allocate(table_bytes, &table)) return LOWBIT_RESOURCE_EXHAUSTED;
  ctx.set_kernel(row.name);
  if (ctx.sizing()) return LOWBIT_OK;
  if (!fixed_point) {
    ref::make_qs8_softmax_exp_table(beta, ctx.scale(in), static_cast<float*>(table));
    s.params.exp_table = static_cast<const float*>(table);
  } else if (table != nullptr) {
    make_qs8_softmax_fixed_exp_table(s.params, static_cast<int32_t*>(table));
    s.params.fixed_exp_table = static_cast<const int32_t*>(table);
  }
  auto* state = static_cast<SoftmaxState*>(state_memory);
  *state = s;
  ctx.set_state(state);
  return LOWBIT_OK;
}

void invoke(const InvokeArgs& args) {
  const auto* s = static_cast<const SoftmaxState*>(args.state);
  if (s->rows == 0) return;
  s->fn(s->params, s->rows, s->row_size, static_cast<const int8_t*>(args.inputs[0]),
        static_cast<int8_t*>(args.outputs[0]));
}

constexpr lowbit_micro_op kSoftmax{kOpSoftmax, prepare, invoke};

}  // namespace
}  // namespace micro
}  // namespace lowbit

extern "C" const lowbit_micro_op* lowbit_micro_op_softmax(void) { return &lowbit::micro::kSoftmax; }
