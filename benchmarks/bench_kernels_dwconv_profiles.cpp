// The depthwise driver (Qs8DwconvDriver) on one thread under each
// requantization profile, on the depthwise layers of person_detect and
// MoveNet: what a fixed-point profile costs over xnnpack_fp32 per layer,
// without the rest of a model's noise. dwconv_profiles/<layer>/<profile>.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/qs8_dwconv.h"
#include "kernels/reference/requantize.h"
#include "ops/drivers/qs8_dwconv_driver.h"
#include "runtime/cpu_features.h"

namespace lowbit {
namespace {

struct DwLayer {
  const char* name;
  int h, w, in_c, multiplier, kernel, stride;
  int out_c() const { return in_c * multiplier; }
  int out_h() const { return (h + stride - 1) / stride; }  // SAME padding
  int out_w() const { return (w + stride - 1) / stride; }
};

const DwLayer kDwLayers[] = {
    {"person_detect_0_96x1x8s2", 96, 96, 1, 8, 3, 2},
    {"person_detect_1_48x8", 48, 48, 8, 1, 3, 1},
    {"person_detect_3_48x16s2", 48, 48, 16, 1, 3, 2},
    {"person_detect_5_24x32", 24, 24, 32, 1, 3, 1},
    {"person_detect_9_12x64", 12, 12, 64, 1, 3, 1},
    {"person_detect_13_6x128", 6, 6, 128, 1, 3, 1},
    {"movenet_48x24", 48, 48, 24, 1, 3, 1},
    {"movenet_48x144", 48, 48, 144, 1, 3, 1},
};

const KernelSelector& selector() {
  static const KernelSelector s = KernelSelector::create("auto", CpuFeatures::detect()).value();
  return s;
}

class DwPrepareContext final : public PrepareContext {
 public:
  DwPrepareContext(ThreadPool& pool, RequantProfile profile) : pool_(pool), profile_(profile) {}
  const GraphDesc& graph() const override { std::abort(); }
  const OperatorDesc& op() const override { std::abort(); }
  int op_index() const override { return 0; }
  RequantProfile profile() const override { return profile_; }
  const KernelSelector& selector() const override { return lowbit::selector(); }
  ThreadPool& pool() const override { return pool_; }
  const void* find_prepared(const std::string&, size_t) const override { return nullptr; }
  void request_scratch(size_t bytes) override { scratch_bytes = std::max(scratch_bytes, bytes); }
  void* allocate_persistent(size_t bytes) override {
    persistent.emplace_back(new uint64_t[(bytes + 63) / 8 + 8]());
    const auto address = reinterpret_cast<uintptr_t>(persistent.back().get());
    return reinterpret_cast<void*>((address + 63) & ~uintptr_t{63});
  }
  size_t scratch_bytes = 0;
  std::vector<std::unique_ptr<uint64_t[]>> persistent;

 private:
  ThreadPool& pool_;
  RequantProfile profile_;
};

void dwconv_profile(benchmark::State& state, const DwLayer& L, RequantProfile profile) {
  const size_t oc = size_t(L.out_c()), taps = size_t(L.kernel) * L.kernel;
  std::mt19937 rng(7);
  auto bytes = [&](size_t n) {
    std::vector<int8_t> v(n);
    for (auto& x : v) x = static_cast<int8_t>(int(rng() % 255) - 127);
    return v;
  };
  const std::vector<int8_t> input = bytes(size_t(L.h) * L.w * L.in_c);
  const std::vector<int8_t> weights = bytes(taps * oc);
  const std::vector<int32_t> bias(oc, 100);
  std::vector<ref::Requantizer> requantizers(oc);
  for (size_t c = 0; c < oc; ++c) {
    const double scale = 0.0004 + 0.00001 * double(c % 7);
    requantizers[c] = ref::make_requantizer(profile, scale, float(scale));
  }
  Qs8ConvGeometry g;
  g.input_h = L.h;
  g.input_w = L.w;
  g.input_c = L.in_c;
  g.output_h = L.out_h();
  g.output_w = L.out_w();
  g.output_c = L.out_c();
  g.kernel_h = g.kernel_w = L.kernel;
  g.stride_h = g.stride_w = L.stride;
  g.pad_top = g.pad_left = L.stride == 1 ? L.kernel / 2 : 0;
  Qs8ConvQuantization q;
  q.input_zero_point = -128;
  q.output_zero_point = -128;  // RELU6-like range, as person_detect's layers
  q.output_min = -128;
  q.output_max = 100;
  q.profile = profile;
  q.requantizers = requantizers.data();
  ThreadPool pool(1);
  DwPrepareContext ctx(pool, profile);
  const KernelVariant<Qs8DwconvKernel>& variant = selector().select(qs8_dwconv_variants());
  Qs8DwconvDriver dw;
  if (!dw.prepare(ctx, variant, g, q, weights.data(), bias.data()).ok()) {
    state.SkipWithError("prepare failed");
    return;
  }
  state.SetLabel(dw.name());
  std::vector<int8_t> scratch(ctx.scratch_bytes + 64);
  std::vector<int8_t> output(size_t(g.output_h) * g.output_w * oc);
  for (auto _ : state) {
    dw.run(pool, input.data(), output.data(), scratch.data());
    benchmark::DoNotOptimize(output.data());
  }
}

const bool kRegistered = [] {
  for (const DwLayer& layer : kDwLayers) {
    for (RequantProfile profile : {RequantProfile::kXnnpackFp32, RequantProfile::kTfliteReference,
                                   RequantProfile::kSingleRounding,
                                   RequantProfile::kTfliteOptimized}) {
      const std::string name = std::string("dwconv_profiles/") + layer.name + "/" +
                               requant_profile_name(profile);
      benchmark::RegisterBenchmark(name.c_str(), [layer, profile](benchmark::State& s) {
        dwconv_profile(s, layer, profile);
      })
          ->Unit(benchmark::kMicrosecond)
          // A shared machine's busy moments cost a repetition, not the layer.
          ->ComputeStatistics("min", [](const std::vector<double>& v) {
            return *std::min_element(v.begin(), v.end());
          });
    }
  }
  return true;
}();

}  // namespace
}  // namespace lowbit
