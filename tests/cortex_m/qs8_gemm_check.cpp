// The qs8 GEMM variants of this build against the reference GEMM, byte for
// byte: tile edges (rows 1..MR, channels around NR), K tails, row offsets
// and the four requantization profiles (kernel_check.cpp).
#include <cmath>
#include <cstdio>
#include <vector>

#include "kernels/qs8_gemm.h"
#include "tests/cortex_m/check_util.h"

using namespace lowbit;
using namespace lowbit::cortex_m_check;

namespace {

struct Case {
  size_t mr, n, k;
  std::vector<int8_t> a, w;
  std::vector<int32_t> bias, multiplier, shift, row_offsets;
  std::vector<float> scale;
  Qs8GemmParams params;
};

Case make_case(size_t mr, size_t n, size_t k, RequantProfile profile, bool offsets) {
  Case c;
  c.mr = mr;
  c.n = n;
  c.k = k;
  for (size_t i = 0; i < mr * k; ++i) c.a.push_back(static_cast<int8_t>(random_in(-128, 127)));
  for (size_t i = 0; i < n * k; ++i) c.w.push_back(static_cast<int8_t>(random_in(-127, 127)));
  // Channels padded to 64 (a multiple of every variant's NR) with zeros.
  c.multiplier.assign(64 + n, 0);
  c.shift.assign(64 + n, 0);
  c.scale.assign(64 + n, 0.0f);
  for (size_t ch = 0; ch < n; ++ch) {
    c.bias.push_back(random_in(-20000, 20000));
    // Scales around the accumulators' spread, so outputs cover the int8 range.
    const double real = std::ldexp(1.0 + (next_random() % 1000) / 1000.0, -random_in(8, 14)) /
                        std::sqrt(static_cast<double>(k));
    const ref::Requantizer r = ref::make_requantizer(profile, real, static_cast<float>(real));
    c.multiplier[ch] = r.multiplier;
    c.shift[ch] = r.shift;
    c.scale[ch] = r.scale;
  }
  if (offsets) {
    for (size_t m = 0; m < mr; ++m) c.row_offsets.push_back(random_in(-5000, 5000));
  }
  c.params.profile = profile;
  c.params.output_zero_point = random_in(-20, 20);
  c.params.output_min = random_in(-128, -100);
  c.params.output_max = random_in(100, 127);
  c.params.multiplier = c.multiplier.data();
  c.params.shift = c.shift.data();
  c.params.scale = c.scale.data();
  c.params.row_offsets = offsets ? c.row_offsets.data() : nullptr;
  return c;
}

std::vector<int8_t> run(const Qs8GemmKernel& kernel, const Case& c, int32_t input_zero_point) {
  std::vector<uint8_t> packed(qs8_gemm_packed_bytes(kernel.layout, c.n, c.k) + 4);
  // Aligned as the runtime's packed weights are (to 4 at least).
  void* aligned = packed.data() + (4 - reinterpret_cast<uintptr_t>(packed.data()) % 4) % 4;
  qs8_gemm_pack(kernel.layout, c.n, c.k, c.w.data(), c.bias.data(), input_zero_point, aligned);
  std::vector<const int8_t*> rows;
  for (size_t m = 0; m < c.mr; ++m) rows.push_back(c.a.data() + m * c.k);
  std::vector<int8_t> out(c.mr * c.n, 0);
  kernel.fn(c.mr, c.n, c.k, rows.data(), aligned, out.data(), c.n, c.params);
  return out;
}

}  // namespace

int check_qs8_gemm() {
  const KernelFamily<Qs8GemmKernel> family = qs8_gemm_variants();
  const KernelVariant<Qs8GemmKernel>& reference = family[family.count - 1];
  int variants = 0;
  long cases = 0;
  for (const KernelVariant<Qs8GemmKernel>& variant : family) {
    if (&variant == &reference) continue;
    ++variants;
    const size_t nr = variant.fn.layout.nr;
    const size_t channel_counts[] = {1, nr - 1, nr, nr + 1, 2 * nr + 3, 27};
    const size_t depths[] = {1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 64, 75};
    for (size_t mr = 1; mr <= variant.fn.mr; ++mr) {
      for (size_t n : channel_counts) {
        if (n == 0) continue;
        for (size_t k : depths) {
          for (RequantProfile profile : kProfiles) {
            const bool offsets = variant.fn.row_offsets && next_random() % 2 == 0;
            const Case c = make_case(mr, n, k, profile, offsets);
            const int32_t zero_point = random_in(-128, 127);
            const std::vector<int8_t> want = run(reference.fn, c, zero_point);
            const std::vector<int8_t> got = run(variant.fn, c, zero_point);
            ++cases;
            for (size_t i = 0; i < want.size(); ++i) {
              if (want[i] != got[i]) {
                std::printf("kernel_check: FAILED: %s, mr %u n %u k %u profile %d: output %u is "
                            "%d, the reference's %d\n",
                            variant.name, unsigned(mr), unsigned(n), unsigned(k), int(profile),
                            unsigned(i), got[i], want[i]);
                return 1;
              }
            }
          }
        }
      }
    }
    std::printf("kernel_check: %s equals %s\n", variant.name, reference.name);
  }
  if (variants == 0) {
    std::printf("kernel_check: FAILED: this build has no qs8 GEMM variant beside the reference\n");
    return 1;
  }
  std::printf("kernel_check: qs8 GEMM: %d variant(s), %ld cases, all equal\n", variants, cases);
  return 0;
}
