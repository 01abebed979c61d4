// The REDUCE_MAX / REDUCE_MIN / plain SUM / plain MEAN family's tester, and
// the int8/uint8 SUM through the uint8 MEAN family (its rescale unfolded): every
// variant this CPU runs against the reference, byte for byte, over every
// length remainder of the vector widths along the innermost axis and across
// contiguous outputs, every subset of reduced axes (with size-1 dimensions
// and unmerged neighbours, as the kernels may be handed them), int8 and
// uint8 at their limits, random shapes, each call split at a random output
// as threads split it, and the cases the SIMD rows hand back (float32, int32,
// int64, sums and means).
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <vector>

#include "kernels/qs8_mean.h"
#include "kernels/reduce.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

size_t dtype_bytes(DType dtype) {
  switch (dtype) {
    case DType::kInt8:
    case DType::kUInt8: return 1;
    case DType::kInt64: return 8;
    default: return 4;
  }
}

// The geometry of `shape` reduced over the axes in `mask` (bit d: axis d),
// one entry per dimension as written (no merging); returns the outputs.
size_t reduce_geometry(const std::vector<int32_t>& shape, uint32_t mask, ref::ReduceGeometry* p) {
  std::vector<size_t> strides(shape.size());
  size_t stride = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    strides[d] = stride;
    stride *= size_t(shape[d]);
  }
  size_t outputs = 1;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (mask & (1u << d)) {
      p->reduced_dims[p->reduced_rank] = shape[d];
      p->reduced_strides[p->reduced_rank++] = strides[d];
      p->count *= shape[d];
    } else {
      p->kept_dims[p->kept_rank] = shape[d];
      p->kept_strides[p->kept_rank++] = strides[d];
      outputs *= size_t(shape[d]);
    }
  }
  return outputs;
}

struct ReduceCase {
  std::vector<int32_t> shape;
  uint32_t mask = 1;
  DType dtype = DType::kInt8;
  ref::ReduceKind kind = ref::ReduceKind::kMax;
  Fill fill = Fill::kRandom;
};

// Bytes of the input: int8/uint8 as `fill`; wider types from small values
// (sums stay exact and float ties are common).
std::vector<uint8_t> input_bytes(std::mt19937& rng, const ReduceCase& c, size_t elements) {
  std::vector<uint8_t> bytes(elements * dtype_bytes(c.dtype));
  if (c.dtype == DType::kInt8) {
    const auto v = filled<int8_t>(rng, elements, c.fill);
    std::memcpy(bytes.data(), v.data(), elements);
  } else if (c.dtype == DType::kUInt8) {
    bytes = filled<uint8_t>(rng, elements, c.fill);
  } else {
    for (size_t i = 0; i < elements; ++i) {
      const int32_t small = static_cast<int32_t>(rng() % 9) - 4;
      if (c.dtype == DType::kFloat32) {
        const float f = static_cast<float>(small) * 0.75f;
        std::memcpy(&bytes[i * 4], &f, 4);
      } else if (c.dtype == DType::kInt64) {
        const int64_t v = small;
        std::memcpy(&bytes[i * 8], &v, 8);
      } else {
        std::memcpy(&bytes[i * 4], &small, 4);
      }
    }
  }
  return bytes;
}

template <typename Fn>
void expect_reduce_matches(const KernelVariant<Fn>& row, Fn reference, const ReduceCase& c,
                           std::mt19937& rng) {
  ref::ReduceParams p;
  p.kind = c.kind;
  p.dtype = c.dtype;
  const size_t outputs = reduce_geometry(c.shape, c.mask, &p);
  p.start_with_first = p.kept_rank == 0;
  size_t elements = 1;
  for (int32_t d : c.shape) elements *= size_t(d);
  // Exactly the input's bytes, so reading past them is a sanitizer error.
  const std::vector<uint8_t> input = input_bytes(rng, c, elements);
  const size_t split = rng() % (outputs + 1);
  CAPTURE(c.shape, c.mask, dtype_name(c.dtype), int(c.kind), int(c.fill), split);
  const size_t bytes = dtype_bytes(c.dtype);
  expect_same_writes<uint8_t>(
      outputs * bytes, [&](uint8_t* out) { reference(p, input.data(), out, 0, outputs); },
      [&](uint8_t* out) {
        row.fn(p, input.data(), out, 0, split);
        row.fn(p, input.data(), out, split, outputs);
      });
}

constexpr DType kByteTypes[] = {DType::kInt8, DType::kUInt8};
constexpr ref::ReduceKind kMaxMin[] = {ref::ReduceKind::kMax, ref::ReduceKind::kMin};

}  // namespace

TEST_CASE("reduce variants: every length along the innermost axis and across outputs",
          "[kernels][reduce]") {
  for_each_variant("reduce", reduce_variants(), [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed());
    int iteration = 0;
    for (size_t length : lengths_through_remainders()) {
      for (DType dtype : kByteTypes) {
        for (ref::ReduceKind kind : kMaxMin) {
          const int32_t n = static_cast<int32_t>(length);
          const int32_t other = 1 + static_cast<int32_t>(rng() % 5);
          ReduceCase c;
          c.dtype = dtype;
          c.kind = kind;
          c.fill = kFills[iteration++ % 4];
          c.shape = {other, n};
          c.mask = 0b10;  // runs along the innermost axis
          expect_reduce_matches(row, reference, c, rng);
          c.mask = 0b01;  // `n` contiguous outputs, each over `other` rows
          expect_reduce_matches(row, reference, c, rng);
          c.shape = {other, 3, n};  // a 3 x n tile, several output runs
          c.mask = 0b001;
          expect_reduce_matches(row, reference, c, rng);
        }
      }
    }
  });
}

TEST_CASE("reduce variants: every subset of reduced axes, size-1 dimensions",
          "[kernels][reduce]") {
  for_each_variant("reduce", reduce_variants(), [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed() + 1);
    const std::vector<std::vector<int32_t>> shapes = {
        {2, 3, 4, 19}, {3, 1, 5, 70}, {1, 9, 9, 33}, {2, 40, 1, 1}};
    for (const auto& shape : shapes) {
      for (uint32_t mask = 0; mask < 16; ++mask) {
        for (DType dtype : kByteTypes) {
          for (ref::ReduceKind kind : kMaxMin) {
            ReduceCase c{shape, mask, dtype, kind, kFills[rng() % 4]};
            expect_reduce_matches(row, reference, c, rng);
          }
        }
      }
    }
  });
}

TEST_CASE("reduce variants: random shapes", "[kernels][reduce]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  for_each_variant("reduce", reduce_variants(), [&](const auto& row, auto reference) {
    std::mt19937 rng(seed + 2);
    for (int iter = 0; iter < scaled_iterations(300); ++iter) {
      ReduceCase c;
      const size_t rank = 1 + rng() % 5;
      for (size_t d = 0; d < rank; ++d) {
        c.shape.push_back(1 + static_cast<int32_t>(rng() % (d + 1 == rank ? 150 : 9)));
      }
      c.mask = static_cast<uint32_t>(rng() % (1u << rank));
      c.dtype = kByteTypes[rng() % 2];
      c.kind = kMaxMin[rng() % 2];
      c.fill = kFills[rng() % 4];
      CAPTURE(iter);
      expect_reduce_matches(row, reference, c, rng);
    }
  });
}

TEST_CASE("reduce variants: the cases handed to the reference", "[kernels][reduce]") {
  for_each_variant("reduce", reduce_variants(), [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed() + 3);
    const ref::ReduceKind kinds[] = {ref::ReduceKind::kSum, ref::ReduceKind::kMax,
                                     ref::ReduceKind::kMin, ref::ReduceKind::kMean};
    for (DType dtype : {DType::kFloat32, DType::kInt32, DType::kInt64, DType::kInt8,
                        DType::kUInt8}) {
      for (ref::ReduceKind kind : kinds) {
        for (uint32_t mask : {0b001u, 0b100u, 0b111u}) {
          ReduceCase c{{3, 5, 40}, mask, dtype, kind, Fill::kRandom};
          expect_reduce_matches(row, reference, c, rng);
        }
      }
    }
  });
}

namespace {

// SUM as the operator forms it (src/ops/reduce_util.cpp): the in/out scale
// ratio without MEAN's 1/count, the uint8 range as the clamp.
struct SumCase {
  std::vector<int32_t> shape;
  uint32_t mask = 1;
  float ratio = 1.0f;
  int32_t in_zp = 0, out_zp = 0;
  Fill fill = Fill::kRandom;
};

template <typename Fn>
void expect_sum_matches(const KernelVariant<Fn>& row, Fn reference, const SumCase& c,
                        RequantProfile profile, std::mt19937& rng) {
  ref::MeanQuantParams p;
  const size_t outputs = reduce_geometry(c.shape, c.mask, &p);
  p.input_zero_point = c.in_zp;
  p.output_zero_point = c.out_zp;
  p.act_min = 0;
  p.act_max = 255;
  p.profile = profile;
  const ref::QuantizedMultiplier m =
      ref::quantize_multiplier(double(c.ratio), profile == RequantProfile::kSingleRounding);
  p.requantizer.multiplier = m.multiplier;
  p.requantizer.shift = m.shift;
  p.requantizer.scale = c.ratio;
  size_t elements = 1;
  for (int32_t d : c.shape) elements *= size_t(d);
  const auto input = filled<uint8_t>(rng, elements, c.fill);
  const size_t split = rng() % (outputs + 1);
  CAPTURE(c.shape, c.mask, c.ratio, c.in_zp, c.out_zp, int(c.fill), split,
          requant_profile_name(profile));
  expect_same_writes<uint8_t>(
      outputs, [&](uint8_t* out) { reference(p, input.data(), out, 0, outputs); },
      [&](uint8_t* out) {
        row.fn(p, input.data(), out, 0, split);
        row.fn(p, input.data(), out, split, outputs);
      });
}

}  // namespace

TEST_CASE("sum variants: every run length, both layouts, rescales and zero points at the limits",
          "[kernels][reduce][qu8_mean]") {
  for_each_variant("qu8_mean", qu8_mean_variants(), [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed() + 4);
    const float ratios[] = {0x1.0p-12f, 0.3f, 1.0f, 7.0f, 0x1.0p12f};
    int iteration = 0;
    for (RequantProfile profile : kSimdProfiles) {
      for (size_t length : lengths_through_remainders()) {
        const int32_t n = static_cast<int32_t>(length);
        SumCase c{{1 + static_cast<int32_t>(rng() % 4), 2, n}};
        c.ratio = ratios[iteration % 5];
        c.in_zp = edge_zero_points<uint8_t>(rng)[iteration % 4];
        c.out_zp = edge_zero_points<uint8_t>(rng)[(iteration / 4) % 4];
        c.fill = kFills[iteration++ % 4];
        for (uint32_t mask : {0b100u, 0b110u, 0b011u, 0b010u}) {
          c.mask = mask;
          expect_sum_matches(row, reference, c, profile, rng);
        }
      }
      // Sums of 255 * 2^20 over a long innermost run.
      for (Fill fill : {Fill::kLowest, Fill::kHighest}) {
        SumCase big{{2, 1 << 20}, 0b10, 0x1.0p-20f, 0, 0, fill};
        expect_sum_matches(row, reference, big, profile, rng);
      }
    }
  });
}
