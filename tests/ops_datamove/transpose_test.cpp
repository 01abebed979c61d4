// TRANSPOSE: hand-computed cases, every dtype and rank against an index
// simulation (including the tiled NCHW <-> NHWC path and several threads),
// and validation errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <random>

#include "datamove_harness.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

// out[i] = in[j] where j[perm[d]] = i[d].
Bytes simulate_transpose(const Bytes& in, const Shape& in_shape, const std::vector<int32_t>& perm,
                         size_t es, Shape* out_shape) {
  out_shape->rank = in_shape.rank;
  for (int d = 0; d < in_shape.rank; ++d) (*out_shape)[d] = in_shape[perm[d]];
  // Input element strides, read in output dimension order.
  std::vector<int64_t> in_stride(static_cast<size_t>(in_shape.rank), 1);
  for (int d = in_shape.rank - 2; d >= 0; --d) in_stride[d] = in_stride[d + 1] * in_shape[d + 1];
  Bytes out;
  if (out_shape->num_elements() == 0) return out;
  std::vector<int64_t> i(static_cast<size_t>(in_shape.rank), 0);
  do {
    int64_t from = 0;
    for (int d = 0; d < in_shape.rank; ++d) from += i[d] * in_stride[perm[d]];
    out.insert(out.end(), in.begin() + from * es, in.begin() + (from + 1) * es);
  } while (next_index(&i, *out_shape));
  return out;
}

constexpr DType kDtypes[] = {DType::kFloat32, DType::kInt8,  DType::kUInt8,
                             DType::kInt32,   DType::kInt64, DType::kBool};

}  // namespace

TEST_CASE("TRANSPOSE 2x3 int32, hand-computed", "[transpose]") {
  const RunResult r = run_op(OpType::kTranspose,
                             {tensor_of(DType::kInt32, {2, 3}, std::vector<int32_t>{1, 2, 3, 4, 5, 6})},
                             {{DType::kInt32, {3, 2}, {}}}, TransposeOptions{{1, 0}});
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  CHECK(from_bytes<int32_t>(r.outputs[0]) == std::vector<int32_t>{1, 4, 2, 5, 3, 6});
  CHECK(r.kernels[0].rfind("move_strided__", 0) == 0);
}

TEST_CASE("TRANSPOSE matches the index simulation for every dtype, rank 0 to 6", "[transpose]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> rank_dist(0, 6), dim(1, 5);
  for (int it = 0; it < scaled_iterations(120); ++it) {
    const DType dtype = kDtypes[it % 6];
    const int rank = rank_dist(rng);
    Shape in;
    in.rank = rank;
    for (int d = 0; d < rank; ++d) in[d] = dim(rng);
    std::vector<int32_t> perm(static_cast<size_t>(rank));
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);
    const Bytes x = random_values(rng, dtype, in);
    Shape out;
    const Bytes want = simulate_transpose(x, in, perm, element_size_of(dtype), &out);
    CAPTURE(it, dtype_name(dtype), in.to_string(), Shape::from_vector(perm).to_string());
    const RunResult r = run_op(OpType::kTranspose, {{dtype, in, x}}, {{dtype, out, {}}},
                               TransposeOptions{perm}, 1 + it % 2);
    INFO(r.status.to_string());
    REQUIRE(r.status.ok());
    REQUIRE(r.outputs[0] == want);
  }
}

TEST_CASE("TRANSPOSE NCHW <-> NHWC on tile-crossing sizes, 1 and 2 threads", "[transpose]") {
  std::mt19937 rng(test_seed());
  for (const Shape in : {Shape{1, 3, 37, 41}, Shape{2, 33, 17, 5}, Shape{1, 64, 16, 16}}) {
    for (const std::vector<int32_t>& perm : {std::vector<int32_t>{0, 2, 3, 1},
                                             std::vector<int32_t>{0, 3, 1, 2}}) {
      for (DType dtype : {DType::kInt8, DType::kFloat32, DType::kInt64}) {
        const Bytes x = random_values(rng, dtype, in);
        Shape out;
        const Bytes want = simulate_transpose(x, in, perm, element_size_of(dtype), &out);
        for (int threads : {1, 2}) {
          CAPTURE(in.to_string(), Shape::from_vector(perm).to_string(), dtype_name(dtype), threads);
          const RunResult r = run_op(OpType::kTranspose, {{dtype, in, x}}, {{dtype, out, {}}},
                                     TransposeOptions{perm}, threads);
          REQUIRE(r.status.ok());
          REQUIRE(r.outputs[0] == want);
        }
      }
    }
  }
}

TEST_CASE("TRANSPOSE validation names the problem", "[transpose][validation]") {
  const Tensor in{DType::kFloat32, {2, 3}, {}};
  auto error = [&](const std::vector<int32_t>& perm, Shape out, DType out_dtype = DType::kFloat32) {
    const Status s = load_status(OpType::kTranspose, {in}, {{out_dtype, out, {}}}, TransposeOptions{perm});
    REQUIRE_FALSE(s.ok());
    return s.message();
  };
  CHECK_THAT(error({0}, {2, 3}), Catch::Contains("TRANSPOSE") && Catch::Contains("perm has 1 entries"));
  CHECK_THAT(error({0, 0}, {2, 2}), Catch::Contains("not a permutation"));
  CHECK_THAT(error({1, 2}, {3, 2}), Catch::Contains("not a permutation"));
  CHECK_THAT(error({1, 0}, {2, 3}), Catch::Contains("output shape mismatch"));
  CHECK_THAT(error({1, 0}, {3, 2}, DType::kInt32), Catch::Contains("dtype"));
  const Status bits = load_status(OpType::kTranspose, {{DType::kBit, {2, 3}, {}}},
                                  {{DType::kBit, {3, 2}, {}}}, TransposeOptions{{1, 0}});
  CHECK_THAT(bits.message(), Catch::Contains("has dtype bit"));
  const Status quant = load_status(OpType::kTranspose, {{DType::kInt8, {2, 3}, {}}},
                                   {{DType::kUInt8, {3, 2}, {}}}, TransposeOptions{{1, 0}});
  CHECK_THAT(quant.message(), Catch::Contains("dtype uint8"));
}
