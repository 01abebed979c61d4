// Binary and int8 GEMM microkernels on the same M x N x K, single-threaded.
// Counters: MACs/s (binary: 1-bit multiply-accumulates) of this thread's CPU
// time; int8: %peak, against the int8 dot-product peak measured on this core
// (bench_kernels_peak.h); binary on x86: MACs per TSC cycle (the TSC ticks at
// the nominal clock, so a boosting core shows more than its per-cycle limit,
// ~340 binary MACs/cycle on AVX-512 VPOPCNTDQ).
#include <benchmark/benchmark.h>
#if defined(__x86_64__)
#include <x86intrin.h>  // __rdtsc
#endif

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "bench_kernels_peak.h"
#include "bench_kernels_timing.h"
#include "kernels/bin_gemm.h"
#include "kernels/qs8_gemm.h"
#include "lowbit/interpreter.h"
#include "runtime/cpu_features.h"

namespace lowbit {
namespace {

struct AlignedBytes {
  explicit AlignedBytes(size_t n) : ptr(static_cast<uint8_t*>(std::aligned_alloc(64, (n + 63) / 64 * 64))) {
    std::mt19937 rng(1);
    for (size_t i = 0; i < n; ++i) ptr[i] = static_cast<uint8_t>(rng());
  }
  ~AlignedBytes() { std::free(ptr); }
  uint8_t* ptr;
};

#if defined(__x86_64__)
// TSC ticks per second, measured once against the steady clock.
double tsc_hz() {
  static const double hz = [] {
    const auto t0 = std::chrono::steady_clock::now();
    const uint64_t c0 = __rdtsc();
    while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(50)) {
    }
    const uint64_t c1 = __rdtsc();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - t0;
    return double(c1 - c0) / elapsed.count();
  }();
  return hz;
}
#endif

// Rates over this thread's CPU time, not wall time: on a shared machine wall
// time includes other jobs.
void report(benchmark::State& state, double macs_per_iteration, double cpu_seconds, bool int8) {
  state.counters["MACs/s"] =
      benchmark::Counter(macs_per_iteration, benchmark::Counter::kIsIterationInvariantRate);
  const double macs_per_second = macs_per_iteration * double(state.iterations()) / cpu_seconds;
  if (int8) {
    report_peak_fraction(state, macs_per_second);
  } else {
#if defined(__x86_64__)
    state.counters["MACs/TSC_cycle"] = macs_per_second / tsc_hz();
#endif
  }
}

// A 3x3 convolution's GEMM: K = 9 taps x K/9 channels, A rows read through
// indirection pointers into M packed pixels, as BCONV2D runs it.
void bin_gemm(benchmark::State& state, BinGemmKernel kernel) {
  const size_t m = state.range(0), n = state.range(1), k_bits = state.range(2);
  const size_t taps = 9, tap_words = k_bits / taps / 32;
  AlignedBytes a(m * tap_words * 4), b(n * taps * tap_words * 4);
  // B packed once, as a convolution's filter is, one block of nr channels at a time.
  const size_t block_words = bin_gemm_block_words(kernel, taps, tap_words);
  const size_t blocks = (n + kernel.nr - 1) / kernel.nr;
  AlignedBytes packed(blocks * block_words * 4);
  auto* packed_words = reinterpret_cast<uint32_t*>(packed.ptr);
  const auto* bw = reinterpret_cast<const uint32_t*>(b.ptr);
  for (size_t j = 0; j < blocks; ++j) {
    bin_gemm_pack_block(kernel, std::min<size_t>(kernel.nr, n - j * kernel.nr), taps, tap_words,
                        bw + j * kernel.nr * taps * tap_words, taps * tap_words, tap_words,
                        packed_words + j * block_words);
  }
  // Per tile of mr rows, tap-major pointers to neighbouring pixels.
  const auto* aw = reinterpret_cast<const uint32_t*>(a.ptr);
  const size_t tiles = (m + kernel.mr - 1) / kernel.mr;
  std::vector<const uint32_t*> pointers(tiles * taps * kernel.mr);
  for (size_t i = 0; i < m; i += kernel.mr) {
    const size_t mr = std::min<size_t>(kernel.mr, m - i);
    for (size_t t = 0; t < taps; ++t) {
      for (size_t r = 0; r < mr; ++r) {
        pointers[i / kernel.mr * taps * kernel.mr + t * mr + r] =
            aw + (i + r + t) % m * tap_words;
      }
    }
  }
  std::vector<int32_t> c(m * n);
  const double start = thread_cpu_seconds();
  for (auto _ : state) {
    for (size_t i = 0; i < m; i += kernel.mr) {
      const size_t mr = std::min<size_t>(kernel.mr, m - i);
      const uint32_t* const* a_rows = pointers.data() + i / kernel.mr * taps * kernel.mr;
      for (size_t j = 0; j < blocks; ++j) {
        const size_t nr = std::min<size_t>(kernel.nr, n - j * kernel.nr);
        kernel.fn(mr, nr, taps, tap_words, a_rows, ~0u, packed_words + j * block_words,
                  c.data() + i * n + j * kernel.nr, n);
      }
    }
    benchmark::DoNotOptimize(c.data());
  }
  report(state, double(m) * n * k_bits, thread_cpu_seconds() - start, false);
}

void qs8_gemm(benchmark::State& state, Qs8GemmKernel kernel,
              RequantProfile profile) {
  const size_t m = state.range(0), n = state.range(1), k = state.range(2);
  AlignedBytes a(m * k), w(n * k);
  AlignedBytes packed(qs8_gemm_packed_bytes(kernel.layout, n, k));
  std::vector<int32_t> bias(n, 100);
  qs8_gemm_pack(kernel.layout, n, k, reinterpret_cast<const int8_t*>(w.ptr), bias.data(), 3,
                packed.ptr);
  const size_t padded_n = (n + 15) / 16 * 16;
  std::vector<int32_t> multiplier(padded_n, 1 << 30), shift(padded_n, -8);
  std::vector<float> scale(padded_n, 1.0f / 512);
  Qs8GemmParams params;
  params.profile = profile;
  params.multiplier = multiplier.data();
  params.shift = shift.data();
  params.scale = scale.data();
  std::vector<const int8_t*> rows(m);
  for (size_t i = 0; i < m; ++i) rows[i] = reinterpret_cast<const int8_t*>(a.ptr) + i * k;
  std::vector<int8_t> c(m * n);
  const double start = thread_cpu_seconds();
  for (auto _ : state) {
    for (size_t i = 0; i < m; i += kernel.mr) {
      const size_t mr = std::min<size_t>(kernel.mr, m - i);
      kernel.fn(mr, n, k, rows.data() + i, packed.ptr, c.data() + i * n, n, params);
    }
    benchmark::DoNotOptimize(c.data());
  }
  report(state, double(m) * n * k, thread_cpu_seconds() - start, true);
}

// M = output pixels, N = output channels, K = kernel taps x input channels.
void shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"M", "N", "K"});
  b->Args({3136, 64, 576});    // 56x56, 3x3x64 -> 64 (ResNet/QuickNet stage 1)
  b->Args({784, 128, 1152});   // 28x28, 3x3x128 -> 128
  b->Args({196, 256, 2304});   // 14x14, 3x3x256 -> 256
  b->Args({49, 512, 4608});    // 7x7, 3x3x512 -> 512
}

// MobileNet 1x1 layers with few input channels, where the output stage (one
// requantization per output) costs as much as the dot products: compared
// across requantization profiles.
void pointwise_shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"M", "N", "K"});
  b->Args({2304, 96, 16});   // 48x48, expand 16 -> 96
  b->Args({2304, 24, 96});   // 48x48, project 96 -> 24
  b->Args({576, 144, 24});   // 24x24, expand 24 -> 144
  b->Args({576, 32, 144});   // 24x24, project 144 -> 32
}

int register_all() {
  const CpuFeatures cpu = CpuFeatures::detect();
  const auto [bin, bin_count] = bin_gemm_variants();
  for (size_t i = 0; i < bin_count; ++i) {
    if (!cpu.has(bin[i].required)) continue;
    benchmark::RegisterBenchmark(bin[i].name, bin_gemm, bin[i].fn)->Apply(shapes);
  }
  const auto [qs8, qs8_count] = qs8_gemm_variants();
  for (size_t i = 0; i < qs8_count; ++i) {
    // The AVX-VNNI kernel's EVEX build, where AVX512-VNNI is (docs/benchmarks-int8.md
    // compares it with the 512-bit kernel: which one `auto` should prefer).
#if defined(__x86_64__)
    if (qs8[i].fn.fn == qs8_gemm_4x8c4__avxvnni) {
      const KernelVariant<Qs8GemmKernel> twin = qs8_gemm_avxvnni_evex_row(qs8[i]);
      if (cpu.has(twin.required)) {
        benchmark::RegisterBenchmark(twin.name, qs8_gemm, twin.fn, RequantProfile::kTfliteReference)
            ->Apply(shapes);
      }
    }
#endif
    if (!cpu.has(qs8[i].required)) continue;
    benchmark::RegisterBenchmark(qs8[i].name, qs8_gemm, qs8[i].fn, RequantProfile::kTfliteReference)
        ->Apply(shapes);
    // The form the convolution driver runs where it offsets its input
    // (Qs8GemmKernel::fn_offset): same bytes in, no XOR in the K loop.
    if (qs8[i].fn.fn_offset != nullptr) {
      Qs8GemmKernel offset = qs8[i].fn;
      offset.fn = offset.fn_offset;
      benchmark::RegisterBenchmark((std::string(qs8[i].name) + "+offset").c_str(), qs8_gemm, offset,
                                   RequantProfile::kTfliteReference)
          ->Apply(shapes);
    }
    for (RequantProfile profile :
         {RequantProfile::kTfliteReference, RequantProfile::kSingleRounding,
          RequantProfile::kXnnpackFp32, RequantProfile::kTfliteOptimized}) {
      const std::string name =
          std::string(qs8[i].name) + "/pointwise/" + requant_profile_name(profile);
      benchmark::RegisterBenchmark(name.c_str(), qs8_gemm, qs8[i].fn, profile)
          ->Apply(pointwise_shapes);
    }
  }
  return 0;
}

const int registered = register_all();

}  // namespace
}  // namespace lowbit

BENCHMARK_MAIN();
