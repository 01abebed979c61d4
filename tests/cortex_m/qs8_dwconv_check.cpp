// The generic qs8 depthwise kernels of this build against the reference's,
// byte for byte: channel counts around the blocks, tap counts of 1x1 to 5x5
// filters, the four requantization profiles (kernel_check.cpp). Each tap
// reads its own buffer of exactly `channels` bytes, as the operator's pixels
// and zero row are.
#include <cmath>
#include <cstdio>
#include <vector>

#include "kernels/qs8_dwconv.h"
#include "tests/cortex_m/check_util.h"

using namespace lowbit;
using namespace lowbit::cortex_m_check;

namespace {

struct Case {
  size_t channels, taps;
  std::vector<std::vector<int8_t>> pixels;
  std::vector<int8_t> weights;  // [taps][channels]
  std::vector<int32_t> bias, multiplier, shift;
  std::vector<float> scale;
  Qs8GemmParams params;
};

Case make_case(size_t channels, size_t taps, RequantProfile profile) {
  Case c;
  c.channels = channels;
  c.taps = taps;
  for (size_t t = 0; t < taps; ++t) {
    std::vector<int8_t> pixel;
    for (size_t ch = 0; ch < channels; ++ch) {
      pixel.push_back(static_cast<int8_t>(random_in(-128, 127)));
    }
    c.pixels.push_back(pixel);
  }
  for (size_t i = 0; i < taps * channels; ++i) {
    c.weights.push_back(static_cast<int8_t>(random_in(-127, 127)));
  }
  c.multiplier.assign(channels + 64, 0);
  c.shift.assign(channels + 64, 0);
  c.scale.assign(channels + 64, 0.0f);
  for (size_t ch = 0; ch < channels; ++ch) {
    c.bias.push_back(random_in(-5000, 5000));
    const double real = std::ldexp(1.0 + (next_random() % 1000) / 1000.0, -random_in(6, 11)) /
                        std::sqrt(static_cast<double>(taps));
    const ref::Requantizer r = ref::make_requantizer(profile, real, static_cast<float>(real));
    c.multiplier[ch] = r.multiplier;
    c.shift[ch] = r.shift;
    c.scale[ch] = r.scale;
  }
  c.params.profile = profile;
  c.params.output_zero_point = random_in(-20, 20);
  c.params.output_min = random_in(-128, -100);
  c.params.output_max = random_in(100, 127);
  c.params.multiplier = c.multiplier.data();
  c.params.shift = c.shift.data();
  c.params.scale = c.scale.data();
  return c;
}

std::vector<int8_t> run(const Qs8DwconvKernel& kernel, const Case& c, int32_t input_zero_point) {
  const size_t bytes = qs8_dwconv_packed_bytes(kernel.channel_block, c.channels, c.taps);
  std::vector<uint8_t> packed(bytes + 4);
  void* aligned = packed.data() + (4 - reinterpret_cast<uintptr_t>(packed.data()) % 4) % 4;
  qs8_dwconv_pack(kernel.channel_block, c.channels, c.taps, c.weights.data(), c.bias.data(),
                  input_zero_point, aligned);
  std::vector<const int8_t*> inputs;
  for (const std::vector<int8_t>& pixel : c.pixels) inputs.push_back(pixel.data());
  std::vector<int8_t> out(c.channels, 0);
  kernel.fn(c.channels, c.taps, inputs.data(), aligned, out.data(), c.params);
  return out;
}

}  // namespace

int check_qs8_dwconv() {
  const KernelFamily<Qs8DwconvKernel> family = qs8_dwconv_variants();
  const KernelVariant<Qs8DwconvKernel>& reference = family[family.count - 1];
  int variants = 0;
  long cases = 0;
  for (const KernelVariant<Qs8DwconvKernel>& variant : family) {
    if (&variant == &reference) continue;
    ++variants;
    const size_t block = variant.fn.channel_block;
    const size_t channel_counts[] = {1, block - 1, block, block + 1, 2 * block + 3, 64};
    const size_t tap_counts[] = {1, 2, 3, 9, 25};
    for (size_t channels : channel_counts) {
      if (channels == 0) continue;
      for (size_t taps : tap_counts) {
        for (RequantProfile profile : kProfiles) {
          const Case c = make_case(channels, taps, profile);
          const int32_t zero_point = random_in(-128, 127);
          const std::vector<int8_t> want = run(reference.fn, c, zero_point);
          const std::vector<int8_t> got = run(variant.fn, c, zero_point);
          ++cases;
          for (size_t i = 0; i < want.size(); ++i) {
            if (want[i] != got[i]) {
              std::printf("kernel_check: FAILED: %s, channels %u taps %u profile %d: output %u "
                          "is %d, the reference's %d\n",
                          variant.name, unsigned(channels), unsigned(taps), int(profile),
                          unsigned(i), got[i], want[i]);
              return 1;
            }
          }
        }
      }
    }
    std::printf("kernel_check: %s equals %s\n", variant.name, reference.name);
  }
  if (variants == 0) {
    std::printf("kernel_check: FAILED: no qs8 depthwise variant beside the reference\n");
    return 1;
  }
  std::printf("kernel_check: qs8 depthwise: %d variant(s), %ld cases, all equal\n", variants,
              cases);
  return 0;
}
