// The indirection + bin_gemm path against ref::bin_conv2d, for every bin_gemm
// variant this CPU runs (the portable one included): bit-exact in every output
// mode, padding mode, group count and pixel split.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "binary_sim.h"
#include "kernels/bin_gemm.h"
#include "kernels/reference/bin_conv2d.h"
#include "ops/drivers/bin_conv2d_gemm_driver.h"
#include "runtime/cpu_features.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {
namespace {

struct AlignedWords {
  explicit AlignedWords(size_t bytes)
      : p(static_cast<uint32_t*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64 + 64))) {}
  ~AlignedWords() { std::free(p); }
  uint32_t* p;
};

TEST_CASE("bin_conv2d_gemm: every bin_gemm variant equals the reference kernel",
          "[bin_conv2d][bfully_connected][kernel]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const ValuePicker pick(rng);
  const auto [variants, count] = bin_gemm_variants();
  const CpuFeatures cpu = CpuFeatures::detect();
  const auto [outputs, output_count] = bin_output_variants();
  int variants_run = 0;
  int fused_expected = 0, fused_runs = 0;
  for (size_t v = 0; v < count; ++v) {
    if (!cpu.has(variants[v].required)) continue;
    ++variants_run;
    const BinGemmKernel gemm = variants[v].fn;
    if (gemm.fused != nullptr) ++fused_expected;
    CAPTURE(variants[v].name);
    for (int it = 0; it < scaled_iterations(40); ++it) {
      ConvSpec c;
      c.groups = pick({1, 1, 2, 3});
      c.cin = c.groups == 1 ? pick({1, 31, 33, 64, 65, 600}) : c.groups * pick({32, 64});
      c.cout = c.groups * pick({1, 2, 5, 9, 16, 17, 40, 48});
      c.n = pick({1, 2});
      c.h = pick({1, 4, 6});
      c.w = pick({1, 3, 5});
      pick_window(pick, c);
      c.same = true;
      c.pad_values = pick({0, 1});
      if (c.fits_valid()) {
        c.same = pick({0, 1}) == 1;
      }
      const auto mode = static_cast<ref::BinOutputMode>(pick({0, 1, 2}));
      CAPTURE(it, c.n, c.h, c.w, c.cin, c.cout, c.kh, c.kw, c.groups, c.stride_h, c.stride_w,
              c.dilation_h, c.dilation_w, c.same, c.pad_values, int(mode));

      ref::BinConv2DParams p = bin_conv2d_params(c);

      std::vector<uint32_t> input = pack_signs(random_signs(rng, size_t(c.n) * c.h * c.w * c.cin), c.cin);
      // Garbage in pad bits must not leak into results.
      if (c.cin % 32 != 0) {
        for (size_t i = p.input_words - 1; i < input.size(); i += p.input_words) input[i] |= ~0u << (c.cin % 32);
      }
      const std::vector<uint32_t> filter =
          pack_signs(random_signs(rng, size_t(c.cout) * c.kh * c.kw * c.group_channels()), c.group_channels());
      std::vector<int32_t> popcounts(size_t(c.cout) * c.kh * c.kw);
      ref::bin_tap_popcounts(filter.data(), c.cout, c.kh * c.kw, c.group_channels(), popcounts.data());
      p.tap_popcounts = popcounts.data();

      const std::vector<float> mul = random_floats(rng, c.cout, -1.0f, 1.0f);
      const std::vector<float> bias = random_floats(rng, c.cout, -3.0f, 3.0f);
      std::vector<float> fm(c.cout), fb(c.cout);
      std::vector<int32_t> thr = random_ints<int32_t>(rng, c.cout, 0, c.k());
      // Thresholds whose double leaves int32: never and always set.
      if (it % 5 == 0) thr[0] = pick({INT32_MAX, INT32_MIN, -1});
      p.transform.mode = mode;
      if (mode == ref::BinOutputMode::kBit) {
        p.transform.threshold = thr.data();
      } else {
        REQUIRE(ref::fold_bin_output_transform(mul.data(), bias.data(), c.cout, c.k(),
                                               mode == ref::BinOutputMode::kInt8 ? 0.05 : 1.0, 0.0,
                                               pick({-1, 0}), 6, fm.data(), fb.data(),
                                               &p.transform.clamp_min, &p.transform.clamp_max));
        p.transform.multiplier = fm.data();
        p.transform.bias = fb.data();
      }
      const size_t pixels = ref::bin_conv2d_pixels(p);
      const size_t out_bytes = mode == ref::BinOutputMode::kBit ? pixels * ((c.cout + 31) / 32) * 4
                               : mode == ref::BinOutputMode::kInt8 ? pixels * c.cout
                                                                   : pixels * c.cout * 4;
      std::vector<uint8_t> expected(out_bytes, 0x5A), actual(out_bytes, 0xA5);
      ref::bin_conv2d(p, input.data(), filter.data(), expected.data(), 0, pixels);

      BinConv2DGemmPlan plan;
      plan.gemm = gemm;
      REQUIRE(bin_conv2d_gemm_supported(p));
      AlignedWords storage(bin_conv2d_gemm_packed_bytes(p, gemm));
      bin_conv2d_gemm_pack(p, filter.data(), &plan, storage.p);
      AlignedWords scratch(bin_conv2d_gemm_scratch_bytes(p, gemm));
      // Every output stage this CPU runs, each behind this GEMM; then the GEMM's
      // fused epilogue where it has one for this mode.
      const bool fused = plan.use_fused;
      for (size_t o = 0; o <= output_count; ++o) {
        if (o < output_count && !cpu.has(outputs[o].required)) continue;
        if (o == output_count && !fused) continue;
        CAPTURE(o == output_count ? "fused epilogue" : outputs[o].name);
        plan.use_fused = o == output_count;
        if (plan.use_fused) ++fused_runs;
        if (o < output_count) plan.output = outputs[o].fn;
        std::fill(actual.begin(), actual.end(), uint8_t(0xA5));
        const size_t splits = size_t(pick({1, 2, 3}));
        for (size_t s = 0; s < splits; ++s) {
          bin_conv2d_gemm(p, plan, input.data(), actual.data(), scratch.p, s * pixels / splits,
                          (s + 1) * pixels / splits);
        }
        REQUIRE(actual == expected);
      }
    }
  }
  CHECK(variants_run >= 1);
  // Every fused epilogue this CPU has ran (at least float and int8 always can).
  CHECK(fused_runs >= fused_expected);
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
