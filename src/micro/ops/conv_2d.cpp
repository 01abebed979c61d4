// CONV_2D, int8: [input NHWC, filter OHWI, bias?] -> output NHWC through the
// qs8 GEMM (kernels/qs8_gemm.h): output pixels are GEMM rows, output
// channels its columns, K = kernel_h * kernel_w * filter input channels.
// A 1x1 stride-1 unpadded layer points rows straight at input pixels; any
// other gathers each tile's receptive fields into a strip of scratch (at
// most MR rows of K bytes), zero point where the window leaves the image.
// Grouped convolution (input channels a multiple of the filter's) runs one
// GEMM per group over its slice of channels.
#include <cstring>

#include "micro/ops/weighted.h"

namespace lowbit {
namespace micro {
namespace {

constexpr size_t kMaxTileRows = 16;
// The widest NR of any GEMM variant: the per-channel arrays extend this far
// past the last group's first channel.
constexpr size_t kChannelStep = 16;

struct ConvState {
  Window g;
  Qs8GemmFn gemm;
  Qs8GemmParams params;
  const uint8_t* packed;
  size_t group_packed_bytes;
  int32_t groups;
  int32_t group_input_c;   // the filter's input channels
  int32_t group_output_c;
  size_t k;  // kernel_h * kernel_w * group_input_c
  size_t rows;
  size_t tile_rows;
  bool direct;
  int8_t input_zero_point;
};

// Receptive field of output pixel `row` for group `group` into dst (K bytes).
void gather(const ConvState& s, size_t row, int32_t group, const int8_t* input, int8_t* dst) {
  const Window& g = s.g;
  const size_t ox = row % size_t(g.output_w);
  const size_t oy = row / size_t(g.output_w) % size_t(g.output_h);
  const size_t b = row / (size_t(g.output_w) * size_t(g.output_h));
  const size_t c = size_t(s.group_input_c);
  const int8_t* image = input + b * size_t(g.input_h) * g.input_w * g.input_c + size_t(group) * c;
  const int32_t ix0 = int32_t(ox) * g.stride_w - g.pad_left;
  // Undilated whole pixels inside the image: each kernel row is one run of
  // bytes (KWS's 10x4 one-channel layer: 10 copies of 4 bytes, not 40 of 1).
  const bool whole_rows = s.groups == 1 && g.dilation_w == 1 && ix0 >= 0 &&
                          ix0 + g.kernel_w <= g.input_w;
  for (int32_t ky = 0; ky < g.kernel_h; ++ky) {
    const int32_t iy = int32_t(oy) * g.stride_h - g.pad_top + ky * g.dilation_h;
    if (whole_rows && iy >= 0 && iy < g.input_h) {
      const size_t run = size_t(g.kernel_w) * c;
      std::memcpy(dst, image + (size_t(iy) * g.input_w + size_t(ix0)) * g.input_c, run);
      dst += run;
      continue;
    }
    for (int32_t kx = 0; kx < g.kernel_w; ++kx, dst += c) {
      const int32_t ix = ix0 + kx * g.dilation_w;
      if (iy >= 0 && iy < g.input_h && ix >= 0 && ix < g.input_w) {
        std::memcpy(dst, image + (size_t(iy) * g.input_w + size_t(ix)) * g.input_c, c);
      } else {
        std::memset(dst, s.input_zero_point, c);
      }
    }
  }
}

void invoke(const InvokeArgs& args) {
  const auto& s = *static_cast<const ConvState*>(args.state);
  const auto* input = static_cast<const int8_t*>(args.inputs[0]);
  auto* output = static_cast<int8_t*>(args.outputs[0]);
  auto* strip = static_cast<int8_t*>(args.scratch);
  const size_t n = size_t(s.g.output_c), group_n = size_t(s.group_output_c);
  const int8_t* rows[kMaxTileRows];
  for (int32_t group = 0; group < s.groups; ++group) {
    Qs8GemmParams params = s.params;
    const size_t first_channel = size_t(group) * group_n;
    params.multiplier += first_channel;
    params.shift += first_channel;
    params.scale += first_channel;
    const void* packed = s.packed + size_t(group) * s.group_packed_bytes;
    for (size_t row0 = 0; row0 < s.rows; row0 += s.tile_rows) {
      const size_t mr = s.rows - row0 < s.tile_rows ? s.rows - row0 : s.tile_rows;
      for (size_t m = 0; m < mr; ++m) {
        if (s.direct) {
          rows[m] = input + (row0 + m) * size_t(s.g.input_c) + size_t(group) * s.group_input_c;
        } else {
          gather(s, row0 + m, group, input, strip + m * s.k);
          rows[m] = strip + m * s.k;
        }
      }
      s.gemm(mr, group_n, s.k, rows, packed, output + row0 * n + first_channel, n, params);
    }
  }
}

lowbit_status prepare(PrepareContext& ctx) {
  WeightedOperands o;
  lowbit_status status = read_weighted_operands(ctx, kConv2DOptions, 4, 0, &o);
  if (status != LOWBIT_OK) return status;
  const TensorView& filter = o.weights;
  if (o.input.rank == 4 && (filter.dims[3] < 1 || o.input.dims[3] % filter.dims[3] != 0)) {
    return ctx.fail(LOWBIT_INVALID_MODEL, o.input, " has ", o.input.dims[3],
                    " channels, not a multiple of the ", filter.dims[3], " input channels of ",
                    filter);
  }
  Window g;
  status = compute_window(ctx, o, filter.dims[1], filter.dims[2], filter.dims[0], &g);
  if (status != LOWBIT_OK) return status;
  const int32_t groups = g.input_c / filter.dims[3];
  if (g.output_c % groups != 0) {
    return ctx.fail(LOWBIT_INVALID_MODEL, filter, " has ", g.output_c,
                    " output channels, not a multiple of the ", groups, " groups");
  }
  const size_t k = size_t(filter.dims[1]) * filter.dims[2] * filter.dims[3];
  status = check_accumulator_range(ctx, o, k, 1, k);
  int activation = 0;
  if (status == LOWBIT_OK) status = read_activation(ctx, field::conv2d::kActivation, &activation);
  if (status != LOWBIT_OK) return status;

  const KernelVariant<Qs8GemmKernel>& variant = pick_variant(qs8_gemm_variants(), ctx.cpu_features());
  const Qs8GemmKernel& kernel = variant.fn;
  if (kernel.mr > kMaxTileRows || kernel.layout.nr > kChannelStep) {
    return ctx.fail(LOWBIT_UNSUPPORTED, variant.name, " has tiles larger than lowbit micro's ",
                    kMaxTileRows, " x ", kChannelStep);
  }
  ConvState s{};
  s.g = g;
  s.gemm = kernel.fn;
  s.groups = groups;
  s.group_input_c = filter.dims[3];
  s.group_output_c = g.output_c / groups;
  s.k = k;
  s.rows = size_t(g.batch) * g.output_h * g.output_w;
  s.input_zero_point = int8_t(ctx.zero_point(o.input));
  s.direct = g.kernel_h == 1 && g.kernel_w == 1 && g.stride_h == 1 && g.stride_w == 1 &&
             g.pad_top == 0 && g.pad_left == 0 && g.output_h == g.input_h &&
             g.output_w == g.input_w;
  // Tiles of equal height, at most MR: 49 rows run as 7 x 7, not 6 x 8 + 1.
  const size_t tiles = (s.rows + kernel.mr - 1) / kernel.mr;
  s.tile_rows = (s.rows + tiles - 1) / tiles;
  s.group_packed_bytes =
      round_up(qs8_gemm_packed_bytes(kernel.layout, size_t(s.group_output_c), k), 16);

  void* state = nullptr;
  void* packed = nullptr;
  if (!ctx.allocate(sizeof(ConvState), &state) ||
      !ctx.allocate(s.group_packed_bytes * size_t(groups), &packed)) {
    return LOWBIT_RESOURCE_EXHAUSTED;
  }
  const size_t padded = round_up(size_t(g.output_c), kChannelStep) + (groups > 1 ? kChannelStep : 0);
  status = make_requant_params(ctx, o, activation, ScaleProduct::kDouble, padded, &s.params);
  if (status != LOWBIT_OK) return status;
  if (!s.direct) ctx.request_scratch(s.tile_rows * k);
  ctx.set_kernel(variant.name);
  if (ctx.sizing()) return LOWBIT_OK;

  s.packed = static_cast<const uint8_t*>(packed);
  for (int32_t group = 0; group < groups; ++group) {
    const size_t first = size_t(group) * size_t(s.group_output_c);
    qs8_gemm_pack(kernel.layout, size_t(s.group_output_c), k, o.weight_data + first * k,
                  o.bias_data ? o.bias_data + first : nullptr, ctx.zero_point(o.input),
                  static_cast<uint8_t*>(packed) + size_t(group) * s.group_packed_bytes);
  }
  std::memcpy(state, &s, sizeof s);
  ctx.set_state(state);
  return LOWBIT_OK;
}

constexpr lowbit_micro_op kOp{kOpConv2D, prepare, invoke};

}  // namespace
}  // namespace micro
}  // namespace lowbit

extern "C" const lowbit_micro_op* lowbit_micro_op_conv_2d(void) { return &lowbit::micro::kOp; }
