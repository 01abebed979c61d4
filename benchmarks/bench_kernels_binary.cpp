// Binary kernels around the GEMM, every variant this CPU runs, single-threaded,
// on a 56x56x64 activation (a QuickNet/ResNet first stage): bitpacking of float
// and int8 rows, 2x2 binary max pooling, and the three GEMM output stages.
// Counter: values/s (input values packed, output values pooled or produced).
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "kernels/bin_gemm.h"
#include "kernels/bin_maxpool2d.h"
#include "kernels/bin_pack.h"
#include "runtime/cpu_features.h"

namespace lowbit {
namespace {

constexpr size_t kPixels = 56 * 56, kChannels = 64;

void values_per_second(benchmark::State& state, size_t values) {
  state.counters["values/s"] =
      benchmark::Counter(double(values), benchmark::Counter::kIsIterationInvariantRate);
}

void pack_f32(benchmark::State& state, ref::BinPackF32Fn fn) {
  std::mt19937 rng(1);
  std::normal_distribution<float> value;
  std::vector<float> x(kPixels * kChannels);
  for (float& v : x) v = value(rng);
  std::vector<uint32_t> out(kPixels * kChannels / 32);
  for (auto _ : state) {
    fn(x.data(), kChannels, out.data(), 0, kPixels);
    benchmark::DoNotOptimize(out.data());
  }
  values_per_second(state, x.size());
}

void pack_qs8(benchmark::State& state, ref::BinPackQs8Fn fn) {
  std::mt19937 rng(1);
  std::vector<int8_t> q(kPixels * kChannels);
  for (int8_t& v : q) v = static_cast<int8_t>(rng());
  std::vector<uint32_t> out(kPixels * kChannels / 32);
  for (auto _ : state) {
    fn(q.data(), kChannels, 3, out.data(), 0, kPixels);
    benchmark::DoNotOptimize(out.data());
  }
  values_per_second(state, q.size());
}

void maxpool(benchmark::State& state, ref::BinMaxPool2DFn fn) {
  ref::BinMaxPool2DParams p;
  p.input_h = p.input_w = 56;
  p.channels = kChannels;
  p.output_h = p.output_w = 28;
  p.filter_h = p.filter_w = p.stride_h = p.stride_w = 2;
  std::mt19937 rng(1);
  std::vector<uint32_t> in(kPixels * kChannels / 32);
  for (uint32_t& w : in) w = static_cast<uint32_t>(rng());
  std::vector<uint32_t> out(ref::bin_maxpool2d_pixels(p) * kChannels / 32);
  for (auto _ : state) {
    fn(p, in.data(), out.data(), 0, ref::bin_maxpool2d_pixels(p));
    benchmark::DoNotOptimize(out.data());
  }
  values_per_second(state, ref::bin_maxpool2d_pixels(p) * kChannels);
}

void output_stage(benchmark::State& state, BinOutputFn fn, size_t out_bytes_per_value) {
  std::mt19937 rng(1);
  std::vector<int32_t> popcounts(kPixels * kChannels), threshold(kChannels, 300);
  for (int32_t& v : popcounts) v = static_cast<int32_t>(rng() % 577);
  std::vector<float> multiplier(kChannels, -0.01f), bias(kChannels, 2.5f);
  BinOutputStageParams params;
  params.multiplier = multiplier.data();
  params.bias = bias.data();
  params.doubled_threshold = threshold.data();
  params.clamp_min = 0;
  params.clamp_max = 1000;
  std::vector<uint8_t> out(kPixels * kChannels * 4);
  const size_t row_bytes = out_bytes_per_value == 0 ? kChannels / 8 : kChannels * out_bytes_per_value;
  for (auto _ : state) {
    for (size_t pixel = 0; pixel < kPixels; ++pixel) {
      fn(kChannels, popcounts.data() + pixel * kChannels, nullptr, params,
         out.data() + pixel * row_bytes);
    }
    benchmark::DoNotOptimize(out.data());
  }
  values_per_second(state, popcounts.size());
}

template <typename Fn, typename Bench>
void register_table(KernelFamily<Fn> variants, Bench bench) {
  const CpuFeatures cpu = CpuFeatures::detect();
  for (const KernelVariant<Fn>& variant : variants) {
    if (cpu.has(variant.required)) benchmark::RegisterBenchmark(variant.name, bench, variant.fn);
  }
}

int register_all() {
  register_table(bin_pack_f32_variants(), pack_f32);
  register_table(bin_pack_qs8_variants(), pack_qs8);
  register_table(bin_maxpool2d_variants(), maxpool);
  const CpuFeatures cpu = CpuFeatures::detect();
  for (const KernelVariant<BinOutputKernel>& output : bin_output_variants()) {
    if (!cpu.has(output.required)) continue;
    const std::string name = output.name;
    const BinOutputKernel k = output.fn;
    benchmark::RegisterBenchmark((name + "/float").c_str(), output_stage, k.to_float, size_t(4));
    benchmark::RegisterBenchmark((name + "/int8").c_str(), output_stage, k.to_int8, size_t(1));
    benchmark::RegisterBenchmark((name + "/bits").c_str(), output_stage, k.to_bits, size_t(0));
  }
  return 0;
}

const int registered = register_all();

}  // namespace
}  // namespace lowbit
