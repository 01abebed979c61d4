// SQUEEZE, EXPAND_DIMS, TILE, DEPTH_TO_SPACE and SPACE_TO_DEPTH:
// hand-computed cases and validation errors.
#include <catch2/catch.hpp>

#include "datamove_harness.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

std::vector<int32_t> iota(int n, int from = 0) {
  std::vector<int32_t> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[i] = from + i;
  return v;
}

std::vector<int32_t> run_one(OpType type, const Tensor& in, Shape out, OpOptions options) {
  const RunResult r = run_op(type, {in}, {{in.dtype, out, {}}}, std::move(options));
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  return from_bytes<int32_t>(r.outputs[0]);
}

}  // namespace

TEST_CASE("SQUEEZE named and all size-1 axes, EXPAND_DIMS anywhere", "[squeeze][expand_dims]") {
  const Tensor in = tensor_of(DType::kInt32, {1, 3, 1, 2}, iota(6));
  CHECK(run_one(OpType::kSqueeze, in, {3, 2}, SqueezeOptions{}) == iota(6));
  CHECK(run_one(OpType::kSqueeze, in, {1, 3, 2}, SqueezeOptions{{-2}}) == iota(6));
  const Tensor v = tensor_of(DType::kInt32, {3}, iota(3));
  CHECK(run_one(OpType::kExpandDims, v, {1, 3}, AxisOptions{0}) == iota(3));
  CHECK(run_one(OpType::kExpandDims, v, {3, 1}, AxisOptions{-1}) == iota(3));
  CHECK_THAT(load_status(OpType::kSqueeze, {in}, {{DType::kInt32, {1, 1, 2}, {}}}, SqueezeOptions{{1}})
                 .message(),
             Catch::Contains("SQUEEZE") && Catch::Contains("has size 3, not 1"));
  CHECK_THAT(load_status(OpType::kExpandDims, {v}, {{DType::kInt32, {3, 1}, {}}}, AxisOptions{2})
                 .message(),
             Catch::Contains("EXPAND_DIMS") && Catch::Contains("axis 2 is out of range for rank 2"));
  const Tensor rank8{DType::kInt8, {1, 1, 1, 1, 1, 1, 1, 1}, {}};
  CHECK_THAT(load_status(OpType::kExpandDims, {rank8}, {{DType::kInt8, {1}, {}}}, AxisOptions{0})
                 .message(),
             Catch::Contains("exceed rank 8"));
}

TEST_CASE("TILE repeats every dimension", "[tile]") {
  const Tensor in = tensor_of(DType::kInt32, {2, 2}, iota(4));
  CHECK(run_one(OpType::kTile, in, {4, 6}, TileOptions{{2, 3}}) ==
        std::vector<int32_t>{0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3,
                             0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3});
  CHECK(run_one(OpType::kTile, in, {0, 2}, TileOptions{{0, 1}}).empty());
  CHECK_THAT(load_status(OpType::kTile, {in}, {{DType::kInt32, {2, 2}, {}}}, TileOptions{{1}}).message(),
             Catch::Contains("TILE") && Catch::Contains("multiples has 1 entries"));
  CHECK_THAT(load_status(OpType::kTile, {in}, {{DType::kInt32, {2, 2}, {}}}, TileOptions{{1, -1}})
                 .message(),
             Catch::Contains("negative or too large"));
}

TEST_CASE("DEPTH_TO_SPACE and SPACE_TO_DEPTH, hand-computed and inverse", "[depth_to_space]") {
  // [1,1,1,8] with block 2: channels (row, column, channel) -> 2x2 of 2 channels.
  const Tensor depth = tensor_of(DType::kInt32, {1, 1, 1, 8}, iota(8));
  CHECK(run_one(OpType::kDepthToSpace, depth, {1, 2, 2, 2}, BlockSizeOptions{2}) == iota(8));
  // [1,2,2,1] 0 1 / 2 3 -> one pixel with channels 0 1 2 3; a 4x4 checks the order.
  const Tensor space = tensor_of(DType::kInt32, {1, 4, 4, 1}, iota(16));
  const std::vector<int32_t> s2d = run_one(OpType::kSpaceToDepth, space, {1, 2, 2, 4},
                                           BlockSizeOptions{2});
  CHECK(s2d == std::vector<int32_t>{0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15});
  CHECK(run_one(OpType::kDepthToSpace, tensor_of(DType::kInt32, {1, 2, 2, 4}, s2d), {1, 4, 4, 1},
                BlockSizeOptions{2}) == iota(16));
  CHECK_THAT(load_status(OpType::kDepthToSpace, {depth}, {{DType::kInt32, {1, 3, 3, 1}, {}}},
                         BlockSizeOptions{3}).message(),
             Catch::Contains("DEPTH_TO_SPACE") && Catch::Contains("not a multiple of block_size^2"));
  CHECK_THAT(load_status(OpType::kSpaceToDepth, {tensor_of(DType::kInt32, {1, 3, 4, 1}, iota(12))},
                         {{DType::kInt32, {1, 1, 2, 4}, {}}}, BlockSizeOptions{2}).message(),
             Catch::Contains("SPACE_TO_DEPTH") && Catch::Contains("not multiples of block_size"));
  CHECK_THAT(load_status(OpType::kSpaceToDepth, {tensor_of(DType::kInt32, {4, 4}, iota(16))},
                         {{DType::kInt32, {4, 4}, {}}}, BlockSizeOptions{2}).message(),
             Catch::Contains("expected 4"));
  CHECK_THAT(load_status(OpType::kDepthToSpace, {depth}, {{DType::kInt32, {1, 1, 1, 8}, {}}},
                         BlockSizeOptions{0}).message(),
             Catch::Contains("block_size 0"));
}
