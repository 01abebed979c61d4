// GATHER_ND: index tuples of any depth, int32/int64 indices, any byte dtype,
// constant indices checked at load and run-time indices out of range failing
// invoke() with a named error.
#include <catch2/catch.hpp>

#include "math_test_util.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

// params[i][j][k] = 100 i + 10 j + k, shape [2, 3, 4].
Tensor params_2x3x4(DType dtype = DType::kInt32) {
  std::vector<int32_t> v;
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) {
      for (int k = 0; k < 4; ++k) v.push_back(100 * i + 10 * j + k);
    }
  }
  return tensor_of(dtype, {2, 3, 4}, v);
}

}  // namespace

TEST_CASE("GATHER_ND picks elements, rows and blocks", "[gather_nd]") {
  const Tensor full = tensor_of(DType::kInt32, {2, 3}, std::vector<int32_t>{1, 2, 3, 0, 1, 0});
  CHECK(run_one<int32_t>(OpType::kGatherNd, {params_2x3x4(), full}, DType::kInt32, {2}) ==
        std::vector<int32_t>{123, 10});
  const Tensor rows = tensor_of(DType::kInt64, {1, 2, 2}, std::vector<int64_t>{1, 1, 0, 2});
  CHECK(run_one<int32_t>(OpType::kGatherNd, {params_2x3x4(), rows}, DType::kInt32, {1, 2, 4}) ==
        std::vector<int32_t>{110, 111, 112, 113, 20, 21, 22, 23});
  Tensor block = tensor_of(DType::kInt32, {1}, std::vector<int32_t>{1});
  block.constant = true;
  const auto out = run_one<int32_t>(OpType::kGatherNd, {params_2x3x4(), block}, DType::kInt32, {3, 4});
  CHECK(out.front() == 100);
  CHECK(out.back() == 123);
}

TEST_CASE("GATHER_ND moves int8 values with their quantization", "[gather_nd]") {
  Tensor params = tensor_of(DType::kInt8, {3, 2}, std::vector<int8_t>{1, 2, 3, 4, 5, 6});
  const Tensor idx = tensor_of(DType::kInt32, {2, 1}, std::vector<int32_t>{2, 0});
  CHECK(run_one<int8_t>(OpType::kGatherNd, {params, idx}, DType::kInt8, {2, 2}) ==
        std::vector<int8_t>{5, 6, 1, 2});
}

TEST_CASE("GATHER_ND fails invoke() on a run-time index out of range", "[gather_nd][validation]") {
  for (int32_t bad : {3, -1}) {
    const Tensor idx = tensor_of(DType::kInt32, {2, 2}, std::vector<int32_t>{0, 0, 1, bad});
    CHECK_THAT(failure_of(OpType::kGatherNd, {params_2x3x4(), idx}, DType::kInt32, {2, 4}),
               Catch::Contains("GATHER_ND") && Catch::Contains("index " + std::to_string(bad)) &&
                   Catch::Contains("outside [0, 3) of dimension 1"));
  }
}

TEST_CASE("GATHER_ND validation", "[gather_nd][validation]") {
  Tensor constant = tensor_of(DType::kInt32, {1}, std::vector<int32_t>{2});
  constant.constant = true;
  CHECK_THAT(load_status(OpType::kGatherNd, {params_2x3x4(), constant},
                         {{DType::kInt32, {3, 4}, {}}}, {}).message(),
             Catch::Contains("GATHER_ND") && Catch::Contains("index 2"));
  const Tensor deep = tensor_of(DType::kInt32, {4}, std::vector<int32_t>{0, 0, 0, 0});
  CHECK_THAT(load_status(OpType::kGatherNd, {params_2x3x4(), deep}, {{DType::kInt32, {}, {}}}, {})
                 .message(),
             Catch::Contains("last dimension") && Catch::Contains("is 4"));
  const Tensor floats = tensor_of(DType::kFloat32, {1}, std::vector<float>{0});
  CHECK_THAT(load_status(OpType::kGatherNd, {params_2x3x4(), floats},
                         {{DType::kInt32, {3, 4}, {}}}, {}).message(),
             Catch::Contains("expected int32 or int64"));
}
