// SPLIT, SPLIT_V, PACK and UNPACK: hand-computed cases on every axis, a
// PACK/UNPACK round trip for every dtype, and validation errors.
#include <catch2/catch.hpp>

#include <random>

#include "datamove_harness.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

Tensor iota_tensor(DType dtype, Shape shape) {
  std::vector<int32_t> v(static_cast<size_t>(shape.num_elements()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int32_t>(i);
  return tensor_of(dtype, shape, v);
}

std::vector<std::vector<int32_t>> outputs_of(const RunResult& r) {
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  std::vector<std::vector<int32_t>> out;
  for (const Bytes& b : r.outputs) out.push_back(from_bytes<int32_t>(b));
  return out;
}

}  // namespace

TEST_CASE("SPLIT into equal parts along a middle and a negative axis", "[split]") {
  const Tensor in = iota_tensor(DType::kInt32, {2, 4});
  const auto cols = outputs_of(run_op(OpType::kSplit, {in},
                                      {{DType::kInt32, {2, 2}, {}}, {DType::kInt32, {2, 2}, {}}},
                                      SplitOptions{-1, {}}));
  CHECK(cols[0] == std::vector<int32_t>{0, 1, 4, 5});
  CHECK(cols[1] == std::vector<int32_t>{2, 3, 6, 7});
  const auto rows = outputs_of(run_op(OpType::kSplit, {in},
                                      {{DType::kInt32, {1, 4}, {}}, {DType::kInt32, {1, 4}, {}}},
                                      SplitOptions{0, {}}));
  CHECK(rows[1] == std::vector<int32_t>{4, 5, 6, 7});
}

TEST_CASE("SPLIT_V with a -1 size and an empty part", "[split_v]") {
  const Tensor in = iota_tensor(DType::kInt32, {2, 5});
  const auto parts = outputs_of(run_op(
      OpType::kSplitV, {in},
      {{DType::kInt32, {2, 1}, {}}, {DType::kInt32, {2, 0}, {}}, {DType::kInt32, {2, 4}, {}}},
      SplitOptions{1, {1, 0, -1}}));
  CHECK(parts[0] == std::vector<int32_t>{0, 5});
  CHECK(parts[1].empty());
  CHECK(parts[2] == std::vector<int32_t>{1, 2, 3, 4, 6, 7, 8, 9});
}

TEST_CASE("SPLIT and SPLIT_V validation", "[split][split_v][validation]") {
  const Tensor in = iota_tensor(DType::kInt32, {2, 5});
  const std::vector<Tensor> two = {{DType::kInt32, {2, 2}, {}}, {DType::kInt32, {2, 3}, {}}};
  CHECK_THAT(load_status(OpType::kSplit, {in}, two, SplitOptions{1, {}}).message(),
             Catch::Contains("SPLIT") && Catch::Contains("2 equal parts"));
  CHECK_THAT(load_status(OpType::kSplit, {in}, two, SplitOptions{2, {}}).message(),
             Catch::Contains("axis 2 is out of range"));
  CHECK_THAT(load_status(OpType::kSplitV, {in}, two, SplitOptions{1, {2, 2}}).message(),
             Catch::Contains("do not add up"));
  CHECK_THAT(load_status(OpType::kSplitV, {in}, two, SplitOptions{1, {-1, -1}}).message(),
             Catch::Contains("one -1"));
  CHECK_THAT(load_status(OpType::kSplitV, {in}, two, SplitOptions{1, {5}}).message(),
             Catch::Contains("1 entries for 2 outputs"));
  CHECK(load_status(OpType::kSplitV, {in}, two, SplitOptions{1, {2, 3}}).ok());
}

TEST_CASE("PACK on the first, middle and last axis", "[pack]") {
  const Tensor a = iota_tensor(DType::kInt32, {2, 2});
  const Tensor b = tensor_of(DType::kInt32, {2, 2}, std::vector<int32_t>{10, 11, 12, 13});
  CHECK(outputs_of(run_op(OpType::kPack, {a, b}, {{DType::kInt32, {2, 2, 2}, {}}}, AxisOptions{0}))[0] ==
        std::vector<int32_t>{0, 1, 2, 3, 10, 11, 12, 13});
  CHECK(outputs_of(run_op(OpType::kPack, {a, b}, {{DType::kInt32, {2, 2, 2}, {}}}, AxisOptions{1}))[0] ==
        std::vector<int32_t>{0, 1, 10, 11, 2, 3, 12, 13});
  CHECK(outputs_of(run_op(OpType::kPack, {a, b}, {{DType::kInt32, {2, 2, 2}, {}}}, AxisOptions{-1}))[0] ==
        std::vector<int32_t>{0, 10, 1, 11, 2, 12, 3, 13});
  // Scalars stack into a vector.
  CHECK(outputs_of(run_op(OpType::kPack,
                          {tensor_of(DType::kInt32, Shape(), std::vector<int32_t>{7}),
                           tensor_of(DType::kInt32, Shape(), std::vector<int32_t>{8})},
                          {{DType::kInt32, {2}, {}}}, AxisOptions{0}))[0] ==
        std::vector<int32_t>{7, 8});
}

TEST_CASE("UNPACK undoes PACK for every dtype and axis", "[pack][unpack]") {
  std::mt19937 rng(test_seed());
  for (DType dtype : {DType::kFloat32, DType::kInt8, DType::kUInt8, DType::kInt32, DType::kInt64,
                      DType::kBool}) {
    for (int axis = -3; axis < 3; ++axis) {
      const Shape part{2, 3};
      std::vector<Tensor> parts;
      for (int i = 0; i < 3; ++i) parts.push_back({dtype, part, random_values(rng, dtype, part)});
      std::vector<int32_t> dims = {2, 3};
      dims.insert(dims.begin() + (axis < 0 ? axis + 3 : axis), 3);
      const Shape packed = Shape::from_vector(dims);
      CAPTURE(dtype_name(dtype), axis, packed.to_string());
      const RunResult p = run_op(OpType::kPack, parts, {{dtype, packed, {}}}, AxisOptions{axis});
      INFO(p.status.to_string());
      REQUIRE(p.status.ok());
      const RunResult u = run_op(OpType::kUnpack, {{dtype, packed, p.outputs[0]}},
                                 {{dtype, part, {}}, {dtype, part, {}}, {dtype, part, {}}},
                                 AxisOptions{axis});
      INFO(u.status.to_string());
      REQUIRE(u.status.ok());
      for (int i = 0; i < 3; ++i) CHECK(u.outputs[i] == parts[i].data);
    }
  }
}

TEST_CASE("PACK and UNPACK validation", "[pack][unpack][validation]") {
  const Tensor a = iota_tensor(DType::kInt32, {2, 2});
  const Tensor c = iota_tensor(DType::kInt32, {2, 3});
  CHECK_THAT(load_status(OpType::kPack, {a, c}, {{DType::kInt32, {2, 2, 2}, {}}}, AxisOptions{0}).message(),
             Catch::Contains("PACK") && Catch::Contains("differs from input 0"));
  CHECK_THAT(load_status(OpType::kPack, {a, a}, {{DType::kInt32, {2, 2, 2}, {}}}, AxisOptions{3}).message(),
             Catch::Contains("axis 3 is out of range for rank 3"));
  CHECK_THAT(load_status(OpType::kUnpack, {a}, {{DType::kInt32, {2}, {}}}, AxisOptions{0}).message(),
             Catch::Contains("UNPACK") && Catch::Contains("has 1 outputs"));
  CHECK_THAT(load_status(OpType::kPack, {a, tensor_of(DType::kInt64, {2, 2}, std::vector<int64_t>(4))},
                         {{DType::kInt32, {2, 2, 2}, {}}}, AxisOptions{0}).message(),
             Catch::Contains("dtype int64"));
}

TEST_CASE("long copies are shared by threads and stay exact", "[split][squeeze][threads]") {
  // 3 x 70001 int8: SPLIT into rows, and SQUEEZE of all of it as one row of
  // 210003 elements (three chunks of 65536 and a remainder).
  std::mt19937 rng(test_seed());
  const Shape in{3, 70001};
  const Bytes x = random_values(rng, DType::kInt8, in);
  for (int threads : {1, 2}) {
    CAPTURE(threads);
    const RunResult r = run_op(OpType::kSplit, {{DType::kInt8, in, x}},
                               {{DType::kInt8, {1, 70001}, {}}, {DType::kInt8, {1, 70001}, {}},
                                {DType::kInt8, {1, 70001}, {}}},
                               SplitOptions{0, {}}, threads);
    REQUIRE(r.status.ok());
    for (int i = 0; i < 3; ++i) {
      CHECK(r.outputs[i] == Bytes(x.begin() + i * 70001, x.begin() + (i + 1) * 70001));
    }
    const RunResult s = run_op(OpType::kSqueeze, {{DType::kInt8, {1, 210003}, x}},
                               {{DType::kInt8, {210003}, {}}}, SqueezeOptions{{0}}, threads);
    REQUIRE(s.status.ok());
    CHECK(s.outputs[0] == x);
  }
}
