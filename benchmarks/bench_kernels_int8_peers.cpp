// int8 convolution layers of MobileNetV2-224 and ResNet-50 through our SIMD
// kernels (the variant the auto kernel set picks on this CPU) and through
// Debian's XNNPACK (qc8 convolution: per-channel weight scales, fp32
// requantization) in the same binary, single-threaded. Both sides run a whole
// layer as at run time: ours through the runtime's convolution driver
// (Qs8GemmConvDriver: per-tile gather for K x K, direct rows for 1x1), XNNPACK its
// indirection operator. Counters: GOPS = 2 * MACs / CPU s; %peak = MACs per
// CPU second against the int8 dot-product peak measured on this core
// (bench_kernels_peak.h, also reported as peak_GMAC/s). scripts/bench_peers.sh
// layers adds ONNX Runtime on the same shapes.
//
//   build/bin/bench_kernels --benchmark_filter=peers --benchmark_min_time=0.2
#include <benchmark/benchmark.h>
#include <xnnpack.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "bench_kernels_peak.h"
#include "bench_kernels_timing.h"
#include "kernels/qs8_dwconv.h"
#include "kernels/qs8_gemm.h"
#include "ops/drivers/qs8_dwconv_driver.h"
#include "ops/drivers/qs8_gemm_conv_driver.h"
#include "runtime/cpu_features.h"
#include "runtime/thread_pool.h"

namespace lowbit {
namespace {

struct Layer {
  const char* name;
  int h, w, in_c, out_c, kernel, stride;
  bool depthwise;
  int out_h() const { return (h + 2 * (kernel / 2) - kernel) / stride + 1; }
  int out_w() const { return (w + 2 * (kernel / 2) - kernel) / stride + 1; }
  double macs() const {
    return double(out_h()) * out_w() * out_c * kernel * kernel * (depthwise ? 1 : in_c);
  }
};

const Layer kLayers[] = {
    {"mnv2_conv0_3x3s2_224x3x32", 224, 224, 3, 32, 3, 2, false},
    {"mnv2_expand_112x16x96", 112, 112, 16, 96, 1, 1, false},
    {"mnv2_expand_56x24x144", 56, 56, 24, 144, 1, 1, false},
    {"mnv2_project_56x144x24", 56, 56, 144, 24, 1, 1, false},
    {"mnv2_expand_28x32x192", 28, 28, 32, 192, 1, 1, false},
    {"mnv2_expand_14x64x384", 14, 14, 64, 384, 1, 1, false},
    {"mnv2_project_14x384x64", 14, 14, 384, 64, 1, 1, false},
    {"mnv2_expand_7x160x960", 7, 7, 160, 960, 1, 1, false},
    {"mnv2_project_7x960x320", 7, 7, 960, 320, 1, 1, false},
    {"mnv2_last_7x320x1280", 7, 7, 320, 1280, 1, 1, false},
    {"mnv2_dw3x3s2_112x96", 112, 112, 96, 96, 3, 2, true},
    {"mnv2_dw3x3_56x144", 56, 56, 144, 144, 3, 1, true},
    {"mnv2_dw3x3_28x192", 28, 28, 192, 192, 3, 1, true},
    {"mnv2_dw3x3_14x384", 14, 14, 384, 384, 3, 1, true},
    {"mnv2_dw3x3_7x960", 7, 7, 960, 960, 3, 1, true},
    {"resnet_3x3_56x64x64", 56, 56, 64, 64, 3, 1, false},
    {"resnet_1x1_56x64x256", 56, 56, 64, 256, 1, 1, false},
    {"resnet_3x3_14x256x256", 14, 14, 256, 256, 3, 1, false},
    // MLPerf Tiny ResNet-8: the RGB layer and the 16-channel 3x3 layers.
    {"resnet8_conv0_3x3_32x3x16", 32, 32, 3, 16, 3, 1, false},
    {"resnet8_3x3_32x16x16", 32, 32, 16, 16, 3, 1, false},
};

constexpr int32_t kInputZeroPoint = 3, kOutputZeroPoint = -5;

std::vector<int8_t> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
  return v;
}

// Call after the timed loop with the thread CPU time it took.
void report(benchmark::State& state, const Layer& layer, double cpu_seconds) {
  state.counters["GOPS"] = benchmark::Counter(2e-9 * layer.macs(),
                                              benchmark::Counter::kIsIterationInvariantRate);
  report_peak_fraction(state, layer.macs() * double(state.iterations()) / cpu_seconds);
}

// Per-channel requantization in the xnnpack_fp32 profile, as XNNPACK's qc8.
struct Requant {
  std::vector<int32_t> multiplier, shift;
  std::vector<float> scale;
  Qs8GemmParams params;
  explicit Requant(size_t channels) : multiplier(channels + 32), shift(channels + 32), scale(channels + 32) {
    for (size_t c = 0; c < channels; ++c) scale[c] = 0.0004f + 0.00001f * float(c % 7);
    params.profile = RequantProfile::kXnnpackFp32;
    params.output_zero_point = kOutputZeroPoint;
    params.output_min = -128;
    params.output_max = 127;
    params.multiplier = multiplier.data();
    params.shift = shift.data();
    params.scale = scale.data();
  }
};

// The convolution driver's view of a layer: its geometry and its per-channel
// requantization (output channels: out_c, or in_c for a depthwise layer).
struct LayerSetup {
  Qs8ConvGeometry geometry;
  Requant requant;
  std::vector<ref::Requantizer> requantizers;
  Qs8ConvQuantization quantization;

  explicit LayerSetup(const Layer& L)
      : requant(L.depthwise ? L.in_c : L.out_c), requantizers(L.depthwise ? L.in_c : L.out_c) {
    geometry.input_h = L.h;
    geometry.input_w = L.w;
    geometry.input_c = L.in_c;
    geometry.output_h = L.out_h();
    geometry.output_w = L.out_w();
    geometry.output_c = L.depthwise ? L.in_c : L.out_c;
    geometry.kernel_h = geometry.kernel_w = L.kernel;
    geometry.stride_h = geometry.stride_w = L.stride;
    geometry.pad_top = geometry.pad_left = L.kernel / 2;
    for (size_t c = 0; c < requantizers.size(); ++c) requantizers[c].scale = requant.scale[c];
    quantization.input_zero_point = kInputZeroPoint;
    quantization.output_zero_point = kOutputZeroPoint;
    quantization.profile = RequantProfile::kXnnpackFp32;
    quantization.requantizers = requantizers.data();
  }
  LayerSetup(const LayerSetup&) = delete;  // quantization points into it
};

const KernelSelector& auto_selector() {
  static const KernelSelector selector =
      KernelSelector::create("auto", CpuFeatures::detect()).value();
  return selector;
}

// The runtime's own convolution driver (packing, per-tile gather or direct
// rows for 1x1, kernel calls) on one thread.
class BenchPrepareContext final : public PrepareContext {
 public:
  explicit BenchPrepareContext(ThreadPool& pool) : pool_(pool) {}
  const GraphDesc& graph() const override { std::abort(); }
  const OperatorDesc& op() const override { std::abort(); }
  int op_index() const override { return 0; }
  RequantProfile profile() const override { return RequantProfile::kXnnpackFp32; }
  const KernelSelector& selector() const override { return auto_selector(); }
  ThreadPool& pool() const override { return pool_; }
  // A layer here has no operator in a model, so nothing stored to find.
  const void* find_prepared(const std::string&, size_t) const override { return nullptr; }
  void request_scratch(size_t bytes) override { scratch_bytes = std::max(scratch_bytes, bytes); }
  // 64-byte aligned, as the interpreter's persistent buffers are: packed
  // weights read 64 bytes at a time would otherwise split cache lines.
  void* allocate_persistent(size_t bytes) override {
    persistent.emplace_back(new uint64_t[(bytes + 63) / 8 + 8]());
    const auto address = reinterpret_cast<uintptr_t>(persistent.back().get());
    return reinterpret_cast<void*>((address + 63) & ~uintptr_t{63});
  }
  size_t scratch_bytes = 0;
  std::vector<std::unique_ptr<uint64_t[]>> persistent;

 private:
  ThreadPool& pool_;
};

void ours_conv(benchmark::State& state, const Layer& L) {
  const KernelVariant<Qs8GemmKernel>& variant = auto_selector().select(qs8_gemm_variants());
  state.SetLabel(variant.name);
  const size_t n = L.out_c;
  const LayerSetup setup(L);
  const std::vector<int8_t> input = random_bytes(size_t(L.h) * L.w * L.in_c, 1);
  const std::vector<int8_t> weights = random_bytes(n * L.kernel * L.kernel * L.in_c, 2);
  const std::vector<int32_t> bias(n, 100);
  ThreadPool pool(1);
  BenchPrepareContext ctx(pool);
  Qs8GemmConvDriver conv;
  if (!conv.prepare(ctx, variant, setup.geometry, setup.quantization, weights.data(), bias.data())
           .ok()) {
    state.SkipWithError("prepare failed");
    return;
  }
  std::vector<uint64_t> scratch_words(ctx.scratch_bytes / 8 + 16);
  void* scratch = reinterpret_cast<void*>(
      (reinterpret_cast<uintptr_t>(scratch_words.data()) + 63) & ~uintptr_t{63});
  std::vector<int8_t> output(size_t(L.out_h()) * L.out_w() * n);
  const double start = thread_cpu_seconds();
  for (auto _ : state) {
    conv.run(pool, input.data(), output.data(), scratch);
    benchmark::DoNotOptimize(output.data());
  }
  report(state, L, thread_cpu_seconds() - start);
}

// The runtime's depthwise driver (Qs8DwconvDriver: row kernels for 3x3 and
// 5x5, the generic per-pixel kernel otherwise) on one thread.
void ours_dwconv(benchmark::State& state, const Layer& L) {
  const size_t c = L.in_c, taps = size_t(L.kernel) * L.kernel;
  const LayerSetup setup(L);
  const std::vector<int8_t> input = random_bytes(size_t(L.h) * L.w * c, 1);
  const std::vector<int8_t> weights = random_bytes(taps * c, 2);
  const std::vector<int32_t> bias(c, 100);
  ThreadPool pool(1);
  BenchPrepareContext ctx(pool);
  Qs8DwconvDriver dw;
  const KernelVariant<Qs8DwconvKernel>& variant = auto_selector().select(qs8_dwconv_variants());
  if (!dw.prepare(ctx, variant, setup.geometry, setup.quantization, weights.data(), bias.data())
           .ok()) {
    state.SkipWithError("prepare failed");
    return;
  }
  state.SetLabel(dw.name());
  std::vector<int8_t> output(size_t(L.out_h()) * L.out_w() * c);
  const double start = thread_cpu_seconds();
  for (auto _ : state) {
    dw.run(pool, input.data(), output.data(), nullptr);
    benchmark::DoNotOptimize(output.data());
  }
  report(state, L, thread_cpu_seconds() - start);
}

void xnnpack_conv(benchmark::State& state, const Layer& L) {
  if (xnn_initialize(nullptr) != xnn_status_success) {
    state.SkipWithError("xnn_initialize failed");
    return;
  }
  const size_t groups = L.depthwise ? L.in_c : 1;
  const size_t group_in = L.depthwise ? 1 : L.in_c, group_out = L.depthwise ? 1 : L.out_c;
  const std::vector<int8_t> input = random_bytes(size_t(L.h) * L.w * L.in_c + 64, 1);
  const std::vector<int8_t> weights =
      random_bytes(size_t(L.out_c) * L.kernel * L.kernel * group_in, 2);
  const std::vector<int32_t> bias(L.out_c, 100);
  const std::vector<float> kernel_scale(L.out_c, 0.01f);
  std::vector<int8_t> output(size_t(L.out_h()) * L.out_w() * L.out_c);
  const uint32_t pad = L.kernel / 2;
  xnn_operator_t op = nullptr;
  xnn_status status = xnn_create_convolution2d_nhwc_qc8(
      pad, pad, pad, pad, L.kernel, L.kernel, L.stride, L.stride, 1, 1, groups, group_in,
      group_out, L.in_c, L.out_c, kInputZeroPoint, 0.05f, kernel_scale.data(), weights.data(),
      bias.data(), kOutputZeroPoint, 1.0f, -128, 127,
      L.depthwise ? XNN_FLAG_DEPTHWISE_CONVOLUTION : 0, &op);
  if (status == xnn_status_success) {
    status = xnn_setup_convolution2d_nhwc_qc8(op, 1, L.h, L.w, input.data(), output.data(), nullptr);
  }
  if (status != xnn_status_success) {
    state.SkipWithError("XNNPACK refused the layer");
    if (op) xnn_delete_operator(op);
    return;
  }
  state.SetLabel("xnnpack qc8");
  const double start = thread_cpu_seconds();
  for (auto _ : state) {
    xnn_run_operator(op, nullptr);
    benchmark::DoNotOptimize(output.data());
  }
  const double cpu_seconds = thread_cpu_seconds() - start;
  xnn_delete_operator(op);
  report(state, L, cpu_seconds);
}

// Each layer's two runs sit next to each other in the output.
const bool kRegistered = [] {
  for (const Layer& layer : kLayers) {
    const std::string base = std::string("peers/") + layer.name;
    benchmark::RegisterBenchmark((base + "/lowbit").c_str(), [layer](benchmark::State& s) {
      layer.depthwise ? ours_dwconv(s, layer) : ours_conv(s, layer);
    })->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((base + "/xnnpack").c_str(), [layer](benchmark::State& s) {
      xnnpack_conv(s, layer);
    })->Unit(benchmark::kMicrosecond);
  }
  return true;
}();

}  // namespace
}  // namespace lowbit
