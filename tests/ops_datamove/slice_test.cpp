// SLICE and STRIDED_SLICE: hand-computed cases for every mask bit, negative
// strides and offset, and validation errors.
#include <catch2/catch.hpp>

#include "datamove_harness.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

// A [3,4] int32 input holding 0..11.
Tensor grid() {
  std::vector<int32_t> v(12);
  for (int i = 0; i < 12; ++i) v[i] = i;
  return tensor_of(DType::kInt32, {3, 4}, v);
}

std::vector<int32_t> run_slice(OpType type, const Tensor& in, Shape out, OpOptions options) {
  const RunResult r = run_op(type, {in}, {{in.dtype, out, {}}}, std::move(options));
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  return from_bytes<int32_t>(r.outputs[0]);
}

StridedSliceOptions spec(std::vector<int32_t> begin, std::vector<int32_t> end,
                         std::vector<int32_t> strides) {
  StridedSliceOptions o;
  o.begin = std::move(begin);
  o.end = std::move(end);
  o.strides = std::move(strides);
  return o;
}

}  // namespace

TEST_CASE("SLICE with explicit sizes and -1", "[slice]") {
  CHECK(run_slice(OpType::kSlice, grid(), {2, 2}, SliceOptions{{1, 1}, {2, 2}}) ==
        std::vector<int32_t>{5, 6, 9, 10});
  CHECK(run_slice(OpType::kSlice, grid(), {1, 3}, SliceOptions{{2, 1}, {-1, -1}}) ==
        std::vector<int32_t>{9, 10, 11});
  CHECK(run_slice(OpType::kSlice, grid(), {0, 4}, SliceOptions{{3, 0}, {0, 4}}).empty());
}

TEST_CASE("SLICE validation", "[slice][validation]") {
  auto message = [](SliceOptions o, Shape out) {
    return load_status(OpType::kSlice, {grid()}, {{DType::kInt32, out, {}}}, o).message();
  };
  CHECK_THAT(message({{0}, {1}}, {1}), Catch::Contains("SLICE") && Catch::Contains("rank 2"));
  CHECK_THAT(message({{2, 0}, {2, 1}}, {2, 1}), Catch::Contains("outside"));
  CHECK_THAT(message({{-1, 0}, {1, 1}}, {1, 1}), Catch::Contains("outside"));
  CHECK_THAT(message({{0, 0}, {1, -2}}, {1, 1}), Catch::Contains("outside"));
}

TEST_CASE("STRIDED_SLICE strides, negative strides and clamping", "[strided_slice]") {
  CHECK(run_slice(OpType::kStridedSlice, grid(), {2, 2}, spec({0, 0}, {3, 4}, {2, 2})) ==
        std::vector<int32_t>{0, 2, 8, 10});
  // Reversed rows and columns, ends past the start clamp to -1.
  CHECK(run_slice(OpType::kStridedSlice, grid(), {3, 2}, spec({-1, 3}, {-10, 0}, {-1, -2})) ==
        std::vector<int32_t>{11, 9, 7, 5, 3, 1});
  // Out-of-range begin/end clamp; an empty range gives size 0.
  CHECK(run_slice(OpType::kStridedSlice, grid(), {1, 4}, spec({2, -100}, {100, 100}, {1, 1})) ==
        std::vector<int32_t>{8, 9, 10, 11});
  CHECK(run_slice(OpType::kStridedSlice, grid(), {0, 4}, spec({2, 0}, {1, 4}, {1, 1})).empty());
}

TEST_CASE("STRIDED_SLICE begin, end and shrink masks and offset", "[strided_slice]") {
  StridedSliceOptions o = spec({2, 3}, {0, 1}, {-1, -1});
  o.begin_mask = 1;  // rows from the last one (stride -1)
  o.end_mask = 2;    // columns down to the first one
  CHECK(run_slice(OpType::kStridedSlice, grid(), {2, 4}, o) ==
        std::vector<int32_t>{11, 10, 9, 8, 7, 6, 5, 4});
  o = spec({1, -1}, {0, 0}, {1, 1});
  o.shrink_axis_mask = 3;  // element [1, 3] as a scalar
  CHECK(run_slice(OpType::kStridedSlice, grid(), Shape(), o) == std::vector<int32_t>{7});
  o = spec({1, 1}, {1, 2}, {1, 1});
  o.offset = true;  // end = begin + end
  CHECK(run_slice(OpType::kStridedSlice, grid(), {1, 2}, o) == std::vector<int32_t>{5, 6});
}

TEST_CASE("STRIDED_SLICE ellipsis and new axes", "[strided_slice]") {
  std::vector<int32_t> v(24);
  for (int i = 0; i < 24; ++i) v[i] = i;
  const Tensor cube = tensor_of(DType::kInt32, {2, 3, 4}, v);
  // [..., 1]: the ellipsis covers dimensions 0 and 1; the last is shrunk.
  StridedSliceOptions o = spec({0, 1}, {0, 2}, {1, 1});
  o.ellipsis_mask = 1;
  o.shrink_axis_mask = 2;
  CHECK(run_slice(OpType::kStridedSlice, cube, {2, 3}, o) ==
        std::vector<int32_t>{1, 5, 9, 13, 17, 21});
  // [1, newaxis, ::2]: a size-1 axis in the middle; the last dimension whole.
  o = spec({1, 0, 0}, {2, 0, 3}, {1, 1, 2});
  o.new_axis_mask = 2;
  o.shrink_axis_mask = 1;
  CHECK(run_slice(OpType::kStridedSlice, cube, {1, 2, 4}, o) ==
        std::vector<int32_t>{12, 13, 14, 15, 20, 21, 22, 23});
}

TEST_CASE("STRIDED_SLICE validation", "[strided_slice][validation]") {
  auto message = [](StridedSliceOptions o, Shape out) {
    return load_status(OpType::kStridedSlice, {grid()}, {{DType::kInt32, out, {}}}, o).message();
  };
  CHECK_THAT(message(spec({0, 0}, {1, 1}, {1, 0}), {1, 1}), Catch::Contains("strides[1] is 0"));
  CHECK_THAT(message(spec({0, 0}, {1}, {1, 1}), {1, 1}), Catch::Contains("must be equal"));
  StridedSliceOptions o = spec({3, 0}, {4, 1}, {1, 1});
  o.shrink_axis_mask = 1;
  CHECK_THAT(message(o, {1}), Catch::Contains("outside"));
  o = spec({0, 0}, {1, 1}, {1, 1});
  o.ellipsis_mask = 3;
  CHECK_THAT(message(o, {3, 4}), Catch::Contains("more than one bit"));
  CHECK_THAT(message(spec({0, 0, 0}, {1, 1, 1}, {1, 1, 1}), {1, 1}),
             Catch::Contains("names 3 dimensions"));
  CHECK_THAT(message(spec({0, 0}, {1, 1}, {1, 1}), {2, 2}),
             Catch::Contains("STRIDED_SLICE") && Catch::Contains("output shape mismatch"));
}
