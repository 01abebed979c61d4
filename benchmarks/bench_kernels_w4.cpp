// FULLY_CONNECTED-shaped GEMM at batch M = 1 and 4: int4 weights (the qs8w4
// GEMM) against int8 weights (the qs8 GEMM row FULLY_CONNECTED selects on this
// CPU), the same layer, timed alternately in the same run. Counters: the
// microseconds per call of each, and int4_speedup = int8 time / int4 time.
// cold=1 rotates through enough copies of the packed weights (over 320 MiB
// of int8 weights, past this machine's L3) that every call streams its
// weights from DRAM; cold=0 reuses one copy (cache-resident once it fits).
// Times are this thread's CPU time (a shared machine's other jobs excluded).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "bench_kernels_timing.h"
#include "kernels/qs8_gemm.h"
#include "kernels/qs8w4_gemm.h"
#include "runtime/cpu_features.h"

namespace lowbit {
namespace {

// `copies` copies of `bytes` packed bytes, each 64-byte aligned.
struct PackedCopies {
  PackedCopies(size_t bytes, size_t copies) : stride((bytes + 63) / 64 * 64) {
    base = static_cast<uint8_t*>(std::aligned_alloc(64, stride * copies));
    count = copies;
  }
  ~PackedCopies() { std::free(base); }
  uint8_t* copy(size_t i) const { return base + i * stride; }
  void replicate() const {
    for (size_t i = 1; i < count; ++i) std::memcpy(copy(i), copy(0), stride);
  }
  size_t stride, count;
  uint8_t* base;
};

constexpr size_t kColdBytes = size_t{320} << 20;

void fc_int4_vs_int8(benchmark::State& state, Qs8GemmKernel int8_kernel,
                     Qs8w4GemmKernel int4_kernel) {
  const size_t m = state.range(0), n = state.range(1), k = state.range(2);
  const bool cold = state.range(3) != 0;
  const size_t copies = cold ? (kColdBytes + n * k - 1) / (n * k) : 1;
  std::mt19937 rng(1);
  std::vector<int8_t> weights(n * k), activations(m * k);
  std::vector<uint8_t> nibbles((n * k + 1) / 2, 0);
  for (size_t i = 0; i < n * k; ++i) {
    weights[i] = static_cast<int8_t>(int(rng() % 16) - 8);
    const auto nibble = static_cast<uint8_t>(weights[i] & 0x0F);
    nibbles[i / 2] = static_cast<uint8_t>(nibbles[i / 2] | (i % 2 ? nibble << 4 : nibble));
  }
  for (auto& a : activations) a = static_cast<int8_t>(rng());
  std::vector<int32_t> bias(n, 100);
  PackedCopies w8(qs8_gemm_packed_bytes(int8_kernel.layout, n, k), copies);
  PackedCopies w4(qs8w4_gemm_packed_bytes(int4_kernel.layout, n, k), copies);
  qs8_gemm_pack(int8_kernel.layout, n, k, weights.data(), bias.data(), 3, w8.copy(0));
  qs8w4_gemm_pack(int4_kernel.layout, n, k, nibbles.data(), bias.data(), 3, w4.copy(0));
  w8.replicate();
  w4.replicate();
  const size_t padded_n = (n + 31) / 32 * 32;
  std::vector<int32_t> multiplier(padded_n, 1 << 30), shift(padded_n, -6);
  std::vector<float> scale(padded_n, 1.0f / 128);
  Qs8GemmParams params;
  params.profile = RequantProfile::kTfliteReference;
  params.multiplier = multiplier.data();
  params.shift = shift.data();
  params.scale = scale.data();
  std::vector<const int8_t*> rows(m);
  for (size_t i = 0; i < m; ++i) rows[i] = activations.data() + i * k;
  std::vector<int8_t> c8(m * n), c4(m * n);
  auto run8 = [&](size_t copy) {
    for (size_t i = 0; i < m; i += int8_kernel.mr) {
      int8_kernel.fn(std::min<size_t>(int8_kernel.mr, m - i), n, k, rows.data() + i,
                     w8.copy(copy), c8.data() + i * n, n, params);
    }
  };
  auto run4 = [&](size_t copy) {
    for (size_t i = 0; i < m; i += int4_kernel.mr) {
      int4_kernel.fn(std::min<size_t>(int4_kernel.mr, m - i), n, k, rows.data() + i,
                     w4.copy(copy), c4.data() + i * n, n, params);
    }
  };
  run8(0);
  run4(0);
  if (c8 != c4) {
    state.SkipWithError("int4 and int8 outputs differ");
    return;
  }
  double t8 = 0, t4 = 0;
  size_t copy = 0, iteration = 0;
  for (auto _ : state) {
    // Alternate which goes first, so neither always finds the other's
    // evictions.
    for (int turn = 0; turn < 2; ++turn) {
      const bool int8_turn = (turn == 0) == (iteration % 2 == 0);
      const double start = thread_cpu_seconds();
      if (int8_turn) {
        run8(copy);
      } else {
        run4(copy);
      }
      (int8_turn ? t8 : t4) += thread_cpu_seconds() - start;
    }
    benchmark::DoNotOptimize(c8.data());
    benchmark::DoNotOptimize(c4.data());
    copy = (copy + 1) % copies;
    ++iteration;
  }
  const double calls = double(state.iterations());
  state.counters["int8_us"] = 1e6 * t8 / calls;
  state.counters["int4_us"] = 1e6 * t4 / calls;
  state.counters["int4_speedup"] = t8 / t4;
  state.counters["int8_GB/s"] = double(n) * double(k) * calls / t8 * 1e-9;
  state.counters["int4_GB/s"] = double(n) * double(k) / 2 * calls / t4 * 1e-9;
}

// One kernel alone, `iterations` calls on one copy of the weights, for
// instruction counts under qemu (docs/benchmarks.md): the fixed iteration
// counts 1 and 11 differ by exactly ten calls, setup and packing cancel.
template <typename Kernel>
void fc_single(benchmark::State& state, Kernel kernel) {
  const size_t m = state.range(0), n = state.range(1), k = state.range(2);
  std::vector<int8_t> weights(n * k, 3), activations(m * k, 5);
  std::vector<uint8_t> nibbles((n * k + 1) / 2, 0x33);
  std::vector<int32_t> bias(n, 100);
  const size_t padded_n = (n + 31) / 32 * 32;
  std::vector<int32_t> multiplier(padded_n, 1 << 30), shift(padded_n, -6);
  std::vector<float> scale(padded_n, 1.0f / 128);
  Qs8GemmParams params;
  params.multiplier = multiplier.data();
  params.shift = shift.data();
  params.scale = scale.data();
  PackedCopies packed(0, 1);
  if constexpr (std::is_same_v<Kernel, Qs8w4GemmKernel>) {
    PackedCopies w(qs8w4_gemm_packed_bytes(kernel.layout, n, k), 1);
    qs8w4_gemm_pack(kernel.layout, n, k, nibbles.data(), bias.data(), 3, w.copy(0));
    std::swap(packed.base, w.base);
  } else {
    PackedCopies w(qs8_gemm_packed_bytes(kernel.layout, n, k), 1);
    qs8_gemm_pack(kernel.layout, n, k, weights.data(), bias.data(), 3, w.copy(0));
    std::swap(packed.base, w.base);
  }
  std::vector<const int8_t*> rows(m);
  for (size_t i = 0; i < m; ++i) rows[i] = activations.data() + i * k;
  std::vector<int8_t> c(m * n);
  for (auto _ : state) {
    for (size_t i = 0; i < m; i += kernel.mr) {
      kernel.fn(std::min<size_t>(kernel.mr, m - i), n, k, rows.data() + i, packed.copy(0),
                c.data() + i * n, n, params);
    }
    benchmark::DoNotOptimize(c.data());
  }
}

void fc_single_shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"M", "N", "K"});
  b->Args({1, 1024, 1024});
  b->Args({4, 1024, 1024});
}

// M = batch, N = output channels, K = input channels; cold as above.
void fc_shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"M", "N", "K", "cold"});
  for (int64_t m : {1, 4}) {
    for (int64_t cold : {0, 1}) {
      b->Args({m, 1024, 1024, cold});
      b->Args({m, 1000, 2048, cold});
      b->Args({m, 4096, 4096, cold});
    }
  }
}

template <typename Kernel>
const KernelVariant<Kernel>* first_runnable(KernelFamily<Kernel> family, const CpuFeatures& cpu) {
  for (const auto& row : family) {
    if (cpu.has(row.required)) return &row;
  }
  return nullptr;
}

int register_all() {
  const CpuFeatures cpu = CpuFeatures::detect();
  const KernelVariant<Qs8GemmKernel>* int8 = first_runnable(qs8_gemm_variants(), cpu);
  if (int8 == nullptr) return 0;
  for (const auto& int4 : qs8w4_gemm_variants()) {
    if (!cpu.has(int4.required) || int4.fn.portable) continue;
    const std::string name = std::string("fc_int4_vs_int8/") + int4.name + "/" + int8->name;
    benchmark::RegisterBenchmark(name.c_str(), fc_int4_vs_int8, int8->fn, int4.fn)
        ->Apply(fc_shapes)
        ->UseRealTime();
  }
  // Fixed iteration counts for instruction counting (fc_single above).
  for (int64_t iterations : {1, 11}) {
    const std::string int8_name = std::string("fc_single/") + int8->name;
    benchmark::RegisterBenchmark(int8_name.c_str(), fc_single<Qs8GemmKernel>, int8->fn)
        ->Apply(fc_single_shapes)
        ->Iterations(iterations);
    for (const auto& int4 : qs8w4_gemm_variants()) {
      if (!cpu.has(int4.required) || int4.fn.portable) continue;
      const std::string name = std::string("fc_single/") + int4.name;
      benchmark::RegisterBenchmark(name.c_str(), fc_single<Qs8w4GemmKernel>, int4.fn)
          ->Apply(fc_single_shapes)
          ->Iterations(iterations);
    }
  }
  return 0;
}

const int registered = register_all();

}  // namespace
}  // namespace lowbit
