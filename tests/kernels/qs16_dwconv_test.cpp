// The 16x8 depthwise family's tester: every variant this CPU runs against the
// reference over every channel remainder, taps outside the image (null rows),
// weight rows wider than the channels, the extreme products (-32768 x -128)
// across the int32 block of taps, and random shapes.
#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "kernels/qs16_dwconv.h"
#include "support/kernel_tester.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

void expect_matches(const KernelVariant<Qs16DwconvFn>& row, Qs16DwconvFn reference,
                    size_t channels, size_t taps, size_t stride, bool extreme,
                    std::mt19937& rng) {
  std::uniform_int_distribution<int> a_dist(-32768, 32767), w_dist(-128, 127);
  std::vector<int16_t> a(taps * channels);
  std::vector<int8_t> w(taps * stride);
  for (auto& v : a) v = extreme ? int16_t(-32768) : int16_t(a_dist(rng));
  for (auto& v : w) v = extreme ? int8_t(-128) : int8_t(w_dist(rng));
  std::vector<const int16_t*> rows(taps);
  for (size_t t = 0; t < taps; ++t) {
    rows[t] = !extreme && rng() % 5 == 0 ? nullptr : a.data() + t * channels;
  }
  std::vector<int64_t> want(channels + 1, 7), got(channels + 1, 7);
  reference(channels, taps, rows.data(), w.data(), stride, want.data());
  row.fn(channels, taps, rows.data(), w.data(), stride, got.data());
  INFO("channels " << channels << " taps " << taps << " stride " << stride);
  REQUIRE(got == want);  // the element past the channels stays 7
}

}  // namespace

TEST_CASE("qs16_dwconv variants equal the reference", "[kernels][qs16]") {
  std::mt19937 rng(1617);
  for_each_variant("qs16_dwconv", qs16_dwconv_variants(),
                   [&](const KernelVariant<Qs16DwconvFn>& row, Qs16DwconvFn reference) {
    for (size_t channels : lengths_through_remainders(32)) {
      for (size_t taps : {1, 4, 9}) {
        expect_matches(row, reference, channels, taps, channels + taps % 3, false, rng);
      }
    }
    for (size_t taps : {kQs16DwconvInt32Taps - 1, kQs16DwconvInt32Taps,
                        kQs16DwconvInt32Taps + 1, 3 * kQs16DwconvInt32Taps + 5}) {
      expect_matches(row, reference, 19, taps, 19, true, rng);
      expect_matches(row, reference, 19, taps, 21, false, rng);
    }
    for (int i = 0; i < 40; ++i) {
      const size_t channels = 1 + rng() % 100, taps = 1 + rng() % 50;
      expect_matches(row, reference, channels, taps, channels + rng() % 4, false, rng);
    }
  });
}
