// DEPTHWISE_CONV_2D, int8: [input NHWC, filter 1 x KH x KW x C*M, bias?] ->
// output NHWC with C*M channels, output channel c*M + m reading input
// channel c, through the qs8 depthwise kernels (kernels/qs8_dwconv.h).
// 3x3 and 5x5 filters with dilation 1 and horizontal stride 1 or 2 run the
// variant's row kernels, one call per output row, with a zero-point row
// for rows in the padding. Every other shape runs the generic kernel per
// output pixel through one pointer per tap (into scratch), the zero-point
// row for taps in the padding. With a depth multiplier M > 1 the row
// kernels read input channel c / M themselves (row_multiplier); for the
// generic kernel the input is first expanded into scratch, each channel
// repeated M times.
#include <cstring>

#include "kernels/qs8_dwconv.h"
#include "kernels/reference/dwconv_taps.h"
#include "micro/ops/weighted.h"

namespace lowbit {
namespace micro {
namespace {

// The widest vector step of the depthwise kernels (AVX-512: 32 channels).
constexpr size_t kChannelStep = 32;

struct DepthwiseState {
  Window g;
  Qs8DwconvFn generic;
  Qs8DwconvRowFn row_fn;  // nullptr: the generic kernel
  Qs8GemmParams params;
  const void* packed;
  const int8_t* zero_row;
  const size_t* tap_offsets;  // per tap, bytes from the window's top-left pixel
  size_t depth_multiplier;
  bool expand_input;
};

// Output row `row` (batch * output_h + oy) through the row kernel.
void run_row(const DepthwiseState& s, size_t row, const int8_t* input, int8_t* output) {
  const Window& g = s.g;
  const size_t channels = size_t(g.output_c);
  const int32_t oy = int32_t(row % size_t(g.output_h));
  const size_t b = row / size_t(g.output_h);
  const size_t m = s.expand_input ? 1 : s.depth_multiplier;
  const size_t input_stride = channels / m;
  const size_t row_bytes = size_t(g.input_w) * input_stride;
  const int8_t* image = input + b * size_t(g.input_h) * row_bytes;
  const int8_t* rows[5];
  const int32_t iy0 = oy * g.stride_h - g.pad_top;
  for (int32_t ky = 0; ky < g.kernel_h; ++ky) {
    const int32_t iy = iy0 + ky;
    rows[ky] = iy >= 0 && iy < g.input_h ? image + size_t(iy) * row_bytes : s.zero_row;
  }
  Qs8DwconvRowArgs args;
  args.channels = channels;
  args.pixel_stride = channels;
  args.input_stride = input_stride;
  args.depth_multiplier = m;
  args.first_channel = 0;
  args.output_width = size_t(g.output_w);
  args.rows = rows;
  args.input_x = -ptrdiff_t(g.pad_left);
  args.input_width = size_t(g.input_w);
  args.zero_row = s.zero_row;
  args.packed_w = s.packed;
  args.output = output + row * size_t(g.output_w) * channels;
  args.params = &s.params;
  s.row_fn(args);
}

// Output row `row` through the generic kernel, taps[] in scratch.
void run_generic_row(const DepthwiseState& s, size_t row, const int8_t* input, int8_t* output,
                     const int8_t** taps) {
  const Window& g = s.g;
  const size_t channels = size_t(g.output_c);
  const int32_t oy = int32_t(row % size_t(g.output_h));
  const size_t b = row / size_t(g.output_h);
  const size_t tap_count = size_t(g.kernel_h) * g.kernel_w;
  const int8_t* image = input + b * size_t(g.input_h) * g.input_w * channels;
  int8_t* out_row = output + row * size_t(g.output_w) * channels;
  for (int32_t ox = 0; ox < g.output_w; ++ox) {
    dwconv_window_taps(g, channels, image, oy, ox, s.tap_offsets, s.zero_row, taps);
    s.generic(channels, tap_count, taps, s.packed, out_row + size_t(ox) * channels, s.params);
  }
}

void invoke(const InvokeArgs& args) {
  const auto& s = *static_cast<const DepthwiseState*>(args.state);
  const Window& g = s.g;
  const auto* input = static_cast<const int8_t*>(args.inputs[0]);
  auto* output = static_cast<int8_t*>(args.outputs[0]);
  auto* scratch = static_cast<uint8_t*>(args.scratch);
  if (s.expand_input) {
    auto* expanded = reinterpret_cast<int8_t*>(scratch);
    const size_t values = size_t(g.batch) * g.input_h * g.input_w * g.input_c;
    for (size_t i = 0; i < values; ++i) {
      std::memset(expanded + i * s.depth_multiplier, input[i], s.depth_multiplier);
    }
    input = expanded;
    scratch += round_up(values * s.depth_multiplier, sizeof(void*));
  }
  const size_t rows = size_t(g.batch) * g.output_h;
  for (size_t row = 0; row < rows; ++row) {
    if (s.row_fn) {
      run_row(s, row, input, output);
    } else {
      run_generic_row(s, row, input, output, reinterpret_cast<const int8_t**>(scratch));
    }
  }
}

lowbit_status prepare(PrepareContext& ctx) {
  WeightedOperands o;
  lowbit_status status = read_weighted_operands(ctx, kDepthwiseConv2DOptions, 4, 3, &o);
  if (status != LOWBIT_OK) return status;
  const TensorView& filter = o.weights;
  if (filter.dims[0] != 1) {
    return ctx.fail(LOWBIT_INVALID_MODEL, filter, " must have shape [1, KH, KW, channels * "
                    "depth_multiplier]");
  }
  const int32_t multiplier = ctx.option<int32_t>(field::depthwise_conv2d::kDepthMultiplier, 1);
  if (multiplier < 1) {
    return ctx.fail(LOWBIT_INVALID_MODEL, "depth_multiplier ", multiplier, " must be >= 1");
  }
  if (o.input.rank == 4 && int64_t(o.input.dims[3]) * multiplier != filter.dims[3]) {
    return ctx.fail(LOWBIT_INVALID_MODEL, filter, " has ", filter.dims[3],
                    " output channels, expected the ", o.input.dims[3], " channels of ", o.input,
                    " times depth_multiplier ", multiplier);
  }
  Window g;
  status = compute_window(ctx, o, filter.dims[1], filter.dims[2], filter.dims[3], &g);
  if (status != LOWBIT_OK) return status;
  const size_t channels = size_t(g.output_c);
  const size_t taps = size_t(g.kernel_h) * g.kernel_w;
  status = check_accumulator_range(ctx, o, 1, channels, taps);
  int activation = 0;
  if (status == LOWBIT_OK) status = read_activation(ctx, field::depthwise_conv2d::kActivation, &activation);
  if (status != LOWBIT_OK) return status;

  const KernelVariant<Qs8DwconvKernel>& variant =
      pick_variant(qs8_dwconv_variants(), ctx.cpu_features());
  const Qs8DwconvKernel& kernel = variant.fn;
  DepthwiseState s{};
  s.g = g;
  s.generic = kernel.fn;
  s.row_fn = qs8_dwconv_row_kernel(kernel, g.kernel_h, g.kernel_w, g.stride_w, g.dilation_h,
                                   g.dilation_w);
  s.depth_multiplier = size_t(multiplier);
  s.expand_input = multiplier > 1 && !(s.row_fn && kernel.row_multiplier);
  if (s.expand_input) s.row_fn = nullptr;

  const size_t block = kernel.channel_block;
  const size_t packed_bytes = s.row_fn
                                  ? qs8_dwconv_rows_packed_bytes(block, channels, g.kernel_h, g.kernel_w)
                                  : qs8_dwconv_packed_bytes(block, channels, taps);
  // Row kernels read the zero-point row at any column of a padding row.
  const size_t zero_bytes = s.row_fn ? size_t(g.input_w) * channels : channels;
  void* state = nullptr;
  void* packed = nullptr;
  void* zero_row = nullptr;
  void* tap_offsets = nullptr;
  if (!ctx.allocate(sizeof(DepthwiseState), &state) || !ctx.allocate(packed_bytes, &packed) ||
      !ctx.allocate(zero_bytes, &zero_row) ||
      (!s.row_fn && !ctx.allocate(taps * sizeof(size_t), &tap_offsets))) {
    return LOWBIT_RESOURCE_EXHAUSTED;
  }
  status = make_requant_params(ctx, o, activation, ScaleProduct::kDouble,
                               round_up(channels, kChannelStep), &s.params);
  if (status != LOWBIT_OK) return status;
  size_t scratch = 0;
  if (s.expand_input) {
    scratch += round_up(size_t(g.batch) * g.input_h * g.input_w * channels, sizeof(void*));
  }
  if (!s.row_fn) scratch += taps * sizeof(const int8_t*);
  if (scratch > 0) ctx.request_scratch(scratch);
  ctx.set_kernel(variant.name);
  if (ctx.sizing()) return LOWBIT_OK;

  const int32_t input_zero_point = ctx.zero_point(o.input);
  if (s.row_fn) {
    qs8_dwconv_pack_rows(block, channels, g.kernel_h, g.kernel_w, o.weight_data, o.bias_data,
                         input_zero_point, packed);
  } else {
    qs8_dwconv_pack(block, channels, taps, o.weight_data, o.bias_data, input_zero_point, packed);
    auto* offsets = static_cast<size_t*>(tap_offsets);
    dwconv_tap_offsets(g, channels, offsets);
    s.tap_offsets = offsets;
  }
  std::memset(zero_row, input_zero_point, zero_bytes);
  s.packed = packed;
  s.zero_row = static_cast<const int8_t*>(zero_row);
  std::memcpy(state, &s, sizeof s);
  ctx.set_state(state);
  return LOWBIT_OK;
}

constexpr lowbit_micro_op kOp{kOpDepthwiseConv2D, prepare, invoke};

}  // namespace
}  // namespace micro
}  // namespace lowbit

extern "C" const lowbit_micro_op* lowbit_micro_op_depthwise_conv_2d(void) {
  return &lowbit::micro::kOp;
}
