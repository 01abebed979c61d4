// The W4A8 GEMM family (kernels/qs8w4_gemm.h): every variant this CPU runs
// against the definition (sum((a - zp) * w) + bias, requantized as
// kernels/reference/requantize.h says) and against the int8 GEMM given the
// same weights sign-extended to int8, byte for byte.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/qs8_gemm.h"
#include "kernels/qs8w4_gemm.h"
#include "runtime/cpu_features.h"
#include "support/gemm_variants.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;

namespace {

// The widest nr of any variant: the per-channel arrays are padded to it.
constexpr size_t kRequantPadding = 32;

struct Problem : testing::ChannelRequant {
  size_t mr = 0, n = 0, k = 0;
  int32_t input_zp = 0;
  std::vector<std::vector<int8_t>> rows;  // each exactly k bytes: over-reads show under ASan
  std::vector<int8_t> weights;            // [n][k], each in [-8, 7]
  std::vector<uint8_t> nibbles;           // the same, two per byte, low nibble first
  std::vector<int32_t> bias;

  void pack_nibbles() {
    nibbles.assign((weights.size() + 1) / 2, 0);
    for (size_t i = 0; i < weights.size(); ++i) {
      const auto nibble = static_cast<uint8_t>(weights[i] & 0x0F);
      nibbles[i / 2] = static_cast<uint8_t>(nibbles[i / 2] | (i % 2 ? nibble << 4 : nibble));
    }
  }
};

// int4 weights filled as `fill` says, at int4's limits -8 and 7.
std::vector<int8_t> int4_filled(std::mt19937& rng, size_t n, testing::Fill fill) {
  std::vector<int8_t> v(n);
  for (size_t i = 0; i < n; ++i) {
    switch (fill) {
      case testing::Fill::kRandom: v[i] = static_cast<int8_t>(int(rng() % 16) - 8); break;
      case testing::Fill::kLowest: v[i] = -8; break;
      case testing::Fill::kHighest: v[i] = 7; break;
      case testing::Fill::kAlternating: v[i] = static_cast<int8_t>(i % 2 ? 7 : -8); break;
    }
  }
  return v;
}

Problem make_problem(std::mt19937& rng, size_t max_mr, RequantProfile profile) {
  Problem p;
  p.mr = 1 + rng() % max_mr;
  p.n = 1 + rng() % 80;
  p.k = 1 + rng() % (rng() % 4 == 0 ? 700 : 40);
  p.input_zp = static_cast<int32_t>(rng() % 256) - 128;
  for (size_t m = 0; m < p.mr; ++m) p.rows.push_back(testing::random_ints<int8_t>(rng, p.k, -128, 127));
  p.weights = int4_filled(rng, p.n * p.k, testing::Fill::kRandom);
  p.pack_nibbles();
  p.bias = testing::random_ints<int32_t>(rng, p.n, -20000, 20000);
  std::uniform_real_distribution<double> log_scale(-12.0, 2.0);
  p.draw(profile, p.n, kRequantPadding,
         [&] { return std::pow(2.0, log_scale(rng)) / std::sqrt(double(p.k)); });
  p.params.output_zero_point = static_cast<int32_t>(rng() % 256) - 128;
  p.params.output_max = rng() % 3 == 0 ? 100 : 127;
  p.params.output_min =
      rng() % 3 == 0 ? std::min(p.params.output_zero_point, p.params.output_max) : -128;
  return p;
}

Problem make_edge_problem(std::mt19937& rng, size_t m, size_t n, size_t k,
                          const testing::Qs8EdgeParams& e) {
  Problem p;
  p.mr = m;
  p.n = n;
  p.k = k;
  p.input_zp = e.input_zp;
  for (size_t r = 0; r < m; ++r) p.rows.push_back(testing::filled<int8_t>(rng, k, e.fill));
  p.weights = int4_filled(rng, n * k, e.fill);
  p.pack_nibbles();
  p.bias = testing::random_ints<int32_t>(rng, n, -20000, 20000);
  p.draw_edges(e.profile, n, kRequantPadding, 1.0 / (8.0 * std::sqrt(double(k))));
  p.set_output(e);
  return p;
}

void simulate_into(const Problem& p, int8_t* c, size_t c_stride) {
  testing::simulate_gemm_into(p, {}, c, c_stride);
}

std::vector<int8_t> simulate(const Problem& p) {
  std::vector<int8_t> out(p.mr * p.n);
  simulate_into(p, out.data(), p.n);
  return out;
}

// Packed bytes starting at a 64-byte boundary, as the runtime's are.
struct AlignedPacked {
  explicit AlignedPacked(size_t size) : bytes(size + 64) {
    data = bytes.data() + (64 - reinterpret_cast<uintptr_t>(bytes.data()) % 64) % 64;
  }
  std::vector<uint8_t> bytes;
  uint8_t* data;
};

// `fn` over all p.mr rows, mr_max at a time.
void run_tiles(Qs8GemmFn fn, size_t mr_max, const Problem& p, const void* packed,
               const int8_t* const* a_rows, int8_t* c, size_t c_stride) {
  for (size_t m0 = 0; m0 < p.mr; m0 += mr_max) {
    fn(std::min(mr_max, p.mr - m0), p.n, p.k, a_rows + m0, packed, c + m0 * c_stride, c_stride,
       p.params);
  }
}

void run_into(const Qs8w4GemmKernel& kernel, const Problem& p, const int8_t* const* a_rows,
              int8_t* c, size_t c_stride) {
  AlignedPacked packed(qs8w4_gemm_packed_bytes(kernel.layout, p.n, p.k));
  qs8w4_gemm_pack(kernel.layout, p.n, p.k, p.nibbles.data(), p.bias.data(), p.input_zp,
                  packed.data);
  run_tiles(kernel.fn, kernel.mr, p, packed.data, a_rows, c, c_stride);
}

std::vector<const int8_t*> row_pointers(const Problem& p) {
  std::vector<const int8_t*> rows;
  for (const auto& row : p.rows) rows.push_back(row.data());
  return rows;
}

std::vector<int8_t> run(const Qs8w4GemmKernel& kernel, const Problem& p) {
  std::vector<int8_t> out(p.mr * p.n, 0x55);
  run_into(kernel, p, row_pointers(p).data(), out.data(), p.n);
  return out;
}

// The int8 GEMM `kernel` given the weights sign-extended to int8.
std::vector<int8_t> run_int8(const Qs8GemmKernel& kernel, const Problem& p) {
  AlignedPacked packed(qs8_gemm_packed_bytes(kernel.layout, p.n, p.k));
  qs8_gemm_pack(kernel.layout, p.n, p.k, p.weights.data(), p.bias.data(), p.input_zp,
                packed.data);
  std::vector<int8_t> out(p.mr * p.n, 0x55);
  run_tiles(kernel.fn, kernel.mr, p, packed.data, row_pointers(p).data(), out.data(), p.n);
  return out;
}

// The kernel against the definition, outputs c_stride apart, the rows
// a_stride apart in one buffer with random bytes between when a_stride > k.
void expect_edge_matches(std::mt19937& rng, const Qs8w4GemmKernel& kernel, const Problem& p,
                         size_t c_stride, size_t a_stride) {
  std::vector<int8_t> joined;
  const std::vector<const int8_t*> a_rows =
      testing::strided_row_pointers(rng, p.rows, p.k, a_stride, &joined);
  INFO("M " << p.mr << " N " << p.n << " K " << p.k << " c_stride " << c_stride << " a_stride "
            << a_stride << " zero points " << p.input_zp << "/" << p.params.output_zero_point
            << " clamp [" << p.params.output_min << ", " << p.params.output_max << "] "
            << requant_profile_name(p.params.profile));
  testing::expect_same_writes<int8_t>(
      testing::strided_extent(p.mr, p.n, c_stride),
      [&](int8_t* c) { simulate_into(p, c, c_stride); },
      [&](int8_t* c) { run_into(kernel, p, a_rows.data(), c, c_stride); });
}

template <typename Sweep>
void for_each_edge_sweep(Sweep&& sweep) {
  testing::for_each_runnable_variant(
      qs8w4_gemm_variants(), [&](const KernelVariant<Qs8w4GemmKernel>& variant) {
        std::mt19937 rng(testing::test_seed());
        const std::vector<int32_t> zero_points = testing::edge_zero_points<int8_t>(rng);
        sweep(variant.fn, rng, zero_points);
      });
}

// K values of whole chunks (2 * k_group), one short and one past them.
std::vector<size_t> depths_around_chunk(const Qs8w4GemmLayout& layout) {
  const size_t chunk = 2 * size_t{layout.k_group};
  std::vector<size_t> depths{1, 2, chunk - 1, chunk, chunk + 1, 3 * chunk + 1, 1000 + chunk - 1};
  std::sort(depths.begin(), depths.end());
  depths.erase(std::unique(depths.begin(), depths.end()), depths.end());
  return depths;
}

}  // namespace

TEST_CASE("int4 elements are read low nibble first and sign-extended", "[kernels][qs8w4_gemm]") {
  const uint8_t bytes[] = {0x8F, 0x70, 0x21};
  CHECK(int4_element(bytes, 0) == -1);
  CHECK(int4_element(bytes, 1) == -8);
  CHECK(int4_element(bytes, 2) == 0);
  CHECK(int4_element(bytes, 3) == 7);
  CHECK(int4_element(bytes, 4) == 1);
  CHECK(int4_element(bytes, 5) == 2);
}

TEST_CASE("qs8w4 GEMM variants match the definition and the int8 GEMM in every profile",
          "[kernels][qs8w4_gemm]") {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  // The int8 GEMM this CPU would run, and its reference.
  const auto int8_table = qs8_gemm_variants();
  const CpuFeatures cpu = CpuFeatures::detect();
  const KernelVariant<Qs8GemmKernel>* int8_best = nullptr;
  for (const auto& row : int8_table) {
    if (int8_best == nullptr && cpu.has(row.required)) int8_best = &row;
  }
  REQUIRE(int8_best != nullptr);
  const Qs8GemmKernel& int8_reference = int8_table.rows[int8_table.count - 1].fn;
  const int tested = testing::for_each_runnable_variant(
      qs8w4_gemm_variants(), [&](const KernelVariant<Qs8w4GemmKernel>& variant) {
        for (RequantProfile profile : testing::kSimdProfiles) {
          INFO(requant_profile_name(profile) << ", int8 GEMM " << int8_best->name);
          std::mt19937 rng(seed);
          for (int iter = 0; iter < testing::scaled_iterations(100); ++iter) {
            const Problem p = make_problem(rng, 2 * variant.fn.mr + 1, profile);
            CAPTURE(iter, p.mr, p.n, p.k, p.input_zp);
            const std::vector<int8_t> got = run(variant.fn, p);
            REQUIRE(got == simulate(p));
            REQUIRE(got == run_int8(int8_best->fn, p));
            if (iter % 8 == 0) REQUIRE(got == run_int8(int8_reference, p));
          }
        }
      });
  CHECK(tested >= 1);
}

TEST_CASE("qs8w4 GEMM variants: every M and N remainder, K around the chunk, strides",
          "[kernels][qs8w4_gemm]") {
  for_each_edge_sweep([](const Qs8w4GemmKernel& kernel, std::mt19937& rng,
                         const std::vector<int32_t>& zero_points) {
    size_t i = 0;
    for (size_t m = 1; m <= 2 * kernel.mr + 1; ++m) {
      for (size_t n : testing::tile_remainders(kernel.layout.nr)) {
        for (size_t k : depths_around_chunk(kernel.layout)) {
          const Problem p =
              make_edge_problem(rng, m, n, k, testing::rotating_edge_params(i, zero_points));
          expect_edge_matches(rng, kernel, p, i % 2 ? n : n + 5, (i / 2) % 2 ? k : k + 3);
          ++i;
        }
      }
    }
  });
}

TEST_CASE("qs8w4 GEMM variants: zero points, clamps and fills at the limits",
          "[kernels][qs8w4_gemm]") {
  for_each_edge_sweep([](const Qs8w4GemmKernel& kernel, std::mt19937& rng,
                         const std::vector<int32_t>&) {
    testing::for_each_edge_combination(rng, [&](const testing::Qs8EdgeParams& e, size_t i) {
      // A full tile with K one past a chunk, or a remainder tile with a large
      // K (accumulators at their largest for the fills).
      const size_t nr = kernel.layout.nr, chunk = 2 * size_t{kernel.layout.k_group};
      const Problem p = i % 2 ? make_edge_problem(rng, kernel.mr, nr, chunk + 1, e)
                              : make_edge_problem(rng, 2, nr + 1, 1000 + chunk - 1, e);
      expect_edge_matches(rng, kernel, p, p.n + 1, p.k);
    });
  });
}
