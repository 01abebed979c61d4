// The variants the kernel tests run. for_each_runnable_variant walks a
// variant table the way every kernel test does. qs8_gemm_variants_under_test
// is the qs8 GEMM selection table plus, on x86, the EVEX build of the
// AVX-VNNI kernel, so that kernel's logic runs on CPUs with AVX512-VNNI but no
// AVX-VNNI (AMD Zen 4). Where the CPU has AVX-VNNI, the table's own row runs
// too; and every variant's offset forms (Qs8GemmKernel::fn_offset) as a row
// of their own; and, for variants that store requantization terms
// (Qs8GemmKernel::requant_terms), every such row again with the terms stored
// before each call (Qs8GemmParams::requant_terms).
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "kernels/qs8_gemm.h"
#include "runtime/cpu_features.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

namespace lowbit::testing {

// Pointers to `rows` (each k bytes) as a GEMM kernel reads them; with
// a_stride > k the rows are copied a_stride apart into *joined, random bytes
// between them, so a kernel reading past K shows up.
inline std::vector<const int8_t*> strided_row_pointers(std::mt19937& rng,
                                                       const std::vector<std::vector<int8_t>>& rows,
                                                       size_t k, size_t a_stride,
                                                       std::vector<int8_t>* joined) {
  std::vector<const int8_t*> pointers;
  if (a_stride > k) *joined = random_ints<int8_t>(rng, rows.size() * a_stride, -128, 127);
  for (size_t m = 0; m < rows.size(); ++m) {
    if (a_stride <= k) {
      pointers.push_back(rows[m].data());
      continue;
    }
    std::copy(rows[m].begin(), rows[m].end(), joined->begin() + m * a_stride);
    pointers.push_back(joined->data() + m * a_stride);
  }
  return pointers;
}

// Calls run(row), with the row's name in the messages of its assertions, for
// every row of `table` (a KernelFamily or a vector of rows) whose features
// this CPU has; warns about every other row. Returns how many rows ran.
template <typename Table, typename Run>
int for_each_runnable_variant(const Table& table, Run&& run) {
  const CpuFeatures cpu = CpuFeatures::detect();
  int ran = 0;
  for (const auto& row : table) {
    if (!cpu.has(row.required)) {
      WARN(row.name << " not run: this CPU lacks its features");
      continue;
    }
    ++ran;
    INFO(row.name);
    run(row);
  }
  return ran;
}

// The parameters a qs8 GEMM-type edge case pins down (the rest of its
// problem is random).
struct Qs8EdgeParams {
  RequantProfile profile = RequantProfile::kTfliteReference;
  int32_t input_zp = 0, output_zp = 0;
  std::pair<int32_t, int32_t> clamp{-128, 127};
  Fill fill = Fill::kRandom;
};

// Profiles and zero points (from edge_zero_points) rotating with a sweep's
// case index i, so a sweep of shapes meets every one; no clamp, random fill.
inline Qs8EdgeParams rotating_edge_params(size_t i, const std::vector<int32_t>& zero_points) {
  Qs8EdgeParams e;
  e.profile = kSimdProfiles[i % 3];
  e.input_zp = zero_points[i % 4];
  e.output_zp = zero_points[(i / 4) % 4];
  return e;
}

// Calls each(params, i) for every combination of profile, input and output
// zero point, clamp (edge_clamps) and fill, i counting them.
template <typename Each>
void for_each_edge_combination(std::mt19937& rng, Each&& each) {
  const std::vector<int32_t> zero_points = edge_zero_points<int8_t>(rng);
  size_t i = 0;
  for (RequantProfile profile : kSimdProfiles) {
    for (int32_t input_zp : zero_points) {
      for (int32_t output_zp : zero_points) {
        for (const auto& clamp : edge_clamps<int8_t>(rng, output_zp)) {
          for (Fill fill : kFills) {
            each(Qs8EdgeParams{profile, input_zp, output_zp, clamp, fill}, i++);
          }
        }
      }
    }
  }
}

// Per-channel requantization of a random kernel-test problem, in the arrays
// Qs8GemmParams points at.
struct ChannelRequant {
  std::vector<int32_t> multiplier, shift;
  std::vector<float> scale;
  Qs8GemmParams params;

  // Channel c < channels gets real scale real_scale() (called in channel
  // order); the arrays are zero up to a multiple of pad_to channels. Sets the
  // profile and the array pointers of `params`, not its output range.
  template <typename RealScale>
  void draw(RequantProfile profile, size_t channels, size_t pad_to, RealScale&& real_scale) {
    const size_t padded = (channels + pad_to - 1) / pad_to * pad_to;
    multiplier.assign(padded, 0);
    shift.assign(padded, 0);
    scale.assign(padded, 0.0f);
    for (size_t c = 0; c < channels; ++c) {
      const double real = real_scale();
      const ref::Requantizer r = ref::make_requantizer(profile, real, static_cast<float>(real));
      multiplier[c] = r.multiplier;
      shift[c] = r.shift;
      scale[c] = r.scale;
    }
    params.profile = profile;
    params.multiplier = multiplier.data();
    params.shift = shift.data();
    params.scale = scale.data();
  }

  // The output zero point and clamp of `e`.
  void set_output(const Qs8EdgeParams& e) {
    params.output_zero_point = e.output_zp;
    params.output_min = e.clamp.first;
    params.output_max = e.clamp.second;
  }

  // As draw, with channel c's scale cycling through the ends of the range a
  // quantized model produces (edge_channel_scale), so every NR block and
  // remainder mixes them.
  void draw_edges(RequantProfile profile, size_t channels, size_t pad_to, double typical) {
    size_t c = 0;
    draw(profile, channels, pad_to, [&] { return edge_channel_scale(c++, typical); });
  }

  // Real scales cycling through: the smallest whose outputs still move, a
  // typical one, an exact half (ties), the largest below 1, exactly 1, and
  // a multiplier above 1 (a left shift in the fixed-point profiles).
  static double edge_channel_scale(size_t c, double typical) {
    const double kEdges[] = {std::ldexp(1.0, -24), typical, 0.5, 1.0 - std::ldexp(1.0, -23),
                             1.0, 4.0};
    return kEdges[c % (sizeof(kEdges) / sizeof(kEdges[0]))];
  }

  ref::Requantizer channel(size_t c) const { return {multiplier[c], shift[c], scale[c]}; }
};

// The GEMM definition the qs8 and W4A8 testers check against: for row m and
// channel n, sum((a - zp) * w) + bias (+ row_offsets[m] when given), then
// the profile's requantization, at c[m * c_stride + n]. `p` holds mr, n, k,
// rows, weights ([n][k] values), bias, input_zp and a ChannelRequant.
template <typename GemmProblem>
void simulate_gemm_into(const GemmProblem& p, const std::vector<int32_t>& row_offsets, int8_t* c,
                        size_t c_stride) {
  for (size_t m = 0; m < p.mr; ++m) {
    for (size_t n = 0; n < p.n; ++n) {
      int64_t acc = p.bias[n] + (row_offsets.empty() ? 0 : row_offsets[m]);
      for (size_t i = 0; i < p.k; ++i) {
        acc += int64_t(p.rows[m][i] - p.input_zp) * p.weights[n * p.k + i];
      }
      c[m * c_stride + n] = static_cast<int8_t>(ref::requantize_to_output(
          static_cast<int32_t>(acc), p.channel(n), p.params.profile, p.params.output_zero_point,
          p.params.output_min, p.params.output_max));
    }
  }
}

// Tile sizes a GEMM-type tester sweeps for a tile of `tile` rows or columns:
// every remainder 1 .. tile, one past a whole tile, and two tiles plus one.
inline std::vector<size_t> tile_remainders(size_t tile) {
  std::vector<size_t> sizes;
  for (size_t n = 1; n <= tile + 1; ++n) sizes.push_back(n);
  sizes.push_back(2 * tile + 1);
  return sizes;
}

// Depths around a kernel's K group (the packed weights pad K up to it): 1,
// one short of it, one past one and two groups, and `large`; a multiple of
// the group only where the group is 1 or 2.
inline std::vector<size_t> depths_around_group(size_t group, size_t large) {
  std::vector<size_t> depths{1};
  if (group > 2) depths.push_back(group - 1);
  for (size_t k : {group + 1, 2 * group + 1, large}) {
    if (k != depths.back()) depths.push_back(k);
  }
  return depths;
}

// A variant's offset forms behind the plain signatures, so every GEMM test
// runs them: each call copies its rows (or taps) through offset_activations
// into buffers of exactly their length (a read past K shows under ASan) and
// calls fn_offset / igemm_offset. Slot kSlot holds the kernel.
namespace offset_forms {
constexpr size_t kSlots = 4;
inline Qs8GemmKernel& slot(size_t i) {
  static Qs8GemmKernel slots[kSlots];
  return slots[i];
}
inline std::vector<const int8_t*> offset_copies(const Qs8GemmKernel& kernel,
                                                const int8_t* const* runs, size_t count,
                                                size_t bytes,
                                                std::vector<std::vector<int8_t>>* copies) {
  copies->assign(count, std::vector<int8_t>(bytes));
  std::vector<const int8_t*> pointers(count);
  for (size_t i = 0; i < count; ++i) {
    kernel.offset_activations(runs[i], (*copies)[i].data(), bytes);
    pointers[i] = (*copies)[i].data();
  }
  return pointers;
}
template <size_t kSlot>
void gemm(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows, const void* packed_w,
          int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  const Qs8GemmKernel& kernel = slot(kSlot);
  std::vector<std::vector<int8_t>> copies;
  const auto rows = offset_copies(kernel, a_rows, mr, k, &copies);
  kernel.fn_offset(mr, nc, k, rows.data(), packed_w, c, c_stride, params);
}
template <size_t kSlot>
void igemm(size_t mr, size_t nc, size_t taps, size_t tap_bytes, const int8_t* const* indirection,
           const void* packed_w, int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  const Qs8GemmKernel& kernel = slot(kSlot);
  std::vector<std::vector<int8_t>> copies;
  const auto runs = offset_copies(kernel, indirection, mr * taps, tap_bytes, &copies);
  kernel.igemm_offset(mr, nc, taps, tap_bytes, runs.data(), packed_w, c, c_stride, params);
}
template <size_t... kSlot>
constexpr Qs8GemmFn kGemms[] = {gemm<kSlot>...};
template <size_t... kSlot>
constexpr Qs8IgemmFn kIgemms[] = {igemm<kSlot>...};

// The row "<name>+offset" of `row`, or false when the slots are used up.
inline bool make_row(const KernelVariant<Qs8GemmKernel>& row, size_t index,
                     KernelVariant<Qs8GemmKernel>* out) {
  if (index >= kSlots) return false;
  static std::deque<std::string> names;
  slot(index) = row.fn;
  names.push_back(std::string(row.name) + "+offset");
  *out = row;
  out->name = names.back().c_str();
  out->fn.fn = kGemms<0, 1, 2, 3>[index];
  out->fn.igemm = row.fn.igemm_offset ? kIgemms<0, 1, 2, 3>[index] : nullptr;
  out->fn.fn_offset = nullptr;
  out->fn.igemm_offset = nullptr;
  return true;
}
}  // namespace offset_forms

// A variant's calls with its requantization terms stored first, as the
// driver does at prepare (where the kernel declines them for the call's
// parameters, the call runs without, as the driver's would).
namespace stored_terms {
constexpr size_t kSlots = 8;
inline Qs8GemmKernel& slot(size_t i) {
  static Qs8GemmKernel slots[kSlots];
  return slots[i];
}
// A bound on every accumulator of a call, from what the kernel reads: its
// packed biases, K products of a weight (|w| <= 128) and an unsigned
// activation (<= 255), and the row offsets. Where the sum leaves int32 the
// bound does too (the kernel then declines terms that need one).
inline uint32_t accumulator_bound(const Qs8GemmKernel& kernel, size_t mr, size_t nc, size_t k,
                                  const void* packed_w, const Qs8GemmParams& params) {
  const size_t padded_k = qs8_gemm_padded_k(kernel.layout, k);
  const size_t block_bytes = kernel.layout.nr * sizeof(int32_t) + padded_k * kernel.layout.nr;
  int64_t largest = 0;
  for (size_t c = 0; c < nc; ++c) {
    int32_t bias;
    std::memcpy(&bias,
                static_cast<const uint8_t*>(packed_w) + c / kernel.layout.nr * block_bytes +
                    c % kernel.layout.nr * sizeof(int32_t),
                sizeof(bias));
    largest = std::max<int64_t>(largest, std::llabs(int64_t(bias)));
  }
  int64_t offsets = 0;
  for (size_t m = 0; params.row_offsets != nullptr && m < mr; ++m) {
    offsets = std::max<int64_t>(offsets, std::llabs(int64_t(params.row_offsets[m])));
  }
  return uint32_t(std::min<int64_t>(largest + offsets + int64_t(padded_k) * 128 * 255,
                                    UINT32_MAX));
}
inline Qs8GemmParams with_terms(const Qs8GemmKernel& kernel, size_t nc,
                                const Qs8GemmParams& params, uint32_t bound,
                                std::vector<uint8_t>* terms) {
  const size_t blocks = (nc + kernel.layout.nr - 1) / kernel.layout.nr;
  terms->assign(blocks * kernel.requant_terms_block_bytes, 0);
  Qs8GemmParams p = params;
  p.requant_terms =
      kernel.requant_terms(nc, params, bound, terms->data()) ? terms->data() : nullptr;
  return p;
}
template <size_t kSlot>
void gemm(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows, const void* packed_w,
          int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  const Qs8GemmKernel& kernel = slot(kSlot);
  std::vector<uint8_t> terms;
  kernel.fn(mr, nc, k, a_rows, packed_w, c, c_stride,
            with_terms(kernel, nc, params,
                       accumulator_bound(kernel, mr, nc, k, packed_w, params), &terms));
}
template <size_t kSlot>
void igemm(size_t mr, size_t nc, size_t taps, size_t tap_bytes, const int8_t* const* indirection,
           const void* packed_w, int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  const Qs8GemmKernel& kernel = slot(kSlot);
  std::vector<uint8_t> terms;
  kernel.igemm(mr, nc, taps, tap_bytes, indirection, packed_w, c, c_stride,
               with_terms(kernel, nc, params,
                          accumulator_bound(kernel, mr, nc, taps * tap_bytes, packed_w, params),
                          &terms));
}
template <size_t... kSlot>
constexpr Qs8GemmFn kGemms[] = {gemm<kSlot>...};
template <size_t... kSlot>
constexpr Qs8IgemmFn kIgemms[] = {igemm<kSlot>...};

// The row "<name>+terms" of `row`, or false when the slots are used up.
inline bool make_row(const KernelVariant<Qs8GemmKernel>& row, size_t index,
                     KernelVariant<Qs8GemmKernel>* out) {
  if (index >= kSlots) return false;
  static std::deque<std::string> names;
  slot(index) = row.fn;
  names.push_back(std::string(row.name) + "+terms");
  *out = row;
  out->name = names.back().c_str();
  out->fn.fn = kGemms<0, 1, 2, 3, 4, 5, 6, 7>[index];
  out->fn.igemm = row.fn.igemm ? kIgemms<0, 1, 2, 3, 4, 5, 6, 7>[index] : nullptr;
  out->fn.fn_offset = nullptr;
  out->fn.igemm_offset = nullptr;
  out->fn.requant_terms = nullptr;
  return true;
}
}  // namespace stored_terms

inline std::vector<KernelVariant<Qs8GemmKernel>> qs8_gemm_variants_under_test() {
  const auto [table, count] = qs8_gemm_variants();
  std::vector<KernelVariant<Qs8GemmKernel>> variants(table, table + count);
  // Narrow tiles (Qs8GemmKernel::narrow) as rows of their own, before the
  // reference, so their offset forms get rows below too.
  static std::deque<std::string> narrow_names;
  for (size_t v = 0; v < count; ++v) {
    if (table[v].fn.narrow == nullptr) continue;
    KernelVariant<Qs8GemmKernel> row = table[v];
    narrow_names.push_back(std::string(table[v].name) + "+narrow");
    row.name = narrow_names.back().c_str();
    row.fn = qs8_gemm_narrow_form(table[v].fn);
    variants.insert(variants.end() - 1, row);
  }
  size_t offset_rows = 0;
  for (size_t v = 0; v + 1 < variants.size(); ++v) {
    KernelVariant<Qs8GemmKernel> row;
    if (variants[v].fn.fn_offset == nullptr || variants[v].fn.offset_activations == nullptr) {
      continue;
    }
    REQUIRE(offset_forms::make_row(variants[v], offset_rows++, &row));
    variants.insert(variants.end() - 1, row);
  }
  size_t terms_rows = 0;
  for (size_t v = 0, end = variants.size(); v + 1 < end; ++v) {
    if (variants[v].fn.requant_terms == nullptr) continue;
    KernelVariant<Qs8GemmKernel> row;
    REQUIRE(stored_terms::make_row(variants[v], terms_rows++, &row));
    variants.insert(variants.end() - 1, row);
  }
#if defined(__x86_64__)
  for (size_t v = 0; v < count; ++v) {
    if (table[v].fn.fn != qs8_gemm_4x8c4__avxvnni) continue;
    // The reference stays last.
    variants.insert(variants.end() - 1, qs8_gemm_avxvnni_evex_row(table[v]));
  }
#endif
  return variants;
}

}  // namespace lowbit::testing
