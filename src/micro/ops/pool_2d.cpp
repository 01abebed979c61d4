#include "micro/ops/pool_2d.h"

#include <cmath>
#include <cstdint>

#include "kernels/reference/padded_dim.h"
#include "micro/ops/int8_operands.h"

namespace lowbit {
namespace micro {
namespace {

using namespace field::pool2d;  // Pool2DOptions' field ids
// The schema's Padding values.
enum Padding : int8_t { kSame = 0, kValid = 1 };

// The average kernel sums a window in int32: 255 * 2^23 < 2^31.
constexpr int64_t kMaxWindow = int64_t{1} << 23;

struct PoolState {
  ref::PoolParams params;
  ref::Qs8Pool2dFn fn;
  size_t rows;  // batch * output_h
};

lowbit_status window(PrepareContext& ctx, const char* what, int32_t in, int32_t filter,
                     int32_t stride, bool same, ref::WindowDim* dim) {
  switch (ref::window_dim(in, filter, stride, 1, same, dim)) {
    case ref::WindowError::kNone:
      return LOWBIT_OK;
    case ref::WindowError::kBadParameters:
      return ctx.fail(LOWBIT_INVALID_MODEL, what, ": filter ", filter, " and stride ", stride,
                      " must both be >= 1");
    case ref::WindowError::kExtentOverflow:
      return ctx.fail(LOWBIT_INVALID_MODEL, what, ": filter ", filter, " is too large");
    case ref::WindowError::kExtentExceedsInput:
      break;
  }
  return ctx.fail(LOWBIT_INVALID_MODEL, what, ": filter ", filter, " exceeds input size ", in,
                  " with VALID padding");
}

lowbit_status check_operands(PrepareContext& ctx) {
  if (lowbit_status s = check_arity(ctx, 1, 1); s != LOWBIT_OK) return s;
  const TensorView in = ctx.input(0), out = ctx.output(0);
  if (lowbit_status s = check_int8_per_tensor(ctx, in); s != LOWBIT_OK) return s;
  if (lowbit_status s = check_int8_per_tensor(ctx, out); s != LOWBIT_OK) return s;
  if (in.rank != 4) {
    return ctx.fail(LOWBIT_INVALID_MODEL, in, " has rank ", in.rank, ", not 4 (NHWC)");
  }
  for (int d = 0; d < 4; ++d) {
    if (in.dims[d] < 1) return ctx.fail(LOWBIT_INVALID_MODEL, in, " has an empty dimension");
  }
  // TFLite tolerates float noise in the scales but not a different zero point.
  const float in_scale = ctx.scale(in), out_scale = ctx.scale(out);
  if (std::fabs(in_scale - out_scale) > 1e-6f * std::fmax(in_scale, out_scale) ||
      ctx.zero_point(in) != ctx.zero_point(out)) {
    return ctx.fail(LOWBIT_INVALID_MODEL, out, " must share the scale and zero point of ", in);
  }
  return check_options_type(ctx, kPool2DOptions, true);
}

}  // namespace

lowbit_status prepare_pool_2d(PrepareContext& ctx, KernelFamily<ref::Qs8Pool2dFn> family) {
  if (lowbit_status s = check_operands(ctx); s != LOWBIT_OK) return s;
  const TensorView in = ctx.input(0), out = ctx.output(0);
  const int8_t padding = ctx.option<int8_t>(kPadding, kValid);
  if (padding != kSame && padding != kValid) {
    return ctx.fail(LOWBIT_INVALID_MODEL, "has padding ", int(padding), ", not SAME or VALID");
  }
  int activation = ref::kActNone;
  if (lowbit_status s = read_activation(ctx, kActivation, &activation); s != LOWBIT_OK) return s;
  ref::PoolParams p;
  p.filter_h = ctx.option<int32_t>(kFilterH, 1);
  p.filter_w = ctx.option<int32_t>(kFilterW, 1);
  p.stride_h = ctx.option<int32_t>(kStrideH, 1);
  p.stride_w = ctx.option<int32_t>(kStrideW, 1);
  ref::WindowDim h, w;
  if (lowbit_status s = window(ctx, "height", in.dims[1], p.filter_h, p.stride_h,
                               padding == kSame, &h);
      s != LOWBIT_OK) {
    return s;
  }
  if (lowbit_status s = window(ctx, "width", in.dims[2], p.filter_w, p.stride_w,
                               padding == kSame, &w);
      s != LOWBIT_OK) {
    return s;
  }
  // The kernels form window ends (start + filter) in int32.
  if (int64_t(in.dims[1]) + p.filter_h > INT32_MAX ||
      int64_t(in.dims[2]) + p.filter_w > INT32_MAX) {
    return ctx.fail(LOWBIT_UNSUPPORTED, "a filter of ", p.filter_h, "x", p.filter_w,
                    " over ", in, " overflows the window arithmetic");
  }
  const int64_t taps = int64_t(p.filter_h < in.dims[1] ? p.filter_h : in.dims[1]) *
                       (p.filter_w < in.dims[2] ? p.filter_w : in.dims[2]);
  if (taps > kMaxWindow) {
    return ctx.fail(LOWBIT_UNSUPPORTED, "a pooling window of ", taps,
                    " pixels could overflow the int32 sum");
  }
  const int32_t expected[4] = {in.dims[0], h.out, w.out, in.dims[3]};
  if (out.rank != 4 || out.dims[0] != expected[0] || out.dims[1] != expected[1] ||
      out.dims[2] != expected[2] || out.dims[3] != expected[3]) {
    return ctx.fail(LOWBIT_INVALID_MODEL, out, " is not [", expected[0], ",", expected[1], ",",
                    expected[2], ",", expected[3], "], the pool of ", in);
  }
  p.batch = in.dims[0];
  p.input_h = in.dims[1];
  p.input_w = in.dims[2];
  p.channels = in.dims[3];
  p.output_h = h.out;
  p.output_w = w.out;
  p.pad_top = h.pad_before;
  p.pad_left = w.pad_before;
  int8_activation_range(ctx, activation, out, &p.act_min, &p.act_max);

  const auto& row = pick_variant(family, ctx.cpu_features());
  void* memory = nullptr;
  if (!ctx.allocate(sizeof(PoolState), &memory)) return LOWBIT_RESOURCE_EXHAUSTED;
  ctx.set_kernel(row.name);
  if (ctx.sizing()) return LOWBIT_OK;
  auto* state = static_cast<PoolState*>(memory);
  *state = PoolState{p, row.fn, size_t(p.batch) * size_t(p.output_h)};
  ctx.set_state(state);
  return LOWBIT_OK;
}

void invoke_pool_2d(const InvokeArgs& args) {
  const auto* s = static_cast<const PoolState*>(args.state);
  s->fn(s->params, static_cast<const int8_t*>(args.inputs[0]),
        static_cast<int8_t*>(args.outputs[0]), 0, s->rows);
}

}  // namespace micro
}  // namespace lowbit
