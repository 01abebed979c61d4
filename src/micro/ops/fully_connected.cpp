// FULLY_CONNECTED, int8: [input (read as [batch, K]), weights [OC, K],
// bias?] -> [batch, OC]. Under tflite_reference LiteRT's reference kernel
// rescales each accumulator in double (ref::double_rescale_to_output); the
// hosted runtime reproduces that on its SIMD GEMMs through single-rounding
// equivalents found by a search at prepare, or else runs the reference
// kernel. Here that profile runs a direct loop over the weights in place (no
// search, no packed copy in the arena): each accumulator is the folded bias
// bias - zx * sum(w) plus the int8 dot product, in wrapping uint32, which
// equals the reference's sum of w * (x - zx) + bias exactly (the same value
// mod 2^32, and check_accumulator_range bounds it to int32), then the same
// double rescale. The other profiles run the qs8 GEMM with rows pointing
// straight at the input.
#include <cstring>

#include "kernels/reference/qs8_fully_connected.h"
#include "micro/ops/weighted.h"

namespace lowbit {
namespace micro {
namespace {

constexpr size_t kMaxTileRows = 16;
constexpr size_t kChannelStep = 16;  // the widest NR of any GEMM variant

struct FullyConnectedState {
  // tflite_reference: the direct loop on the weights in place.
  bool double_rescale;
  ref::FullyConnectedQuantParams reference;
  const int8_t* weights;
  const uint32_t* folded_bias;  // per channel, bias - zx * sum(w) mod 2^32
  // Other profiles: the GEMM.
  Qs8GemmFn gemm;
  Qs8GemmParams params;
  const void* packed;
  size_t batch, k, n, tile_rows;
};

void run_double_rescale(const FullyConnectedState& s, const int8_t* input, int8_t* output) {
  for (size_t b = 0; b < s.batch; ++b, input += s.k, output += s.n) {
    const int8_t* w = s.weights;
    for (size_t c = 0; c < s.n; ++c, w += s.k) {
      uint32_t acc = s.folded_bias[c];
      for (size_t i = 0; i < s.k; ++i) acc += uint32_t(int32_t(w[i]) * int32_t(input[i]));
      output[c] = int8_t(ref::double_rescale_to_output(s.reference, int32_t(c), int32_t(acc)));
    }
  }
}

void invoke(const InvokeArgs& args) {
  const auto& s = *static_cast<const FullyConnectedState*>(args.state);
  const auto* input = static_cast<const int8_t*>(args.inputs[0]);
  auto* output = static_cast<int8_t*>(args.outputs[0]);
  if (s.double_rescale) {
    run_double_rescale(s, input, output);
    return;
  }
  const int8_t* rows[kMaxTileRows];
  for (size_t row0 = 0; row0 < s.batch; row0 += s.tile_rows) {
    const size_t mr = s.batch - row0 < s.tile_rows ? s.batch - row0 : s.tile_rows;
    for (size_t m = 0; m < mr; ++m) rows[m] = input + (row0 + m) * s.k;
    s.gemm(mr, s.n, s.k, rows, s.packed, output + row0 * s.n, s.n, s.params);
  }
}

lowbit_status check_shapes(PrepareContext& ctx, const WeightedOperands& o, int32_t* batch) {
  const TensorView& in = o.input;
  const int64_t k = o.weights.dims[1];
  if (in.rank < 1 || in.elements() == 0 || in.elements() % k != 0) {
    return ctx.fail(LOWBIT_INVALID_MODEL, in, " has ", in.elements(),
                    " elements, not a nonzero multiple of K = ", k, " from ", o.weights);
  }
  *batch = int32_t(in.elements() / k);
  const bool keep_num_dims = ctx.option<uint8_t>(field::fully_connected::kKeepNumDims, 0) != 0;
  if (keep_num_dims && in.dims[in.rank - 1] != k) {
    return ctx.fail(LOWBIT_INVALID_MODEL, "keep_num_dims needs the last dimension of ", in,
                    " to equal K = ", k);
  }
  const TensorView& out = o.output;
  if (out.rank < 1 || out.dims[out.rank - 1] != o.output_channels ||
      out.elements() != int64_t(*batch) * o.output_channels) {
    return ctx.fail(LOWBIT_INVALID_MODEL, out, " must hold ", *batch, " rows of ",
                    o.output_channels, " outputs");
  }
  return LOWBIT_OK;
}

// tflite_reference: the reference kernel's quantization parameters, one
// double scale and one folded bias per channel in persistent memory.
lowbit_status prepare_double_rescale(PrepareContext& ctx, const WeightedOperands& o, int activation,
                                     FullyConnectedState* s) {
  void* scales = nullptr;
  void* folded = nullptr;
  if (!ctx.allocate(sizeof(double) * s->n, &scales) ||
      !ctx.allocate(sizeof(uint32_t) * s->n, &folded)) {
    return LOWBIT_RESOURCE_EXHAUSTED;
  }
  ref::FullyConnectedQuantParams& p = s->reference;
  p.batch = int32_t(s->batch);
  p.input_depth = int32_t(s->k);
  p.output_depth = o.output_channels;
  p.input_zero_point = ctx.zero_point(o.input);
  p.output_zero_point = ctx.zero_point(o.output);
  p.profile = ctx.profile();
  int8_activation_range(ctx, activation, o.output, &p.act_min, &p.act_max);
  ctx.set_kernel("qs8_fully_connected_direct__reference");
  if (ctx.sizing()) return LOWBIT_OK;
  auto* d = static_cast<double*>(scales);
  for (int32_t c = 0; c < o.output_channels; ++c) {
    d[c] = ref::fully_connected_double_scale(
        ctx.scale(o.input), ctx.scale(o.weights, o.weights.scales > 1 ? uint32_t(c) : 0),
        ctx.scale(o.output));
  }
  p.double_scales = d;
  auto* bias = static_cast<uint32_t*>(folded);
  const uint32_t zx = uint32_t(p.input_zero_point);
  for (size_t c = 0; c < s->n; ++c) {
    uint32_t sum = 0;
    for (size_t i = 0; i < s->k; ++i) sum += uint32_t(int32_t(o.weight_data[c * s->k + i]));
    bias[c] = (o.bias_data ? uint32_t(o.bias_data[c]) : 0u) - zx * sum;
  }
  s->weights = o.weight_data;
  s->folded_bias = bias;
  return LOWBIT_OK;
}

lowbit_status prepare_gemm(PrepareContext& ctx, const WeightedOperands& o, int activation,
                           FullyConnectedState* s) {
  const KernelVariant<Qs8GemmKernel>& variant = pick_variant(qs8_gemm_variants(), ctx.cpu_features());
  const Qs8GemmKernel& kernel = variant.fn;
  if (kernel.mr > kMaxTileRows || kernel.layout.nr > kChannelStep) {
    return ctx.fail(LOWBIT_UNSUPPORTED, variant.name, " has tiles larger than lowbit micro's ",
                    kMaxTileRows, " x ", kChannelStep);
  }
  s->gemm = kernel.fn;
  const size_t tiles = (s->batch + kernel.mr - 1) / kernel.mr;
  s->tile_rows = (s->batch + tiles - 1) / tiles;
  void* packed = nullptr;
  if (!ctx.allocate(qs8_gemm_packed_bytes(kernel.layout, s->n, s->k), &packed)) {
    return LOWBIT_RESOURCE_EXHAUSTED;
  }
  // TFLite forms a per-tensor layer's in * w in float first.
  const ScaleProduct product = o.weights.scales > 1 ? ScaleProduct::kDouble : ScaleProduct::kFloat;
  const lowbit_status status = make_requant_params(ctx, o, activation, product,
                                                   round_up(s->n, kChannelStep), &s->params);
  if (status != LOWBIT_OK) return status;
  ctx.set_kernel(variant.name);
  if (ctx.sizing()) return LOWBIT_OK;
  qs8_gemm_pack(kernel.layout, s->n, s->k, o.weight_data, o.bias_data, ctx.zero_point(o.input),
                packed);
  s->packed = packed;
  return LOWBIT_OK;
}

lowbit_status prepare(PrepareContext& ctx) {
  WeightedOperands o;
  lowbit_status status = read_weighted_operands(ctx, kFullyConnectedOptions, 2, 0, &o);
  int32_t batch = 0;
  if (status == LOWBIT_OK) status = check_shapes(ctx, o, &batch);
  const size_t k = size_t(o.weights.dims[1]);
  if (status == LOWBIT_OK) status = check_accumulator_range(ctx, o, k, 1, k);
  int activation = 0;
  if (status == LOWBIT_OK) status = read_activation(ctx, field::fully_connected::kActivation, &activation);
  if (status != LOWBIT_OK) return status;

  void* state = nullptr;
  if (!ctx.allocate(sizeof(FullyConnectedState), &state)) return LOWBIT_RESOURCE_EXHAUSTED;
  FullyConnectedState s{};
  s.batch = size_t(batch);
  s.k = k;
  s.n = size_t(o.output_channels);
  s.double_rescale = ctx.profile() == RequantProfile::kTfliteReference;
  status = s.double_rescale ? prepare_double_rescale(ctx, o, activation, &s)
                            : prepare_gemm(ctx, o, activation, &s);
  if (status != LOWBIT_OK || ctx.sizing()) return status;
  std::memcpy(state, &s, sizeof s);
  ctx.set_state(state);
  return LOWBIT_OK;
}

constexpr lowbit_micro_op kOp{kOpFullyConnected, prepare, invoke};

}  // namespace
}  // namespace micro
}  // namespace lowbit

extern "C" const lowbit_micro_op* lowbit_micro_op_fully_connected(void) {
  return &lowbit::micro::kOp;
}
