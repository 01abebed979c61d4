// int8 convolution layers of MobileNetV2-224 and ResNet-50 through our SIMD
// kernels (the variant the auto kernel set picks on this CPU) and through
// Debian's XNNPACK (qc8 convolution: per-channel weight scales, fp32
// requantization) in the same binary, single-threaded. Both sides include
// what a layer needs at run time: our K x K convolutions gather each tile's
// receptive fields as the runtime's driver does, XNNPACK runs its indirection
// operator. Counters: GOPS = 2 * MACs / CPU s; MACs/cycle = MACs per TSC
// cycle of this thread's CPU time (the VNNI limit is 64 per core cycle; the
// TSC rate is the nominal clock, so turbo inflates this figure).
//
//   build/bin/bench_kernels --benchmark_filter=peers --benchmark_min_time=0.2
#include <benchmark/benchmark.h>
#include <xnnpack.h>

#include <x86intrin.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "kernels/qs8_dwconv.h"
#include "kernels/qs8_gemm.h"
#include "runtime/cpu_features.h"

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
};

constexpr int32_t kInputZeroPoint = 3, kOutputZeroPoint = -5;

std::vector<int8_t> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
  return v;
}

double tsc_hz() {
  static const double hz = [] {
    const auto t0 = std::chrono::steady_clock::now();
    const uint64_t c0 = __rdtsc();
    while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(50)) {
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - t0;
    return double(__rdtsc() - c0) / elapsed.count();
  }();
  return hz;
}

double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

// Call after the timed loop with the thread CPU time it took.
void report(benchmark::State& state, const Layer& layer, double cpu_seconds) {
  state.counters["GOPS"] = benchmark::Counter(2e-9 * layer.macs(),
                                              benchmark::Counter::kIsIterationInvariantRate);
  state.counters["MACs/cycle"] =
      layer.macs() * double(state.iterations()) / (cpu_seconds * tsc_hz());
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

const KernelSelector& auto_selector() {
  static const KernelSelector selector =
      KernelSelector::create("auto", CpuFeatures::detect()).value();
  return selector;
}

void ours_conv(benchmark::State& state, const Layer& L) {
  size_t count = 0;
  const KernelVariant<Qs8GemmKernel>* variants = qs8_gemm_variants(&count);
  const KernelVariant<Qs8GemmKernel>& variant = auto_selector().select(variants, count);
  const Qs8GemmKernel& kernel = variant.fn;
  state.SetLabel(variant.name);
  const size_t k = size_t(L.kernel) * L.kernel * L.in_c, n = L.out_c;
  const size_t rows = size_t(L.out_h()) * L.out_w();
  const std::vector<int8_t> input = random_bytes(size_t(L.h) * L.w * L.in_c, 1);
  const std::vector<int8_t> weights = random_bytes(n * k, 2);
  const std::vector<int32_t> bias(n, 100);
  std::vector<uint8_t> packed(qs8_gemm_packed_bytes(kernel.layout, n, k) + 64);
  qs8_gemm_pack(kernel.layout, n, k, weights.data(), bias.data(), kInputZeroPoint, packed.data());
  Requant requant(n);
  std::vector<int8_t> output(rows * n), strip(kernel.mr * k);
  const bool direct = L.kernel == 1 && L.stride == 1;
  const int pad = L.kernel / 2;
  const int8_t* row_ptrs[16];
  tsc_hz();
  const double start = thread_cpu_seconds();
  for (auto _ : state) {
    for (size_t row0 = 0; row0 < rows; row0 += kernel.mr) {
      const size_t mr = std::min<size_t>(kernel.mr, rows - row0);
      for (size_t m = 0; m < mr; ++m) {
        const size_t row = row0 + m;
        if (direct) {
          row_ptrs[m] = input.data() + row * k;
          continue;
        }
        // The runtime's gather: receptive field into the tile's strip.
        int8_t* dst = strip.data() + m * k;
        const int oy = int(row / L.out_w()), ox = int(row % L.out_w());
        for (int ky = 0; ky < L.kernel; ++ky) {
          for (int kx = 0; kx < L.kernel; ++kx, dst += L.in_c) {
            const int iy = oy * L.stride - pad + ky, ix = ox * L.stride - pad + kx;
            if (iy < 0 || iy >= L.h || ix < 0 || ix >= L.w) {
              std::memset(dst, kInputZeroPoint, L.in_c);
            } else {
              std::memcpy(dst, input.data() + (size_t(iy) * L.w + ix) * L.in_c, L.in_c);
            }
          }
        }
        row_ptrs[m] = strip.data() + m * k;
      }
      kernel.fn(mr, n, k, row_ptrs, packed.data(), output.data() + row0 * n, n, requant.params);
    }
    benchmark::DoNotOptimize(output.data());
  }
  report(state, L, thread_cpu_seconds() - start);
}

void ours_dwconv(benchmark::State& state, const Layer& L) {
  size_t count = 0;
  const KernelVariant<Qs8DwconvKernel>* variants = qs8_dwconv_variants(&count);
  const KernelVariant<Qs8DwconvKernel>& variant = auto_selector().select(variants, count);
  state.SetLabel(variant.name);
  const size_t c = L.in_c, taps = size_t(L.kernel) * L.kernel;
  const std::vector<int8_t> input = random_bytes(size_t(L.h) * L.w * c, 1);
  const std::vector<int8_t> weights = random_bytes(taps * c, 2);
  const std::vector<int32_t> bias(c, 100);
  std::vector<uint8_t> packed(qs8_dwconv_packed_bytes(variant.fn.channel_block, c, taps) + 64);
  qs8_dwconv_pack(variant.fn.channel_block, c, taps, weights.data(), bias.data(), kInputZeroPoint,
                  packed.data());
  Requant requant(c);
  const std::vector<int8_t> padding(c, kInputZeroPoint);
  std::vector<int8_t> output(size_t(L.out_h()) * L.out_w() * c);
  const int pad = L.kernel / 2;
  const int8_t* tap_ptrs[64];
  tsc_hz();
  const double start = thread_cpu_seconds();
  for (auto _ : state) {
    for (int oy = 0; oy < L.out_h(); ++oy) {
      for (int ox = 0; ox < L.out_w(); ++ox) {
        size_t t = 0;
        for (int ky = 0; ky < L.kernel; ++ky) {
          for (int kx = 0; kx < L.kernel; ++kx) {
            const int iy = oy * L.stride - pad + ky, ix = ox * L.stride - pad + kx;
            const bool inside = iy >= 0 && iy < L.h && ix >= 0 && ix < L.w;
            tap_ptrs[t++] = inside ? input.data() + (size_t(iy) * L.w + ix) * c : padding.data();
          }
        }
        variant.fn.fn(c, taps, tap_ptrs, packed.data(),
                      output.data() + (size_t(oy) * L.out_w() + ox) * c, requant.params);
      }
    }
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
  tsc_hz();
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
