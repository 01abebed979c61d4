// The depthwise row kernels (3x3 / 5x5, stride 1 / 2) of every variant
// against a direct computation: random widths from 1 up, channels around the
// vector widths, input columns and rows in the padding, channel tiles inside
// wider pixels (bytes between tiles must stay untouched), depth multipliers
// with tiles starting past channel 0, every profile; and, for variants with
// wide_row_weights, int16 weights up to +-255 (legacy uint8 w - zw) packed by
// qs8_dwconv_pack_rows_wide.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/qs8_dwconv.h"
#include "runtime/cpu_features.h"
#include "support/gemm_variants.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;

namespace {

struct RowProblem : testing::ChannelRequant {
  int k = 3, stride = 1;
  size_t channels = 1, pixel_stride = 1, output_width = 1, input_width = 1;
  // Depth multiplier m: output channel c of the tile reads input channel
  // (first + c) / m, at local index (first + c) / m - first / m of a pixel.
  size_t m = 1, first = 0, input_stride = 1;
  ptrdiff_t input_x = 0;
  int32_t input_zp = 0;
  std::vector<bool> padding_row;  // per kernel row: reads the zero-point row
  std::vector<int8_t> image;      // k rows x input_width pixels x input_stride
  size_t input_channel(size_t c) const { return (first + c) / m - first / m; }
  std::vector<int16_t> weights;   // [k*k][channels]: int8 values unless `wide`
  bool wide = false;              // packed by qs8_dwconv_pack_rows_wide
  std::vector<int32_t> bias;
};

void make_requant(std::mt19937& rng, RequantProfile profile, RowProblem& p) {
  // One problem in four has multipliers up to 8 (left shifts in the fixed-point profiles).
  std::uniform_real_distribution<double> log_scale(-13.0, rng() % 4 == 0 ? 3.0 : -4.0);
  p.draw(profile, p.channels, 32, [&] { return std::pow(2.0, log_scale(rng)); });
  p.params.output_zero_point = static_cast<int32_t>(rng() % 256) - 128;
  p.params.output_max = rng() % 3 == 0 ? 90 : 127;
  // A fused RELU's clamp or none (with a negative lower bound the
  // tflite_reference kernels round ties away from zero; see
  // ref::clamped_profile).
  p.params.output_min =
      rng() % 2 == 0 ? std::min(p.params.output_zero_point, p.params.output_max) : -128;
}

// channel_block: the variant's (tiles start at multiples of it);
// multiplier: whether its row kernels take a depth multiplier;
// wide: int16 weights in [-255, 255].
RowProblem make_row_problem(std::mt19937& rng, int k, int stride, RequantProfile profile,
                            size_t channel_block, bool multiplier, bool wide) {
  static const size_t kEdgeChannels[] = {1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 64, 65};
  RowProblem p;
  p.k = k;
  p.stride = stride;
  p.channels = rng() % 2 ? kEdgeChannels[rng() % (sizeof(kEdgeChannels) / sizeof(size_t))]
                         : 1 + rng() % 100;
  p.pixel_stride = p.channels + (rng() % 3 == 0 ? rng() % 40 : 0);
  if (multiplier && rng() % 3 == 0) {
    p.m = 2 + rng() % 3;
    p.first = channel_block * (rng() % 3);
  }
  p.input_stride = p.input_channel(p.channels - 1) + 1 + (rng() % 3 == 0 ? rng() % 20 : 0);
  // Dense 8-channel rows: the x86 kernels put two pixels in one 16-lane block.
  if (rng() % 5 == 0) {
    p.channels = p.pixel_stride = p.input_stride = 8;
    p.m = 1;
    p.first = 0;
  }
  // Widths 1..9 (around the smallest row segments) most of the time.
  p.output_width = rng() % 4 ? 1 + rng() % 9 : 10 + rng() % 60;
  p.input_x = -ptrdiff_t(rng() % (k / 2 + 2));
  p.input_width = 1 + rng() % ((p.output_width - 1) * stride + k + 2);
  p.input_zp = static_cast<int32_t>(rng() % 256) - 128;
  for (int ky = 0; ky < k; ++ky) p.padding_row.push_back(rng() % 6 == 0);
  p.image = testing::random_ints<int8_t>(rng, size_t(k) * p.input_width * p.input_stride, -128, 127);
  p.wide = wide;
  p.weights = testing::random_ints<int16_t>(rng, size_t(k) * k * p.channels, wide ? -255 : -127,
                                            wide ? 255 : 127);
  p.bias = testing::random_ints<int32_t>(rng, p.channels, -20000, 20000);
  make_requant(rng, profile, p);
  return p;
}

// Output pixel o at out + o * pixel_stride.
void simulate_into(const RowProblem& p, int8_t* out) {
  for (size_t o = 0; o < p.output_width; ++o) {
    for (size_t c = 0; c < p.channels; ++c) {
      int64_t acc = p.bias[c];
      for (int ky = 0; ky < p.k; ++ky) {
        for (int kx = 0; kx < p.k; ++kx) {
          const ptrdiff_t ix = p.input_x + ptrdiff_t(o) * p.stride + kx;
          const bool inside = !p.padding_row[ky] && ix >= 0 && ix < ptrdiff_t(p.input_width);
          const int32_t x =
              inside ? p.image[(size_t(ky) * p.input_width + size_t(ix)) * p.input_stride +
                               p.input_channel(c)]
                     : p.input_zp;
          acc += int64_t(x - p.input_zp) * p.weights[(size_t(ky) * p.k + kx) * p.channels + c];
        }
      }
      const ref::Requantizer r = p.channel(c);
      out[o * p.pixel_stride + c] = static_cast<int8_t>(ref::requantize_to_output(
          static_cast<int32_t>(acc), r, p.params.profile, p.params.output_zero_point,
          p.params.output_min, p.params.output_max));
    }
  }
}

std::vector<int8_t> simulate(const RowProblem& p) {
  std::vector<int8_t> out(p.output_width * p.pixel_stride, 0x55);
  simulate_into(p, out.data());
  return out;
}

// With `kernel`, its stored requantization terms where row_terms stores
// them (*stored says whether it did).
void run_into(Qs8DwconvRowFn fn, size_t channel_block, const RowProblem& p, int8_t* out,
              const Qs8DwconvKernel* kernel = nullptr, bool* stored = nullptr) {
  std::vector<uint8_t> packed(qs8_dwconv_rows_packed_bytes(channel_block, p.channels, p.k, p.k));
  if (p.wide) {
    qs8_dwconv_pack_rows_wide(channel_block, p.channels, p.k, p.k, p.weights.data(),
                              p.bias.data(), p.input_zp, packed.data());
  } else {
    const std::vector<int8_t> narrow(p.weights.begin(), p.weights.end());
    qs8_dwconv_pack_rows(channel_block, p.channels, p.k, p.k, narrow.data(), p.bias.data(),
                         p.input_zp, packed.data());
  }
  const std::vector<int8_t> zero_row(p.input_width * p.input_stride, int8_t(p.input_zp));
  std::vector<const int8_t*> rows;
  for (int ky = 0; ky < p.k; ++ky) {
    rows.push_back(p.padding_row[ky] ? zero_row.data()
                                     : p.image.data() + size_t(ky) * p.input_width * p.input_stride);
  }
  Qs8DwconvRowArgs args;
  args.channels = p.channels;
  args.pixel_stride = p.pixel_stride;
  args.input_stride = p.input_stride;
  args.depth_multiplier = p.m;
  args.first_channel = p.first;
  args.output_width = p.output_width;
  args.rows = rows.data();
  args.input_x = p.input_x;
  args.input_width = p.input_width;
  args.zero_row = zero_row.data();
  args.packed_w = packed.data();
  args.output = out;
  args.params = &p.params;
  std::vector<uint8_t> terms;
  if (kernel && kernel->row_terms) {
    const size_t blocks = (p.channels + channel_block - 1) / channel_block;
    // Garbage where no term is stored (blocks of 16 channels or fewer).
    terms.assign(blocks * kernel->row_terms_block_bytes, 0xA5);
    if (kernel->row_terms(p.channels, p.params, terms.data())) args.row_terms = terms.data();
  }
  if (stored) *stored = args.row_terms != nullptr;
  fn(args);
}

std::vector<int8_t> run(Qs8DwconvRowFn fn, size_t channel_block, const RowProblem& p,
                        const Qs8DwconvKernel* kernel = nullptr, bool* stored = nullptr) {
  std::vector<int8_t> out(p.output_width * p.pixel_stride, 0x55);
  run_into(fn, channel_block, p, out.data(), kernel, stored);
  return out;
}

// Where an edge row problem's taps leave the image.
enum class EdgePadding { kNone, kLeftAndRight, kTopAndBottom, kNarrowerThanKernel, kCount };

// A row problem of `channels` channels and `width` outputs with `padding`,
// pixel and input strides `extra` bytes wider than the channels, inputs and
// weights filled as e.fill (wide: weights doubled plus one away from zero, so
// the limits become +-255), per-channel scales at their ends.
RowProblem make_edge_row_problem(std::mt19937& rng, int k, int stride, size_t channels,
                                 size_t width, EdgePadding padding, size_t extra,
                                 const testing::Qs8EdgeParams& e, bool wide = false) {
  RowProblem p;
  p.k = k;
  p.stride = stride;
  p.channels = channels;
  p.pixel_stride = p.input_stride = channels + extra;
  p.output_width = width;
  const size_t full_width = (width - 1) * size_t(stride) + size_t(k);
  p.input_x = padding == EdgePadding::kNone ? 0 : -ptrdiff_t(k / 2);
  p.input_width = padding == EdgePadding::kLeftAndRight         ? width * size_t(stride)
                  : padding == EdgePadding::kNarrowerThanKernel ? 1
                                                            : full_width;
  for (int ky = 0; ky < k; ++ky) {
    p.padding_row.push_back(padding == EdgePadding::kTopAndBottom && (ky == 0 || ky == k - 1));
  }
  p.input_zp = e.input_zp;
  p.image = testing::filled<int8_t>(rng, size_t(k) * p.input_width * p.input_stride, e.fill);
  const std::vector<int8_t> fill = testing::filled<int8_t>(rng, size_t(k) * k * channels, e.fill);
  p.wide = wide;
  for (int8_t f : fill) {
    const int16_t w = std::max<int16_t>(f, -127);
    p.weights.push_back(wide ? int16_t(2 * w + (w < 0 ? -1 : 1)) : w);
  }
  p.bias = testing::random_ints<int32_t>(rng, channels, -20000, 20000);
  p.draw_edges(e.profile, channels, 32, 1.0 / 1024);
  p.set_output(e);
  return p;
}

void expect_edge_row_matches(Qs8DwconvRowFn fn, size_t channel_block, const RowProblem& p,
                             const Qs8DwconvKernel* kernel = nullptr) {
  INFO((p.wide ? "wide weights, " : "") << "channels " << p.channels << " width " << p.output_width << " pixel stride "
                   << p.pixel_stride << " input x " << p.input_x << " of " << p.input_width
                   << " zero points " << p.input_zp << "/" << p.params.output_zero_point
                   << " clamp [" << p.params.output_min << ", " << p.params.output_max << "] "
                   << requant_profile_name(p.params.profile));
  testing::expect_same_writes<int8_t>(
      testing::strided_extent(p.output_width, p.channels, p.pixel_stride),
      [&](int8_t* out) { simulate_into(p, out); },
      [&](int8_t* out) { run_into(fn, channel_block, p, out); });
  if (kernel && kernel->row_terms) {
    INFO("with the terms stored at prepare");
    testing::expect_same_writes<int8_t>(
        testing::strided_extent(p.output_width, p.channels, p.pixel_stride),
        [&](int8_t* out) { simulate_into(p, out); },
        [&](int8_t* out) { run_into(fn, channel_block, p, out, kernel); });
  }
}

}  // namespace

TEST_CASE("qs8 depthwise row kernels match a direct convolution", "[kernels][qs8_dwconv]") {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  int tested = 0, stored_variants = 0, stored_runs = 0, mixed_runs = 0;
  testing::for_each_runnable_variant(qs8_dwconv_variants(), [&](const KernelVariant<Qs8DwconvKernel>& variant) {
    const Qs8DwconvKernel& kernel = variant.fn;
    stored_variants += kernel.row_terms != nullptr;
    for (int k : {3, 5}) {
      for (int stride : {1, 2}) {
        const Qs8DwconvRowFn fn = qs8_dwconv_row_kernel(kernel, k, k, stride, 1, 1);
        if (!fn) {
          WARN(variant.name << " has no " << k << "x" << k << " stride " << stride << " row kernel");
          continue;
        }
        ++tested;
        for (RequantProfile profile : testing::kSimdProfiles) {
          INFO(k << "x" << k << " stride " << stride << " [" << requant_profile_name(profile) << "]");
          std::mt19937 rng(seed + uint32_t(k * 10 + stride));
          for (int iter = 0; iter < testing::scaled_iterations(150); ++iter) {
            const bool wide = kernel.wide_row_weights && iter % 2 == 1;
            RowProblem p = make_row_problem(rng, k, stride, profile, kernel.channel_block,
                                            kernel.row_multiplier, wide);
            CAPTURE(iter, wide, p.channels, p.pixel_stride, p.input_stride, p.m, p.first, p.output_width,
                    p.input_width, p.input_x);
            const std::vector<int8_t> expected = simulate(p);
            REQUIRE(run(fn, kernel.channel_block, p) == expected);
            if (kernel.row_terms) {
              bool stored = false;
              INFO("with the terms stored at prepare");
              REQUIRE(run(fn, kernel.channel_block, p, &kernel, &stored) == expected);
              stored_runs += stored;
            }
            // Channel 0 at scale 3/4 (no right shift: its zero point cannot
            // fold) marks the first block for per-call terms; a later block
            // of more than 16 channels keeps its stored terms.
            if (kernel.row_terms && p.channels > 48 && profile != RequantProfile::kXnnpackFp32) {
              const ref::Requantizer unfolding = ref::make_requantizer(profile, 0.75, 0.75f);
              p.multiplier[0] = unfolding.multiplier;
              p.shift[0] = unfolding.shift;
              p.scale[0] = unfolding.scale;
              bool stored = false;
              INFO("with the first block's terms per call, the others stored");
              REQUIRE(run(fn, kernel.channel_block, p, &kernel, &stored) == simulate(p));
              mixed_runs += stored;
            }
          }
        }
      }
    }
  });
  CHECK(tested >= 4);
  // Most random problems fold the zero point, so their terms were stored.
  if (stored_variants > 0) CHECK(stored_runs > 0);
  if (stored_variants > 0) CHECK(mixed_runs > 0);
}

// Every channel remainder of the variant's block, output widths around the
// row segments, each padding pattern, strides wider than the channels; then
// every combination of zero points, clamps, fills and profiles.
TEST_CASE("qs8 depthwise row kernels: every channel remainder, width and padding, limits",
          "[kernels][qs8_dwconv]") {
  testing::for_each_runnable_variant(
      qs8_dwconv_variants(), [&](const KernelVariant<Qs8DwconvKernel>& variant) {
    const Qs8DwconvKernel& kernel = variant.fn;
    for (int k : {3, 5}) {
      for (int stride : {1, 2}) {
        const Qs8DwconvRowFn fn = qs8_dwconv_row_kernel(kernel, k, k, stride, 1, 1);
        if (!fn) continue;  // the random test above warns
        INFO(k << "x" << k << " stride " << stride);
        std::mt19937 rng(testing::test_seed());
        const std::vector<int32_t> zero_points = testing::edge_zero_points<int8_t>(rng);
        const size_t kWidths[] = {1, 2, 3, 5, 8, 9, 17};
        size_t i = 0;
        for (size_t channels : testing::lengths_through_remainders(kernel.channel_block)) {
          for (size_t width : kWidths) {
            const auto padding = static_cast<EdgePadding>(i % size_t(EdgePadding::kCount));
            const size_t extra = (i / 4) % 2 ? 0 : 5;
            const testing::Qs8EdgeParams e = testing::rotating_edge_params(i, zero_points);
            const bool wide = kernel.wide_row_weights && i % 3 == 2;
            expect_edge_row_matches(
                fn, kernel.channel_block,
                make_edge_row_problem(rng, k, stride, channels, width, padding, extra, e, wide),
                &kernel);
            ++i;
          }
        }
        testing::for_each_edge_combination(rng, [&](const testing::Qs8EdgeParams& e, size_t j) {
          const size_t channels = j % 2 ? kernel.channel_block + 1 : 2 * kernel.channel_block - 1;
          // Wide weights too, where the variant takes them.
          for (int pass = 0; pass < (kernel.wide_row_weights ? 2 : 1); ++pass) {
            expect_edge_row_matches(fn, kernel.channel_block,
                                    make_edge_row_problem(rng, k, stride, channels, 5,
                                                          EdgePadding::kLeftAndRight, 0, e,
                                                          pass == 1),
                                    &kernel);
          }
        });
      }
    }
  });
}

TEST_CASE("qs8 depthwise row kernels exist only for square 3x3/5x5, stride 1/2, no dilation",
          "[kernels][qs8_dwconv]") {
  const Qs8DwconvKernel& k = qs8_dwconv_variants()[0].fn;
  CHECK(qs8_dwconv_row_kernel(k, 3, 3, 1, 1, 1) == k.row_3x3s1);
  CHECK(qs8_dwconv_row_kernel(k, 5, 5, 2, 1, 1) == k.row_5x5s2);
  CHECK(qs8_dwconv_row_kernel(k, 3, 3, 1, 2, 1) == nullptr);
  CHECK(qs8_dwconv_row_kernel(k, 3, 3, 3, 1, 1) == nullptr);
  CHECK(qs8_dwconv_row_kernel(k, 3, 5, 1, 1, 1) == nullptr);
  CHECK(qs8_dwconv_row_kernel(k, 7, 7, 1, 1, 1) == nullptr);
}
