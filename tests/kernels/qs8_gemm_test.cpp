#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/qs8_gemm.h"
#include "support/gemm_variants.h"
#include "support/kernel_tester.h"
#include "lowbit/interpreter.h"
#include "runtime/cpu_features.h"
#include "support/model_runner.h"

using namespace lowbit;

namespace {

struct Problem : testing::ChannelRequant {
  size_t mr, n, k;
  int32_t input_zp;
  std::vector<std::vector<int8_t>> rows;  // each exactly k bytes: over-reads show under ASan
  std::vector<int8_t> weights;            // [n][k]
  std::vector<int32_t> bias;
  // Per row, added to its accumulators (Qs8GemmParams::row_offsets); empty
  // for none.
  std::vector<int32_t> row_offsets;

  // The kernel's params for the tile whose first row is m0.
  Qs8GemmParams tile_params(size_t m0) const {
    Qs8GemmParams tile = params;
    tile.row_offsets = row_offsets.empty() ? nullptr : row_offsets.data() + m0;
    return tile;
  }
};

// Gives p offsets as legacy uint8 row sums are (ops/legacy_uint8.h): a
// multiplier 128 - zw (small or full range) times each row's sum, plus a
// per-row jitter so rows with equal sums still differ. Only when `kernel`
// reads them; returns whether it did.
bool maybe_add_row_offsets(std::mt19937& rng, const Qs8GemmKernel& kernel, Problem* p) {
  if (!kernel.row_offsets) return false;
  const int32_t multiplier =
      rng() % 2 ? static_cast<int32_t>(rng() % 7) - 3 : static_cast<int32_t>(rng() % 256) - 127;
  p->row_offsets.clear();
  for (const auto& row : p->rows) {
    int32_t sum = 0;
    for (int8_t x : row) sum += x;
    p->row_offsets.push_back(multiplier * sum + static_cast<int32_t>(rng() % 2001) - 1000);
  }
  return true;
}

Problem make_problem(std::mt19937& rng, size_t max_mr, RequantProfile profile) {
  Problem p;
  p.mr = 1 + rng() % max_mr;
  p.n = 1 + rng() % 40;
  p.k = 1 + rng() % (rng() % 4 == 0 ? 600 : 40);
  p.input_zp = static_cast<int32_t>(rng() % 256) - 128;
  for (size_t m = 0; m < p.mr; ++m) p.rows.push_back(testing::random_ints<int8_t>(rng, p.k, -128, 127));
  p.weights = testing::random_ints<int8_t>(rng, p.n * p.k, -127, 127);
  p.bias = testing::random_ints<int32_t>(rng, p.n, -20000, 20000);
  std::uniform_real_distribution<double> log_scale(-14.0, 1.0);
  p.draw(profile, p.n, 16,
         [&] { return std::pow(2.0, log_scale(rng)) / std::sqrt(double(p.k)); });
  p.params.output_zero_point = static_cast<int32_t>(rng() % 256) - 128;
  // A fused ReLU clamps at the zero point; an upper clamp mimics ReLU6.
  p.params.output_max = rng() % 3 == 0 ? 100 : 127;
  p.params.output_min =
      rng() % 3 == 0 ? std::min(p.params.output_zero_point, p.params.output_max) : -128;
  return p;
}

void simulate_into(const Problem& p, int8_t* c, size_t c_stride) {
  testing::simulate_gemm_into(p, p.row_offsets, c, c_stride);
}

std::vector<int8_t> simulate(const Problem& p) {
  std::vector<int8_t> out(p.mr * p.n);
  simulate_into(p, out.data(), p.n);
  return out;
}

// The weights packed for `kernel`, starting at a 64-byte boundary as the
// runtime's do.
struct PackedWeights {
  PackedWeights(const Qs8GemmKernel& kernel, const Problem& p)
      : bytes(qs8_gemm_packed_bytes(kernel.layout, p.n, p.k) + 64) {
    data = bytes.data() + (64 - reinterpret_cast<uintptr_t>(bytes.data()) % 64) % 64;
    qs8_gemm_pack(kernel.layout, p.n, p.k, p.weights.data(), p.bias.data(), p.input_zp, data);
  }
  std::vector<uint8_t> bytes;
  void* data;
};

// The kernel over all p.mr rows, MR at a time, row m read at a_rows[m].
void run_into(const Qs8GemmKernel& kernel, const Problem& p, const int8_t* const* a_rows,
              int8_t* c, size_t c_stride) {
  const PackedWeights packed(kernel, p);
  for (size_t m0 = 0; m0 < p.mr; m0 += kernel.mr) {
    const size_t mr = std::min<size_t>(kernel.mr, p.mr - m0);
    kernel.fn(mr, p.n, p.k, a_rows + m0, packed.data, c + m0 * c_stride, c_stride,
              p.tile_params(m0));
  }
}

std::vector<int8_t> run(const Qs8GemmKernel& kernel, const Problem& p) {
  std::vector<const int8_t*> rows;
  for (const auto& row : p.rows) rows.push_back(row.data());
  std::vector<int8_t> out(p.mr * p.n, 0x55);
  run_into(kernel, p, rows.data(), out.data(), p.n);
  return out;
}

// m rows of k inputs and n channels filled as e.fill (the weights too, kept
// in int8's symmetric range), per-channel scales at their ends.
Problem make_edge_problem(std::mt19937& rng, size_t m, size_t n, size_t k,
                          const testing::Qs8EdgeParams& e) {
  Problem p;
  p.mr = m;
  p.n = n;
  p.k = k;
  p.input_zp = e.input_zp;
  for (size_t r = 0; r < m; ++r) p.rows.push_back(testing::filled<int8_t>(rng, k, e.fill));
  p.weights = testing::filled<int8_t>(rng, n * k, e.fill);
  for (int8_t& w : p.weights) w = std::max<int8_t>(w, -127);
  p.bias = testing::random_ints<int32_t>(rng, n, -20000, 20000);
  p.draw_edges(e.profile, n, 16, 1.0 / (64.0 * std::sqrt(double(k))));
  p.set_output(e);
  return p;
}

// The kernel against the definition, outputs c_stride apart; with a_stride
// > k the rows sit a_stride apart in one buffer with random bytes between.
void expect_edge_matches(std::mt19937& rng, const Qs8GemmKernel& kernel, const Problem& p,
                         size_t c_stride, size_t a_stride) {
  std::vector<int8_t> joined;
  const std::vector<const int8_t*> a_rows =
      testing::strided_row_pointers(rng, p.rows, p.k, a_stride, &joined);
  INFO("M " << p.mr << " N " << p.n << " K " << p.k << " c_stride " << c_stride << " a_stride "
            << a_stride << " zero points " << p.input_zp << "/" << p.params.output_zero_point
            << " clamp [" << p.params.output_min << ", " << p.params.output_max << "] "
            << requant_profile_name(p.params.profile) << " row offsets "
            << p.row_offsets.size());
  testing::expect_same_writes<int8_t>(
      testing::strided_extent(p.mr, p.n, c_stride),
      [&](int8_t* c) { simulate_into(p, c, c_stride); },
      [&](int8_t* c) { run_into(kernel, p, a_rows.data(), c, c_stride); });
}

// Calls sweep(kernel, rng, zero_points) for every qs8 GEMM variant this CPU
// runs, each from the same seed and edge zero points.
template <typename Sweep>
void for_each_edge_sweep(Sweep&& sweep) {
  const auto variants = testing::qs8_gemm_variants_under_test();
  testing::for_each_runnable_variant(variants, [&](const KernelVariant<Qs8GemmKernel>& variant) {
    std::mt19937 rng(testing::test_seed());
    const std::vector<int32_t> zero_points = testing::edge_zero_points<int8_t>(rng);
    sweep(variant.fn, rng, zero_points);
  });
}

// A depth past 1000 not a multiple of the group: accumulators far from zero.
size_t large_depth(const Qs8GemmLayout& layout) { return 1000 + layout.k_group - 1; }

const auto& kProfiles = testing::kSimdProfiles;

std::mt19937& rng_for_terms() {
  static std::mt19937 rng(testing::test_seed());
  return rng;
}

}  // namespace

TEST_CASE("qs8 GEMM variants match the definition in every profile", "[kernels][qs8_gemm]") {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  const auto variants = testing::qs8_gemm_variants_under_test();
  const int tested =
      testing::for_each_runnable_variant(variants, [&](const KernelVariant<Qs8GemmKernel>& variant) {
        for (RequantProfile profile : kProfiles) {
          INFO(requant_profile_name(profile));
          std::mt19937 rng(seed);
          for (int iter = 0; iter < testing::scaled_iterations(150); ++iter) {
            // Rows up to 2*MR+1 exercise full tiles and a remainder.
            Problem p = make_problem(rng, 2 * variant.fn.mr + 1, profile);
            if (iter % 2) maybe_add_row_offsets(rng, variant.fn, &p);
            CAPTURE(iter, p.mr, p.n, p.k, p.input_zp, p.row_offsets.size());
            REQUIRE(run(variant.fn, p) == simulate(p));
          }
        }
      });
  CHECK(tested >= 1);
}

TEST_CASE("qs8 GEMM saturates at the clamp bounds", "[kernels][qs8_gemm]") {
  // All-max activations and weights drive every output to output_max.
  const auto variants = testing::qs8_gemm_variants_under_test();
  testing::for_each_runnable_variant(variants, [&](const KernelVariant<Qs8GemmKernel>& variant) {
    std::mt19937 rng(1);
    Problem p = make_problem(rng, 1, RequantProfile::kTfliteReference);
    for (auto& x : p.rows[0]) x = 127;
    for (auto& w : p.weights) w = 127;
    for (auto& m : p.multiplier) m = 1 << 30;  // 0.5
    for (auto& s : p.shift) s = 0;
    p.input_zp = -128;
    p.params.output_max = 127;
    std::vector<int8_t> out = run(variant.fn, p);
    for (int8_t o : out) CHECK(o == 127);
  });
}

// Kernels that store the low byte of each clamped lane write uint8 outputs
// given a uint8 zero point and clamp (legacy uint8 layers), values past 127
// included (the indirect form shares the epilogue).
TEST_CASE("qs8 GEMM variants storing the low byte write uint8 outputs", "[kernels][qs8_gemm]") {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  const auto variants = testing::qs8_gemm_variants_under_test();
  testing::for_each_runnable_variant(variants, [&](const KernelVariant<Qs8GemmKernel>& variant) {
    const Qs8GemmKernel& kernel = variant.fn;
    if (!kernel.stores_low_byte) return;
    for (RequantProfile profile : kProfiles) {
      INFO(requant_profile_name(profile));
      std::mt19937 rng(seed + 11);
      bool above_127 = false;
      for (int iter = 0; iter < testing::scaled_iterations(60); ++iter) {
        Problem p = make_problem(rng, 2 * kernel.mr + 1, profile);
        p.n = 1 + rng() % 70;
        p.weights = testing::random_ints<int8_t>(rng, p.n * p.k, -127, 127);
        p.bias = testing::random_ints<int32_t>(rng, p.n, -20000, 20000);
        p.draw(profile, p.n, 16, [&] { return 4.0 / std::sqrt(double(p.k)); });
        p.params.output_zero_point = static_cast<int32_t>(rng() % 256);
        p.params.output_min = rng() % 2 ? 0 : p.params.output_zero_point;
        p.params.output_max = 255;
        CAPTURE(iter, p.mr, p.n, p.k, p.params.output_zero_point, p.params.output_min);
        const std::vector<int8_t> expected = simulate(p);
        for (int8_t x : expected) above_127 |= static_cast<uint8_t>(x) > 127;
        REQUIRE(run(kernel, p) == expected);
      }
      CHECK(above_127);
    }
  });
}

// The indirect form: each row's K bytes split into taps of tap_bytes, every
// tap in its own buffer (as input pixels are), some taps shared between rows
// (as a padding row is). Same results as the definition.
TEST_CASE("qs8 indirect GEMM variants match the definition in every profile",
          "[kernels][qs8_gemm]") {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  const auto variants = testing::qs8_gemm_variants_under_test();
  testing::for_each_runnable_variant(variants, [&](const KernelVariant<Qs8GemmKernel>& variant) {
    const Qs8GemmKernel& kernel = variant.fn;
    if (kernel.igemm == nullptr) return;
    for (RequantProfile profile : kProfiles) {
      INFO("indirect [" << requant_profile_name(profile) << "]");
      std::mt19937 rng(seed + 7);
      for (int iter = 0; iter < testing::scaled_iterations(150); ++iter) {
        Problem p = make_problem(rng, kernel.mr, profile);
        const size_t group = kernel.layout.k_group;
        const size_t tap_bytes = group * (1 + rng() % 20);
        const size_t taps = 1 + rng() % 9;
        p.k = taps * tap_bytes;
        p.weights = testing::random_ints<int8_t>(rng, p.n * p.k, -127, 127);
        // Tap t of row m: its own buffer, or (sometimes) one shared buffer.
        const std::vector<int8_t> shared = testing::random_ints<int8_t>(rng, tap_bytes, -128, 127);
        std::vector<std::vector<int8_t>> tap_buffers;
        std::vector<const int8_t*> indirection;
        p.rows.assign(p.mr, {});
        for (size_t m = 0; m < p.mr; ++m) {
          for (size_t t = 0; t < taps; ++t) {
            const bool use_shared = rng() % 5 == 0;
            if (!use_shared) tap_buffers.push_back(testing::random_ints<int8_t>(rng, tap_bytes, -128, 127));
            const std::vector<int8_t>& tap = use_shared ? shared : tap_buffers.back();
            indirection.push_back(tap.data());
            p.rows[m].insert(p.rows[m].end(), tap.begin(), tap.end());
          }
        }
        if (iter % 2) maybe_add_row_offsets(rng, kernel, &p);
        CAPTURE(iter, p.mr, p.n, taps, tap_bytes, p.input_zp, p.row_offsets.size());
        const PackedWeights packed(kernel, p);
        std::vector<int8_t> out(p.mr * p.n, 0x55);
        kernel.igemm(p.mr, p.n, taps, tap_bytes, indirection.data(), packed.data, out.data(), p.n,
                     p.tile_params(0));
        REQUIRE(out == simulate(p));
      }
    }
  });
}

TEST_CASE("qs8 GEMM variants: every M and N remainder, K around the group, strides",
          "[kernels][qs8_gemm]") {
  for_each_edge_sweep([](const Qs8GemmKernel& kernel, std::mt19937& rng,
                         const std::vector<int32_t>& zero_points) {
    size_t i = 0;
    for (size_t m = 1; m <= 2 * kernel.mr + 1; ++m) {
      for (size_t n : testing::tile_remainders(kernel.layout.nr)) {
        const size_t group = kernel.layout.k_group;
        for (size_t k : testing::depths_around_group(group, large_depth(kernel.layout))) {
          // Profiles, zero points, strides and row offsets rotate so every
          // shape gets some.
          Problem p =
              make_edge_problem(rng, m, n, k, testing::rotating_edge_params(i, zero_points));
          if (i % 5 < 2) maybe_add_row_offsets(rng, kernel, &p);
          expect_edge_matches(rng, kernel, p, i % 2 ? n : n + 5, (i / 2) % 2 ? k : k + 3);
          ++i;
        }
      }
    }
  });
}

TEST_CASE("qs8 GEMM variants: zero points, clamps and fills at the limits",
          "[kernels][qs8_gemm]") {
  for_each_edge_sweep([](const Qs8GemmKernel& kernel, std::mt19937& rng,
                         const std::vector<int32_t>&) {
    testing::for_each_edge_combination(rng, [&](const testing::Qs8EdgeParams& e, size_t i) {
      // A full tile with K one past the group, or a remainder tile with a
      // large K (accumulators at their largest for the fills).
      const size_t nr = kernel.layout.nr;
      Problem p = i % 2 ? make_edge_problem(rng, kernel.mr, nr, kernel.layout.k_group + 1, e)
                        : make_edge_problem(rng, 2, nr + 1, large_depth(kernel.layout), e);
      // Every fill and shape, every other clamp: with row offsets.
      if ((i / 4) % 2 == 0) maybe_add_row_offsets(rng, kernel, &p);
      expect_edge_matches(rng, kernel, p, p.n + 1, p.k);
    });
  });
}

// The indirect form at every M and N remainder with tap counts 1, 2, 3 and
// 9, taps one, three or four K groups long (3 x 3 and 9 x 4 are a 3x3 RGB
// layer's kernel rows and a 16-channel layer's pixels, which the 16-row
// tile runs through loops of their own), outputs strided, and padding taps:
// one shared buffer of the input zero point, as convolution points them.
TEST_CASE("qs8 indirect GEMM variants: every M and N remainder, padding taps, strides",
          "[kernels][qs8_gemm]") {
  for_each_edge_sweep([](const Qs8GemmKernel& kernel, std::mt19937& rng,
                         const std::vector<int32_t>& zero_points) {
    if (kernel.igemm == nullptr) return;
    const size_t group = kernel.layout.k_group;
    size_t i = 0;
    for (size_t m = 1; m <= 2 * kernel.mr + 1; ++m) {
      for (size_t n : testing::tile_remainders(kernel.layout.nr)) {
        for (size_t taps : {1, 2, 3, 9}) {
          for (size_t tap_bytes : {group, 3 * group, 4 * group}) {
            Problem p =
                make_edge_problem(rng, m, n, taps * tap_bytes,
                                  testing::rotating_edge_params(i, zero_points));
            if (i % 5 < 2) maybe_add_row_offsets(rng, kernel, &p);
            const std::vector<int8_t> padding(tap_bytes, static_cast<int8_t>(p.input_zp));
            std::vector<const int8_t*> indirection;
            for (size_t r = 0; r < m; ++r) {
              for (size_t t = 0; t < taps; ++t) {
                int8_t* tap = p.rows[r].data() + t * tap_bytes;
                if ((r + t + i) % 3 == 1) std::copy(padding.begin(), padding.end(), tap);
                indirection.push_back((r + t + i) % 3 == 1 ? padding.data() : tap);
              }
            }
            const size_t c_stride = i % 2 ? n : n + 7;
            INFO("M " << m << " N " << n << " taps " << taps << " x " << tap_bytes << " c_stride "
                      << c_stride << " zero points " << p.input_zp << "/"
                      << p.params.output_zero_point << " "
                      << requant_profile_name(p.params.profile) << " row offsets "
                      << p.row_offsets.size());
            const PackedWeights packed(kernel, p);
            testing::expect_same_writes<int8_t>(
                testing::strided_extent(m, n, c_stride),
                [&](int8_t* c) { simulate_into(p, c, c_stride); },
                [&](int8_t* c) {
                  for (size_t m0 = 0; m0 < m; m0 += kernel.mr) {
                    kernel.igemm(std::min<size_t>(kernel.mr, m - m0), n, taps, tap_bytes,
                                 indirection.data() + m0 * taps, packed.data,
                                 c + m0 * c_stride, c_stride, p.tile_params(m0));
                  }
                });
            ++i;
          }
        }
      }
    }
  });
}

// A bound on the accumulators of p as the driver forms one: |bias| plus K
// products of at most 255 * 255 (row offsets of legacy uint8 layers are
// part of such sums; those here add their own magnitude).
uint32_t problem_bound(const Problem& p) {
  int64_t largest = 0;
  for (int32_t b : p.bias) largest = std::max<int64_t>(largest, std::llabs(int64_t(b)));
  int64_t offsets = 0;
  for (int32_t o : p.row_offsets) offsets = std::max<int64_t>(offsets, std::llabs(int64_t(o)));
  return uint32_t(std::min<int64_t>(largest + offsets + int64_t(p.k) * 255 * 255, UINT32_MAX));
}

// Qs8GemmKernel::requant_terms: typical layers (every multiplier below 1/2,
// any int8 zero point and clamp) get stored terms in the fixed-point
// profiles, and the GEMM, its indirect form and the narrow tile read them
// with the same outputs; the fp32 profile and a left shift get none. (The
// "+terms" rows of the sweeps above cover every other shape.)
TEST_CASE("qs8 GEMM stored requantization terms give the same outputs", "[kernels][qs8_gemm]") {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  const auto variants = testing::qs8_gemm_variants_under_test();
  int stored = 0, storing_variants = 0;
  testing::for_each_runnable_variant(variants, [&](const KernelVariant<Qs8GemmKernel>& variant) {
    const Qs8GemmKernel& kernel = variant.fn;
    if (kernel.requant_terms == nullptr) return;
    ++storing_variants;
    for (RequantProfile profile : kProfiles) {
      INFO(requant_profile_name(profile));
      std::mt19937 rng(seed);
      for (int iter = 0; iter < testing::scaled_iterations(40); ++iter) {
        Problem p = make_problem(rng, 2 * kernel.mr + 1, profile);
        std::uniform_real_distribution<double> log_scale(-14.0, -2.0);
        p.draw(profile, p.n, 16, [&] { return std::pow(2.0, log_scale(rng)); });
        if (iter % 3 == 0) {  // uint8 outputs (stores_low_byte variants)
          p.params.output_zero_point = static_cast<int32_t>(rng() % 256);
          p.params.output_max = rng() % 2 ? 255 : 200;
          p.params.output_min = rng() % 2 ? 0 : std::min(p.params.output_zero_point, 200);
          if (!kernel.stores_low_byte) continue;
        }
        CAPTURE(iter, p.mr, p.n, p.k, p.params.output_zero_point, p.params.output_min,
                p.params.output_max);
        std::vector<uint8_t> terms((p.n + 15) / 16 * kernel.requant_terms_block_bytes);
        if (profile == RequantProfile::kXnnpackFp32) {
          CHECK_FALSE(kernel.requant_terms(p.n, p.params, problem_bound(p), terms.data()));
          continue;
        }
        REQUIRE(kernel.requant_terms(p.n, p.params, problem_bound(p), terms.data()));
        p.params.requant_terms = terms.data();
        REQUIRE(run(kernel, p) == simulate(p));
        ++stored;
      }
    }
    Problem p = make_problem(rng_for_terms(), 4, RequantProfile::kTfliteReference);
    p.draw(RequantProfile::kTfliteReference, p.n, 16, [] { return 0.01; });
    std::vector<uint8_t> terms((p.n + 15) / 16 * kernel.requant_terms_block_bytes);
    p.shift[0] = 1;  // a left shift
    CHECK_FALSE(kernel.requant_terms(p.n, p.params, problem_bound(p), terms.data()));
    p.shift[0] = -3;
    // tflite_reference's terms want a known bound on the accumulators, small
    // enough for their doubled products, and no negative multiplier.
    p.params.output_min = -128;  // ties stay tflite_reference's (no ReLU clamp)
    CHECK(kernel.requant_terms(p.n, p.params, problem_bound(p), terms.data()));
    CHECK_FALSE(kernel.requant_terms(p.n, p.params, 0, terms.data()));
    CHECK_FALSE(kernel.requant_terms(p.n, p.params, uint32_t{1} << 29, terms.data()));
    p.multiplier[0] = -p.multiplier[0];
    CHECK_FALSE(kernel.requant_terms(p.n, p.params, problem_bound(p), terms.data()));
    p.multiplier[0] = -p.multiplier[0];
    p.params.profile = RequantProfile::kTfliteOptimized;  // no bound needed
    CHECK(kernel.requant_terms(p.n, p.params, 0, terms.data()));
    p.params.profile = RequantProfile::kXnnpackFp32;
    CHECK_FALSE(kernel.requant_terms(p.n, p.params, problem_bound(p), terms.data()));
  });
  CHECK((storing_variants == 0 || stored > 0));
}
