// GATHER: axes, batch_dims, int32/int64 indices, constant indices checked at
// load, run-time indices out of range failing invoke() with a named error.
#include <catch2/catch.hpp>

#include "datamove_harness.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

Tensor params_3x4() {
  std::vector<float> v(12);
  for (int i = 0; i < 12; ++i) v[i] = static_cast<float>(i);
  return tensor_of(DType::kFloat32, {3, 4}, v);
}

std::vector<float> gather(const Tensor& params, const Tensor& indices, Shape out, GatherOptions o) {
  const RunResult r = run_op(OpType::kGather, {params, indices}, {{params.dtype, out, {}}}, o);
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  return from_bytes<float>(r.outputs[0]);
}

}  // namespace

TEST_CASE("GATHER rows and columns with int32 and int64 indices", "[gather]") {
  const Tensor rows = tensor_of(DType::kInt32, {2}, std::vector<int32_t>{2, 0});
  CHECK(gather(params_3x4(), rows, {2, 4}, GatherOptions{0, 0}) ==
        std::vector<float>{8, 9, 10, 11, 0, 1, 2, 3});
  const Tensor cols = tensor_of(DType::kInt64, {2, 2}, std::vector<int64_t>{3, 3, 1, 0});
  CHECK(gather(params_3x4(), cols, {3, 2, 2}, GatherOptions{-1, 0}) ==
        std::vector<float>{3, 3, 1, 0, 7, 7, 5, 4, 11, 11, 9, 8});
  Tensor constant = tensor_of(DType::kInt32, Shape(), std::vector<int32_t>{1});
  constant.constant = true;
  CHECK(gather(params_3x4(), constant, {4}, GatherOptions{0, 0}) == std::vector<float>{4, 5, 6, 7});
}

TEST_CASE("GATHER with batch_dims", "[gather]") {
  // Row b takes its own column indices[b].
  const Tensor indices = tensor_of(DType::kInt32, {3, 1}, std::vector<int32_t>{0, 2, 3});
  CHECK(gather(params_3x4(), indices, {3, 1}, GatherOptions{1, 1}) == std::vector<float>{0, 6, 11});
}

TEST_CASE("GATHER fails invoke() on a run-time index out of range", "[gather][validation]") {
  for (int32_t bad : {3, -1}) {
    const Tensor indices = tensor_of(DType::kInt32, {2}, std::vector<int32_t>{0, bad});
    const RunResult r = run_op(OpType::kGather, {params_3x4(), indices},
                               {{DType::kFloat32, {2, 4}, {}}}, GatherOptions{0, 0});
    REQUIRE_FALSE(r.status.ok());
    CHECK_THAT(r.status.message(), Catch::Contains("GATHER") &&
                                       Catch::Contains("index " + std::to_string(bad)) &&
                                       Catch::Contains("outside [0, 3)"));
  }
}

TEST_CASE("GATHER validation", "[gather][validation]") {
  Tensor constant = tensor_of(DType::kInt64, {1}, std::vector<int64_t>{5});
  constant.constant = true;
  CHECK_THAT(load_status(OpType::kGather, {params_3x4(), constant}, {{DType::kFloat32, {1, 4}, {}}},
                         GatherOptions{0, 0}).message(),
             Catch::Contains("GATHER") && Catch::Contains("holds 5"));
  const Tensor floats = tensor_of(DType::kFloat32, {1}, std::vector<float>{0});
  CHECK_THAT(load_status(OpType::kGather, {params_3x4(), floats}, {{DType::kFloat32, {1, 4}, {}}},
                         GatherOptions{0, 0}).message(),
             Catch::Contains("expected int32 or int64"));
  const Tensor idx = tensor_of(DType::kInt32, {1}, std::vector<int32_t>{0});
  CHECK_THAT(load_status(OpType::kGather, {params_3x4(), idx}, {{DType::kFloat32, {1, 4}, {}}},
                         GatherOptions{2, 0}).message(),
             Catch::Contains("axis 2 is out of range"));
  CHECK_THAT(load_status(OpType::kGather, {params_3x4(), idx}, {{DType::kFloat32, {1, 4}, {}}},
                         GatherOptions{0, 1}).message(),
             Catch::Contains("batch_dims"));
}
