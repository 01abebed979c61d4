// The strided-copy family's tester (TRANSPOSE, slices, TILE...): every variant
// this CPU runs against the reference, byte for byte, on the inner transposes
// the SIMD rows take over (NCHW <-> NHWC and 2-D, sizes around the 16x16
// tile, element sizes 1, 2, 4 and 8) and on copies they hand back (reversed
// and broadcast strides), with rows split where threads could split them.
#include <catch2/catch.hpp>

#include <array>
#include <numeric>
#include <random>
#include <vector>

#include "kernels/data_movement.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

// The copy of a dense tensor of `in_dims` into its transpose by `perm`.
ref::StridedCopyParams transpose_params(const std::vector<int64_t>& in_dims,
                                        const std::vector<int>& perm, size_t element_size) {
  const int rank = static_cast<int>(in_dims.size());
  std::vector<int64_t> in_strides(in_dims.size(), 1);
  for (int d = rank - 2; d >= 0; --d) in_strides[d] = in_strides[d + 1] * in_dims[d + 1];
  ref::StridedCopyParams p;
  p.rank = rank;
  p.element_size = element_size;
  int64_t out_stride = 1;
  for (int d = rank - 1; d >= 0; --d) {
    p.dims[d] = in_dims[perm[d]];
    p.in_strides[d] = in_strides[perm[d]];
    p.out_strides[d] = out_stride;
    out_stride *= p.dims[d];
  }
  return p;
}

// A 2-D copy: dims, element strides of each tensor, the input's offset.
ref::StridedCopyParams copy_2d(size_t element_size, const std::array<int64_t, 2>& dims,
                               const std::array<int64_t, 2>& in_strides,
                               const std::array<int64_t, 2>& out_strides, int64_t in_offset) {
  ref::StridedCopyParams p;
  p.rank = 2;
  p.element_size = element_size;
  for (int d = 0; d < 2; ++d) {
    p.dims[d] = dims[d];
    p.in_strides[d] = in_strides[d];
    p.out_strides[d] = out_strides[d];
  }
  p.in_offset = in_offset;
  return p;
}

// Runs `row` and the reference on p (simplified as the operators do), the
// variant's rows in two calls split at a random row; outputs equal and the
// guard after them untouched.
template <typename Fn>
void expect_copy_matches(const KernelVariant<Fn>& row, Fn reference, ref::StridedCopyParams p,
                         size_t input_elements, size_t output_elements, std::mt19937& rng) {
  const size_t rows = ref::simplify_strided_copy(&p);
  std::vector<uint8_t> input(input_elements * p.element_size);
  for (uint8_t& b : input) b = static_cast<uint8_t>(rng());
  const size_t split = rows == 0 ? 0 : rng() % (rows + 1);
  CAPTURE(rows, split, p.rank, p.element_size);
  expect_same_writes<uint8_t>(
      output_elements * p.element_size,
      [&](uint8_t* out) { reference(p, input.data(), out, 0, rows); },
      [&](uint8_t* out) {
        row.fn(p, input.data(), out, 0, split);
        row.fn(p, input.data(), out, split, rows);
      });
}

}  // namespace

TEST_CASE("strided-copy variants: transposes around the tile size, every element size",
          "[kernels][move_strided]") {
  for_each_variant("move_strided", move_strided_variants(), [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed());
    const int64_t sizes[] = {1, 3, 15, 16, 17, 31, 32, 33, 48};
    const std::vector<std::vector<int>> perms = {{1, 0}, {0, 2, 1}, {0, 3, 1, 2}, {0, 2, 3, 1}};
    for (size_t es : {size_t{1}, size_t{2}, size_t{4}, size_t{8}}) {
      for (const std::vector<int>& perm : perms) {
        for (int iter = 0; iter < scaled_iterations(30); ++iter) {
          std::vector<int64_t> dims(perm.size());
          for (int64_t& d : dims) d = sizes[rng() % 9];
          if (dims.size() > 2) dims[0] = 1 + rng() % 2;  // the batch
          size_t n = 1;
          for (int64_t d : dims) n *= static_cast<size_t>(d);
          CAPTURE(es, perm, dims);
          expect_copy_matches(row, reference, transpose_params(dims, perm, es), n, n, rng);
        }
      }
    }
  });
}

TEST_CASE("strided-copy variants: DeepLab- and MobileNet-sized NCHW <-> NHWC",
          "[kernels][move_strided]") {
  for_each_variant("move_strided", move_strided_variants(), [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed());
    for (size_t es : {size_t{1}, size_t{4}}) {
      for (const std::vector<int64_t>& dims :
           {std::vector<int64_t>{1, 3, 224, 224}, {1, 224, 224, 3}, {1, 65, 65, 21}, {1, 32, 112, 112}}) {
        for (const std::vector<int>& perm : {std::vector<int>{0, 3, 1, 2}, {0, 2, 3, 1}}) {
          CAPTURE(es, dims, perm);
          const size_t n = static_cast<size_t>(dims[0] * dims[1] * dims[2] * dims[3]);
          expect_copy_matches(row, reference, transpose_params(dims, perm, es), n, n, rng);
        }
      }
    }
  });
}

TEST_CASE("strided-copy variants: copies that are not inner transposes",
          "[kernels][move_strided]") {
  for_each_variant("move_strided", move_strided_variants(), [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed());
    for (size_t es : {size_t{1}, size_t{4}}) {
      // A reversed [17, 19] slice of a [20, 20] input: negative strides.
      expect_copy_matches(row, reference, copy_2d(es, {17, 19}, {-20, -1}, {19, 1}, 399), 400,
                          17 * 19, rng);
      // TILE's zero stride: a [16] row broadcast 16 times as columns.
      expect_copy_matches(row, reference, copy_2d(es, {16, 16}, {1, 0}, {16, 1}, 0), 16, 256, rng);
    }
  });
}
