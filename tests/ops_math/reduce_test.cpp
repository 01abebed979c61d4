// SUM, REDUCE_MAX, REDUCE_MIN and MEAN over any axes, and SPACE_TO_BATCH_ND /
// BATCH_TO_SPACE_ND: values worked out from TFLite's reference kernels (and
// checked against LiteRT BUILTIN_REF by tests/conformance/reduce_cases.py),
// random shapes against a simulation, threads, and the validation errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>

#include "math_test_util.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

const float kNan = std::numeric_limits<float>::quiet_NaN();

MeanOptions axes(std::vector<int32_t> list, bool keep_dims) { return MeanOptions{list, keep_dims}; }

Tensor ints(DType dtype, Shape shape, const std::vector<int32_t>& values) {
  return tensor_of(dtype, shape, values);
}

// Output element o of reducing `in` (dims) over `reduced` with `fold`, in
// row-major input order: the simulation the random cases compare against.
template <typename T, typename Fold>
std::vector<T> simulate(const Shape& in, const std::vector<T>& values, const bool* reduced,
                        T init, Fold fold) {
  Shape out = in;
  for (int d = 0; d < in.rank; ++d) out[d] = reduced[d] ? 1 : in[d];
  std::vector<T> result(static_cast<size_t>(out.num_elements()), init);
  std::vector<int64_t> index(static_cast<size_t>(in.rank), 0);
  size_t i = 0;
  do {
    int64_t o = 0;
    for (int d = 0; d < in.rank; ++d) o = o * out[d] + (reduced[d] ? 0 : index[d]);
    result[static_cast<size_t>(o)] = fold(result[static_cast<size_t>(o)], values[i++]);
  } while (next_index(&index, in));
  return result;
}

}  // namespace

TEST_CASE("SUM, REDUCE_MAX, REDUCE_MIN over negative and repeated axes", "[reduce]") {
  const Tensor x = tensor_of(DType::kFloat32, {2, 3}, std::vector<float>{1, 5, -2, 4, 0, 3});
  CHECK(run_one<float>(OpType::kSum, {x}, DType::kFloat32, {3}, axes({0, -2}, false)) ==
        std::vector<float>{5, 5, 1});
  CHECK(run_one<float>(OpType::kReduceMax, {x}, DType::kFloat32, {2, 1}, axes({-1}, true)) ==
        std::vector<float>{5, 4});
  CHECK(run_one<float>(OpType::kReduceMin, {x}, DType::kFloat32, {}, axes({1, 0, 1}, false)) ==
        std::vector<float>{-2});
  const Tensor i32 = ints(DType::kInt32, {2, 2}, {std::numeric_limits<int32_t>::max(), 1, -7, 2});
  // Integer sums wrap, as TFLite's int32 addition does on two's complement.
  CHECK(run_one<int32_t>(OpType::kSum, {i32}, DType::kInt32, {2}, axes({1}, false)) ==
        std::vector<int32_t>{std::numeric_limits<int32_t>::min(), -5});
  const Tensor i64 = tensor_of(DType::kInt64, {3}, std::vector<int64_t>{int64_t{1} << 40, -9, 4});
  CHECK(run_one<int64_t>(OpType::kReduceMin, {i64}, DType::kInt64, {1}, axes({0}, true)) ==
        std::vector<int64_t>{-9});
}

TEST_CASE("REDUCE_MAX keeps a leading NaN only when every dimension is reduced", "[reduce]") {
  // TFLite starts a full reduction from the first element and a partial one from
  // the lowest value; NaN compares false either way.
  const Tensor flat = tensor_of(DType::kFloat32, {3}, std::vector<float>{kNan, 1, 2});
  CHECK(std::isnan(run_one<float>(OpType::kReduceMax, {flat}, DType::kFloat32, {}, axes({0}, false))[0]));
  const Tensor rows = tensor_of(DType::kFloat32, {1, 3}, std::vector<float>{kNan, 1, 2});
  CHECK(run_one<float>(OpType::kReduceMax, {rows}, DType::kFloat32, {1}, axes({1}, false)) ==
        std::vector<float>{2});
}

TEST_CASE("MEAN of integers truncates; of floats divides the ordered sum", "[reduce][mean]") {
  const Tensor i32 = ints(DType::kInt32, {2, 2}, {-3, -4, 7, 2});
  CHECK(run_one<int32_t>(OpType::kMean, {i32}, DType::kInt32, {2}, axes({1}, false)) ==
        std::vector<int32_t>{-3, 4});
  const Tensor f = tensor_of(DType::kFloat32, {1, 2, 2}, std::vector<float>{1e8f, 1, -1e8f, 1});
  // ((1e8 + 1) - 1e8) + 1 = 1 in float: the input's order, not a tree.
  CHECK(run_one<float>(OpType::kMean, {f}, DType::kFloat32, {1}, axes({2, 1}, false)) ==
        std::vector<float>{0.25f});
}

TEST_CASE("int8 SUM rescales, reading the bytes as uint8 as LiteRT does", "[reduce][quantized]") {
  // Input and output quantization (0.25, -3): sum - 3 * zp + zp on uint8 bytes,
  // clamped to 0..255, then stored as the int8 byte.
  const Tensor x = tensor_of(DType::kInt8, {2, 3}, std::vector<int8_t>{1, 2, 3, -1, 0, 0});
  CHECK(run_one<int8_t>(OpType::kSum, {x}, DType::kInt8, {2}, axes({1}, false)) ==
        std::vector<int8_t>{12, -1});
  const Tensor u = tensor_of(DType::kUInt8, {3}, std::vector<uint8_t>{120, 130, 140});
  CHECK(run_one<uint8_t>(OpType::kSum, {u}, DType::kUInt8, {}, axes({0}, false)) ==
        std::vector<uint8_t>{134});
}

TEST_CASE("reductions of random shapes match the simulation at 1 and 2 threads", "[reduce]") {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 40; ++trial) {
    Shape in;
    in.rank = 1 + static_cast<int>(rng() % 4);
    for (int d = 0; d < in.rank; ++d) in[d] = 1 + static_cast<int32_t>(rng() % 6);
    std::vector<int32_t> list;
    bool reduced[kMaxRank] = {};
    for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n; ++k) {
      const int axis = static_cast<int>(rng() % in.rank);
      reduced[axis] = true;
      list.push_back(rng() % 2 ? axis : axis - in.rank);
    }
    std::vector<int32_t> values(static_cast<size_t>(in.num_elements()));
    for (int32_t& v : values) v = static_cast<int32_t>(rng() % 2001) - 1000;
    Shape kept = in;
    for (int d = 0; d < in.rank; ++d) kept[d] = reduced[d] ? 1 : in[d];
    const Tensor x = ints(DType::kInt32, in, values);
    INFO("shape " << in.to_string() << " trial " << trial);
    const auto sum = simulate<int32_t>(in, values, reduced, 0, [](int32_t a, int32_t b) { return a + b; });
    const auto max = simulate<int32_t>(in, values, reduced, std::numeric_limits<int32_t>::lowest(),
                                       [](int32_t a, int32_t b) { return b > a ? b : a; });
    for (int threads : {1, 2}) {
      CHECK(run_one<int32_t>(OpType::kSum, {x}, DType::kInt32, kept, axes(list, true), threads) == sum);
      CHECK(run_one<int32_t>(OpType::kReduceMax, {x}, DType::kInt32, kept, axes(list, true),
                             threads) == max);
    }
  }
}

TEST_CASE("reduction validation names the problem", "[reduce][validate]") {
  const Tensor x = tensor_of(DType::kFloat32, {2, 3}, std::vector<float>(6, 0));
  const Tensor y{DType::kFloat32, {2}, {}, false};
  CHECK_THAT(load_status(OpType::kSum, {x}, {y}, axes({2}, false)).message(),
             Catch::Contains("SUM") && Catch::Contains("axis 2 is out of range"));
  CHECK_THAT(load_status(OpType::kReduceMin, {x}, {y}, axes({-3}, false)).message(),
             Catch::Contains("REDUCE_MIN") && Catch::Contains("axis -3 is out of range"));
  const Tensor b{DType::kBool, {2, 3}, Bytes(6, 0), false};
  CHECK_THAT(load_status(OpType::kReduceMax, {b}, {Tensor{DType::kBool, {2}, {}, false}},
                         axes({1}, false)).message(),
             Catch::Contains("REDUCE_MAX") && Catch::Contains("dtype"));
  CHECK_THAT(load_status(OpType::kSum, {x}, {Tensor{DType::kInt32, {2}, {}, false}},
                         axes({1}, false)).message(),
             Catch::Contains("output 0") && Catch::Contains("dtype"));
}

TEST_CASE("SPACE_TO_BATCH_ND pads with the zero point and BATCH_TO_SPACE_ND undoes it",
          "[space_batch]") {
  // [1, 2, 3, 1] with block [2, 2], paddings [[0, 0], [1, 0]]: width 4, four images 1x2.
  const Tensor x = tensor_of(DType::kInt8, {1, 2, 3, 1}, std::vector<int8_t>{1, 2, 3, 4, 5, 6});
  const Tensor block{DType::kInt32, {2}, to_bytes(std::vector<int32_t>{2, 2}), true};
  const Tensor pads{DType::kInt32, {2, 2}, to_bytes(std::vector<int32_t>{0, 0, 1, 0}), true};
  const std::vector<int8_t> batched =
      run_one<int8_t>(OpType::kSpaceToBatchNd, {x, block, pads}, DType::kInt8, {4, 1, 2, 1});
  // Zero point -3 (quant_of) fills the padded column.
  CHECK(batched == std::vector<int8_t>{-3, 2, 1, 3, -3, 5, 4, 6});
  const Tensor back = tensor_of(DType::kInt8, {4, 1, 2, 1}, batched);
  const Tensor crops{DType::kInt32, {2, 2}, to_bytes(std::vector<int32_t>{0, 0, 1, 0}), true};
  CHECK(run_one<int8_t>(OpType::kBatchToSpaceNd, {back, block, crops}, DType::kInt8,
                        {1, 2, 3, 1}) == std::vector<int8_t>{1, 2, 3, 4, 5, 6});
}

TEST_CASE("SPACE_TO_BATCH_ND of a 3-D tensor uses one spatial dimension", "[space_batch]") {
  const Tensor x = tensor_of(DType::kFloat32, {1, 4, 2}, std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7});
  const Tensor block{DType::kInt32, {1}, to_bytes(std::vector<int32_t>{2}), true};
  const Tensor pads{DType::kInt32, {1, 2}, to_bytes(std::vector<int32_t>{0, 0}), true};
  CHECK(run_one<float>(OpType::kSpaceToBatchNd, {x, block, pads}, DType::kFloat32, {2, 2, 2}) ==
        std::vector<float>{0, 1, 4, 5, 2, 3, 6, 7});
}

TEST_CASE("SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND validation", "[space_batch][validate]") {
  const Tensor x{DType::kFloat32, {1, 3, 4, 1}, Bytes(48, 0), false};
  const Tensor block{DType::kInt32, {2}, to_bytes(std::vector<int32_t>{2, 2}), true};
  const Tensor pads{DType::kInt32, {2, 2}, to_bytes(std::vector<int32_t>{0, 0, 0, 0}), true};
  const Tensor y{DType::kFloat32, {4, 1, 2, 1}, {}, false};
  CHECK_THAT(load_status(OpType::kSpaceToBatchNd, {x, block, pads}, {y}, {}).message(),
             Catch::Contains("SPACE_TO_BATCH_ND") && Catch::Contains("not a multiple of block_shape"));
  const Tensor negative{DType::kInt32, {2, 2}, to_bytes(std::vector<int32_t>{0, 1, -1, 0}), true};
  CHECK_THAT(load_status(OpType::kSpaceToBatchNd, {x, block, negative}, {y}, {}).message(),
             Catch::Contains("must not be negative"));
  Tensor variable = block;
  variable.constant = false;
  CHECK_THAT(load_status(OpType::kSpaceToBatchNd, {x, variable, pads}, {y}, {}).message(),
             Catch::Contains("input 1"));
  const Tensor flat{DType::kFloat32, {4, 3}, Bytes(48, 0), false};
  CHECK_THAT(load_status(OpType::kBatchToSpaceNd, {flat, block, pads}, {y}, {}).message(),
             Catch::Contains("BATCH_TO_SPACE_ND") && Catch::Contains("expected 3 or 4"));
  const Tensor odd{DType::kFloat32, {3, 1, 1, 1}, Bytes(12, 0), false};
  CHECK_THAT(load_status(OpType::kBatchToSpaceNd, {odd, block, pads}, {y}, {}).message(),
             Catch::Contains("not a multiple of the block count"));
  const Tensor short_block{DType::kInt32, {1}, to_bytes(std::vector<int32_t>{2}), true};
  CHECK_THAT(load_status(OpType::kSpaceToBatchNd, {x, short_block, pads}, {y}, {}).message(),
             Catch::Contains("block_shape") && Catch::Contains("expected 2 values"));
}
