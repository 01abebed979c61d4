// INT64 and BOOL tensors: storage, round trip through .lbm, and operators
// outside data movement rejecting them by name instead of misreading bytes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>

#include "datamove_harness.h"
#include "graph/op_list.h"

using namespace lowbit;
using namespace lowbit::testing;

TEST_CASE("INT64 and BOOL have names and element sizes", "[dtype]") {
  CHECK(std::string(dtype_name(DType::kInt64)) == "int64");
  CHECK(std::string(dtype_name(DType::kBool)) == "bool");
  size_t bytes = 0;
  REQUIRE(storage_bytes(DType::kInt64, {2, 3}, &bytes));
  CHECK(bytes == 48);
  REQUIRE(storage_bytes(DType::kBool, {2, 3}, &bytes));
  CHECK(bytes == 6);
}

TEST_CASE("INT64 and BOOL pass through a data movement operator unchanged", "[dtype]") {
  const std::vector<int64_t> big = {INT64_MIN, -1, 0, INT64_MAX};
  const RunResult r = run_op(OpType::kTranspose, {tensor_of(DType::kInt64, {2, 2}, big)},
                             {{DType::kInt64, {2, 2}, {}}}, TransposeOptions{{1, 0}});
  REQUIRE(r.status.ok());
  CHECK(from_bytes<int64_t>(r.outputs[0]) == std::vector<int64_t>{INT64_MIN, 0, -1, INT64_MAX});
  const RunResult b = run_op(OpType::kExpandDims,
                             {tensor_of(DType::kBool, {3}, std::vector<uint8_t>{1, 0, 1})},
                             {{DType::kBool, {1, 3}, {}}}, AxisOptions{0});
  REQUIRE(b.status.ok());
  CHECK(b.outputs[0] == Bytes{1, 0, 1});
}

TEST_CASE("RESHAPE, PAD and CONCATENATION move INT64 and BOOL bytes", "[dtype]") {
  // TensorFlow's converter turns new-axis-only slices into RESHAPE, so the
  // byte-moving operators outside this family take these dtypes too.
  const std::vector<int64_t> v = {INT64_MIN, 5, -6, INT64_MAX};
  RunResult r = run_op(OpType::kReshape, {tensor_of(DType::kInt64, {2, 2}, v)},
                       {{DType::kInt64, {4}, {}}}, ReshapeOptions{{4}});
  REQUIRE(r.status.ok());
  CHECK(from_bytes<int64_t>(r.outputs[0]) == v);
  r = run_op(OpType::kPad, {tensor_of(DType::kInt64, {1}, std::vector<int64_t>{-7})},
             {{DType::kInt64, {3}, {}}}, PadOptions{{1, 1}});
  REQUIRE(r.status.ok());
  CHECK(from_bytes<int64_t>(r.outputs[0]) == std::vector<int64_t>{0, -7, 0});
  const Tensor bools = tensor_of(DType::kBool, {2}, std::vector<uint8_t>{1, 0});
  r = run_op(OpType::kConcatenation, {bools, bools}, {{DType::kBool, {4}, {}}},
             ConcatenationOptions{0, Activation::kNone});
  REQUIRE(r.status.ok());
  CHECK(r.outputs[0] == Bytes{1, 0, 1, 0});
}

TEST_CASE("other operators reject INT64 and BOOL operands by name", "[dtype][validation]") {
  for (DType dtype : {DType::kInt64, DType::kBool}) {
    CAPTURE(dtype_name(dtype));
    const Tensor t{dtype, {2, 2}, {}};
    const std::string type = dtype_name(dtype);
    CHECK_THAT(load_status(OpType::kAdd, {t, t}, {t}, ElementwiseOptions{}).message(),
               Catch::Contains("ADD") && Catch::Contains("dtype " + type));
    if (dtype == DType::kBool) {  // MEAN takes int64 (tests/ops_math/reduce_test.cpp)
      CHECK_THAT(load_status(OpType::kMean, {t}, {t}, MeanOptions{{1}, true}).message(),
                 Catch::Contains("MEAN") && Catch::Contains("dtype " + type));
    }
    CHECK_THAT(load_status(OpType::kSoftmax, {t}, {t}, SoftmaxOptions{}).message(),
               Catch::Contains("SOFTMAX") && Catch::Contains("dtype " + type));
  }
}

TEST_CASE("no operator outside data movement accepts INT64 or BOOL operands", "[dtype][validation]") {
  // The operators that move such bytes on purpose, and those that convert,
  // compare or reduce them (CAST, MAXIMUM, MINIMUM, MEAN, SUM, REDUCE_MAX/MIN).
  const OpType movers[] = {OpType::kReshape, OpType::kPad, OpType::kConcatenation,
                           OpType::kTranspose, OpType::kSlice, OpType::kStridedSlice,
                           OpType::kSplit, OpType::kSplitV, OpType::kPack, OpType::kUnpack,
                           OpType::kSqueeze, OpType::kExpandDims, OpType::kGather,
                           OpType::kTile, OpType::kDepthToSpace, OpType::kSpaceToDepth,
                           OpType::kGatherNd, OpType::kCast, OpType::kMaximum,
                           OpType::kMinimum, OpType::kMean, OpType::kSum,
                           OpType::kReduceMax, OpType::kReduceMin, OpType::kSpaceToBatchNd,
                           OpType::kBatchToSpaceNd};
  for (int k = 0; k < kNumOpTypes; ++k) {
    const OpType type = static_cast<OpType>(k);
    if (std::find(std::begin(movers), std::end(movers), type) != std::end(movers)) continue;
    for (DType dtype : {DType::kInt64, DType::kBool}) {
      for (size_t inputs = 1; inputs <= 4; ++inputs) {
        CAPTURE(op_type_name(type), dtype_name(dtype), inputs);
        const Tensor t{dtype, {1, 2, 2, 2}, {}};
        const Status s = load_status(type, std::vector<Tensor>(inputs, t), {t},
                                     default_options(type));
        CHECK_FALSE(s.ok());
      }
    }
  }
}
