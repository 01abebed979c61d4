// ARG_MAX and ARG_MIN against an index simulation of TFLite's reference
// (the first element that no later one beats under > or <, compared as
// doubles so NaN behaves as in float): every input dtype, every axis of
// ranks 1 to 4, int32 and int64 outputs, ties, NaN, thread counts, and the
// validation errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "datamove_harness.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

double element(const Bytes& data, DType dtype, int64_t i) {
  switch (dtype) {
    case DType::kFloat32: return from_bytes<float>(data)[static_cast<size_t>(i)];
    case DType::kInt32: return from_bytes<int32_t>(data)[static_cast<size_t>(i)];
    case DType::kInt8: return static_cast<int8_t>(data[static_cast<size_t>(i)]);
    default: return data[static_cast<size_t>(i)];
  }
}

Shape without_axis(const Shape& in, int axis) {
  Shape out;
  for (int d = 0; d < in.rank; ++d) {
    if (d != axis) out[out.rank++] = in[d];
  }
  return out;
}

std::vector<int64_t> simulate(OpType type, const Tensor& in, int axis) {
  const Shape out_shape = without_axis(in.shape, axis);
  std::vector<int64_t> out;
  std::vector<int64_t> index(static_cast<size_t>(in.shape.rank), 0);
  int64_t axis_stride = 1;
  for (int d = axis + 1; d < in.shape.rank; ++d) axis_stride *= in.shape[d];
  if (out_shape.num_elements() == 0) return out;
  do {
    if (index[static_cast<size_t>(axis)] != 0) continue;  // one visit per output element
    int64_t flat = 0;
    for (int d = 0; d < in.shape.rank; ++d) flat = flat * in.shape[d] + index[static_cast<size_t>(d)];
    double best = element(in.data, in.dtype, flat);
    int64_t best_k = 0;
    for (int64_t k = 1; k < in.shape[axis]; ++k) {
      const double v = element(in.data, in.dtype, flat + k * axis_stride);
      if (type == OpType::kArgMax ? v > best : v < best) {
        best = v;
        best_k = k;
      }
    }
    out.push_back(best_k);
  } while (next_index(&index, in.shape));
  return out;
}

std::vector<int64_t> indices_of(const Bytes& data, DType dtype) {
  if (dtype == DType::kInt64) return from_bytes<int64_t>(data);
  const std::vector<int32_t> v = from_bytes<int32_t>(data);
  return {v.begin(), v.end()};
}

std::vector<int64_t> run_arg(OpType type, const Tensor& in, int32_t axis, DType out_dtype,
                             int threads = 1) {
  const int resolved = axis < 0 ? axis + in.shape.rank : axis;
  const RunResult r = run_op(type, {in}, {{out_dtype, without_axis(in.shape, resolved), {}}},
                             AxisOptions{axis}, threads);
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  return indices_of(r.outputs[0], out_dtype);
}

// Values 0..3 in the dtype, so most reductions see ties.
Bytes few_values(std::mt19937& rng, DType dtype, const Shape& shape) {
  std::uniform_int_distribution<int> pick(0, 3);
  const size_t n = static_cast<size_t>(shape.num_elements());
  Bytes b(n * element_size_of(dtype));
  for (size_t i = 0; i < n; ++i) {
    const int v = pick(rng);
    if (dtype == DType::kFloat32) {
      const float f = static_cast<float>(v);
      std::memcpy(&b[i * 4], &f, 4);
    } else if (dtype == DType::kInt32) {
      const int32_t x = v - 2;
      std::memcpy(&b[i * 4], &x, 4);
    } else {
      b[i] = static_cast<uint8_t>(dtype == DType::kInt8 ? v - 2 : v + 250);
    }
  }
  return b;
}

const DType kInputDtypes[] = {DType::kFloat32, DType::kInt8, DType::kUInt8, DType::kInt32};

}  // namespace

TEST_CASE("ARG_MAX/ARG_MIN over every axis and dtype match the simulation", "[arg_reduce]") {
  std::mt19937 rng(14);
  std::uniform_int_distribution<int> dim(1, 5);
  int checked = 0;
  for (OpType type : {OpType::kArgMax, OpType::kArgMin}) {
    for (DType dtype : kInputDtypes) {
      for (int rank = 1; rank <= 4; ++rank) {
        for (int axis = -rank; axis < rank; ++axis) {
          for (bool ties : {false, true}) {
            Tensor in{dtype, {}, {}, false};
            in.shape.rank = rank;
            for (int d = 0; d < rank; ++d) in.shape[d] = dim(rng);
            in.data = ties ? few_values(rng, dtype, in.shape) : random_values(rng, dtype, in.shape);
            const int resolved = axis < 0 ? axis + rank : axis;
            const DType out_dtype = (checked % 2) ? DType::kInt64 : DType::kInt32;
            INFO(op_type_name(type) << " " << dtype_name(dtype) << " " << in.shape.to_string()
                                    << " axis " << axis << " -> " << dtype_name(out_dtype));
            CHECK(run_arg(type, in, axis, out_dtype) == simulate(type, in, resolved));
            ++checked;
          }
        }
      }
    }
  }
  CHECK(checked == 2 * 4 * 2 * (2 + 4 + 6 + 8));
}

TEST_CASE("ARG_MAX/ARG_MIN pick the lowest index on ties", "[arg_reduce]") {
  const Tensor in = tensor_of(DType::kUInt8, {2, 4}, std::vector<uint8_t>{1, 3, 3, 2, 7, 7, 7, 7});
  CHECK(run_arg(OpType::kArgMax, in, 1, DType::kInt32) == std::vector<int64_t>{1, 0});
  CHECK(run_arg(OpType::kArgMin, in, 1, DType::kInt64) == std::vector<int64_t>{0, 0});
  CHECK(run_arg(OpType::kArgMin, in, 0, DType::kInt32) == std::vector<int64_t>{0, 0, 0, 0});
}

TEST_CASE("ARG_MAX/ARG_MIN treat NaN as TFLite's std::greater/std::less do", "[arg_reduce]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // A leading NaN is never beaten; a later NaN never wins.
  const Tensor in = tensor_of(DType::kFloat32, {2, 3}, std::vector<float>{nan, 5, 7, 1, nan, 3});
  CHECK(run_arg(OpType::kArgMax, in, 1, DType::kInt32) == std::vector<int64_t>{0, 2});
  CHECK(run_arg(OpType::kArgMin, in, 1, DType::kInt32) == std::vector<int64_t>{0, 0});
  // Along axis 0 the row-by-row sweep must keep the same rule.
  CHECK(run_arg(OpType::kArgMax, in, 0, DType::kInt64) == std::vector<int64_t>{0, 0, 0});
  const Tensor rev = tensor_of(DType::kFloat32, {2, 2}, std::vector<float>{1, 2, nan, 9});
  CHECK(run_arg(OpType::kArgMax, rev, 0, DType::kInt64) == std::vector<int64_t>{0, 1});
}

TEST_CASE("ARG_MAX over DeepLab's innermost class axis, threaded", "[arg_reduce]") {
  std::mt19937 rng(56);
  const Tensor in{DType::kUInt8, {1, 65, 67, 21}, random_values(rng, DType::kUInt8, {1, 65, 67, 21})};
  const std::vector<int64_t> expected = simulate(OpType::kArgMax, in, 3);
  CHECK(run_arg(OpType::kArgMax, in, 3, DType::kInt64, 1) == expected);
  CHECK(run_arg(OpType::kArgMax, in, -1, DType::kInt64, 2) == expected);
  CHECK(run_arg(OpType::kArgMin, in, 1, DType::kInt32, 2) == simulate(OpType::kArgMin, in, 1));
}

TEST_CASE("ARG_MAX/ARG_MIN validation", "[arg_reduce][validation]") {
  const Tensor in = tensor_of(DType::kInt8, {2, 3}, std::vector<int8_t>(6, 0));
  auto message = [&](OpType type, const Tensor& input, DType out, Shape out_shape, int32_t axis) {
    return load_status(type, {input}, {{out, out_shape, {}}}, AxisOptions{axis}).message();
  };
  CHECK_THAT(message(OpType::kArgMax, in, DType::kInt32, {2}, 2),
             Catch::Contains("ARG_MAX") && Catch::Contains("axis 2 is out of range for rank 2"));
  CHECK_THAT(message(OpType::kArgMin, in, DType::kInt32, {2}, -3),
             Catch::Contains("ARG_MIN") && Catch::Contains("axis -3 is out of range"));
  CHECK_THAT(message(OpType::kArgMax, in, DType::kFloat32, {2}, 1),
             Catch::Contains("has dtype float32, expected int32 or int64"));
  CHECK_THAT(message(OpType::kArgMax, in, DType::kInt32, {3}, 1), Catch::Contains("ARG_MAX"));
  const Tensor int64_in = tensor_of(DType::kInt64, {2}, std::vector<int64_t>{1, 2});
  CHECK_THAT(message(OpType::kArgMax, int64_in, DType::kInt32, {}, 0),
             Catch::Contains("has dtype int64, expected float32 or int8 or uint8 or int32"));
  const Tensor empty_axis{DType::kFloat32, {2, 0}, {}, false};
  CHECK_THAT(message(OpType::kArgMin, empty_axis, DType::kInt32, {2}, 1),
             Catch::Contains("no elements along axis 1"));
  CHECK_THAT(
      load_status(OpType::kArgMax, {in}, {{DType::kInt32, {2}, {}}}, TransposeOptions{}).message(),
      Catch::Contains("ARG_MAX") && Catch::Contains("AxisOptions"));
}
