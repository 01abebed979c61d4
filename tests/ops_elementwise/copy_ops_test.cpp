// PAD, CONCATENATION and RESHAPE: byte moves for every dtype, the int8
// requantization of CONCATENATION, validation and thread-count invariance.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>

#include "elementwise_test_util.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

Operand typed(DType dtype, Shape shape, float scale = 0.1f, int32_t zp = 0) {
  Operand o{dtype, shape, {}, {}};
  if (dtype == DType::kInt8 || dtype == DType::kUInt8) o.quant = per_tensor(scale, zp);
  return o;
}

size_t bytes_of(DType dtype) { return dtype == DType::kFloat32 || dtype == DType::kInt32 ? 4 : 1; }

Bytes random_bytes(std::mt19937& rng, size_t n) {
  return random_ints<uint8_t>(rng, n, 0, 255);
}

Bytes run_ok(OpType type, const std::vector<Operand>& inputs, const Operand& out,
             OpOptions options, const std::vector<Bytes>& data, int threads = 1) {
  RunResult r = run_single_op(type, inputs, out, std::move(options), data,
                              RequantProfile::kTfliteReference, threads);
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  return r.outputs[0];
}

std::vector<int32_t> unravel(int64_t flat, const Shape& shape) {
  std::vector<int32_t> index(shape.rank);
  for (int d = shape.rank - 1; d >= 0; --d) {
    index[d] = static_cast<int32_t>(flat % shape[d]);
    flat /= shape[d];
  }
  return index;
}

int64_t ravel(const std::vector<int32_t>& index, const Shape& shape) {
  int64_t flat = 0;
  for (int d = 0; d < shape.rank; ++d) flat = flat * shape[d] + index[d];
  return flat;
}

}  // namespace

// ---------------------------------------------------------------- PAD

TEST_CASE("PAD int8 pads with the zero point, hand-computed", "[pad]") {
  // [2,3] padded ((1,0),(0,2)) with zp 5:
  //   5 5 5 5 5
  //   1 2 3 5 5
  //   4 5 6 5 5
  const Bytes out = run_ok(OpType::kPad, {typed(DType::kInt8, {2, 3}, 0.1f, 5)},
                           typed(DType::kInt8, {3, 5}, 0.1f, 5), PadOptions{{1, 0, 0, 2}},
                           {to_bytes(std::vector<int8_t>{1, 2, 3, 4, 5, 6})});
  CHECK(from_bytes<int8_t>(out) ==
        std::vector<int8_t>{5, 5, 5, 5, 5, 1, 2, 3, 5, 5, 4, 5, 6, 5, 5});
}

TEST_CASE("PAD float32 pads with 0.0", "[pad]") {
  const Bytes out = run_ok(OpType::kPad, {float_operand({2})}, float_operand({5}),
                           PadOptions{{2, 1}}, {to_bytes(std::vector<float>{1.5f, -2.0f})});
  CHECK(from_bytes<float>(out) == std::vector<float>{0.0f, 0.0f, 1.5f, -2.0f, 0.0f});
}

TEST_CASE("PAD matches an index simulation for every dtype and rank 1 to 5", "[pad]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> rank_dist(1, 5), dim(1, 4), pad(0, 2), zp(-128, 127);
  const DType dtypes[] = {DType::kInt8, DType::kUInt8, DType::kFloat32, DType::kInt32};
  for (int it = 0; it < scaled_iterations(60); ++it) {
    const DType dtype = dtypes[it % 4];
    const int rank = rank_dist(rng);
    Shape in, out;
    in.rank = out.rank = rank;
    std::vector<int32_t> paddings;
    for (int d = 0; d < rank; ++d) {
      in[d] = dim(rng);
      paddings.push_back(pad(rng));
      paddings.push_back(pad(rng));
      out[d] = in[d] + paddings[2 * d] + paddings[2 * d + 1];
    }
    const int32_t z = dtype == DType::kUInt8 ? zp(rng) + 128 : zp(rng);
    CAPTURE(it, dtype_name(dtype), in.to_string(), out.to_string(), z);
    const size_t es = bytes_of(dtype);
    const Bytes x = random_bytes(rng, in.num_elements() * es);
    const Bytes got = run_ok(OpType::kPad, {typed(dtype, in, 0.1f, z)}, typed(dtype, out, 0.1f, z),
                             PadOptions{paddings}, {x});
    REQUIRE(got.size() == out.num_elements() * es);
    for (int64_t o = 0; o < out.num_elements(); ++o) {
      std::vector<int32_t> index = unravel(o, out);
      bool inside = true;
      for (int d = 0; d < rank; ++d) {
        index[d] -= paddings[2 * d];
        inside = inside && index[d] >= 0 && index[d] < in[d];
      }
      Bytes want(es, 0);
      if (inside) {
        std::memcpy(want.data(), x.data() + ravel(index, in) * es, es);
      } else if (dtype == DType::kInt8 || dtype == DType::kUInt8) {
        want[0] = uint8_t(z);
      }
      CAPTURE(o);
      REQUIRE(Bytes(got.begin() + o * es, got.begin() + (o + 1) * es) == want);
    }
  }
}

TEST_CASE("PAD rejects bad paddings naming the operand", "[pad][validation]") {
  RunResult r = run_single_op(OpType::kPad, {typed(DType::kInt8, {2, 3})},
                              typed(DType::kInt8, {2, 3}), PadOptions{{1, 1}}, {Bytes(6)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("paddings") && Catch::Contains("input 0"));
  r = run_single_op(OpType::kPad, {typed(DType::kInt8, {2, 3})}, typed(DType::kInt8, {2, 3}),
                    PadOptions{{0, 0, -1, 1}}, {Bytes(6)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("negative"));
  r = run_single_op(OpType::kPad, {typed(DType::kInt8, {2}, 0.1f, 0)},
                    typed(DType::kInt8, {4}, 0.1f, 3), PadOptions{{1, 1}}, {Bytes(2)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("input 0") && Catch::Contains("output 0"));
}

// ---------------------------------------------------------------- CONCATENATION

TEST_CASE("CONCATENATION hand-computed along axis 1 and -1", "[concatenation]") {
  // [2,1] {1,2} ++ [2,2] {3,4,5,6} along the last axis -> {1,3,4, 2,5,6}.
  for (int axis : {1, -1}) {
    const Bytes out = run_ok(OpType::kConcatenation,
                             {typed(DType::kInt32, {2, 1}), typed(DType::kInt32, {2, 2})},
                             typed(DType::kInt32, {2, 3}), ConcatenationOptions{axis},
                             {to_bytes(std::vector<int32_t>{1, 2}),
                              to_bytes(std::vector<int32_t>{3, 4, 5, 6})});
    CHECK(from_bytes<int32_t>(out) == std::vector<int32_t>{1, 3, 4, 2, 5, 6});
  }
}

TEST_CASE("CONCATENATION requantizes int8 inputs into the output quantization",
          "[concatenation]") {
  // out scale 0.5 zp 0. Input 0 shares it (copied). Input 1: scale 0.25 zp 2:
  // x = 7 -> 0.25 * 5 = 1.25 -> 2.5 -> round half away 3; x = 1 -> -0.25 ->
  // -0.5 -> -1; x = 127 -> 31.25 -> 62.5 -> 63. Input 2: scale 2 zp -128:
  // x = 0 -> 256 -> 512 -> clamped 127.
  const Bytes out = run_ok(
      OpType::kConcatenation,
      {typed(DType::kInt8, {1}, 0.5f, 0), typed(DType::kInt8, {3}, 0.25f, 2),
       typed(DType::kInt8, {1}, 2.0f, -128)},
      typed(DType::kInt8, {5}, 0.5f, 0), ConcatenationOptions{0},
      {to_bytes(std::vector<int8_t>{-7}), to_bytes(std::vector<int8_t>{7, 1, 127}),
       to_bytes(std::vector<int8_t>{0})});
  CHECK(from_bytes<int8_t>(out) == std::vector<int8_t>{-7, 3, -1, 63, 127});
}

TEST_CASE("CONCATENATION matches an index simulation for every dtype", "[concatenation]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> rank_dist(1, 4), dim(1, 4), count(1, 4), zp(-128, 127);
  std::uniform_real_distribution<float> scale(0.01f, 0.3f);
  const DType dtypes[] = {DType::kInt8, DType::kUInt8, DType::kFloat32, DType::kInt32};
  for (int it = 0; it < scaled_iterations(60); ++it) {
    const DType dtype = dtypes[it % 4];
    const int rank = rank_dist(rng);
    const int axis = std::uniform_int_distribution<int>(-rank, rank - 1)(rng);
    const int a = axis < 0 ? axis + rank : axis;
    Shape base;
    base.rank = rank;
    for (int d = 0; d < rank; ++d) base[d] = dim(rng);
    const int n = count(rng);
    const bool mixed_quant = (dtype == DType::kInt8 || dtype == DType::kUInt8) && it % 8 < 2;
    const float so = 0.1f;
    const int32_t zo = dtype == DType::kUInt8 ? 128 : 3;
    std::vector<Operand> inputs;
    std::vector<Bytes> data;
    Shape out = base;
    out[a] = 0;
    const size_t es = bytes_of(dtype);
    for (int i = 0; i < n; ++i) {
      Shape s = base;
      s[a] = dim(rng);
      out[a] += s[a];
      const int32_t z = dtype == DType::kUInt8 ? zp(rng) + 128 : zp(rng);
      inputs.push_back(mixed_quant ? typed(dtype, s, scale(rng), z) : typed(dtype, s, so, zo));
      data.push_back(random_bytes(rng, s.num_elements() * es));
    }
    CAPTURE(it, dtype_name(dtype), axis, out.to_string(), n, mixed_quant);
    const Bytes got = run_ok(OpType::kConcatenation, inputs, typed(dtype, out, so, zo),
                             ConcatenationOptions{axis}, data);
    REQUIRE(got.size() == out.num_elements() * es);
    for (int64_t o = 0; o < out.num_elements(); ++o) {
      std::vector<int32_t> index = unravel(o, out);
      int i = 0;
      while (index[a] >= inputs[i].shape[a]) index[a] -= inputs[i++].shape[a];
      const uint8_t* src = data[i].data() + ravel(index, inputs[i].shape) * es;
      Bytes want(src, src + es);
      if (mixed_quant) {
        // TFLite's ConcatenationWithScaling in float.
        const float sc = inputs[i].quant.scales[0] * (1.0f / so);
        const float bias = float(-inputs[i].quant.zero_points[0]) * sc;
        if (dtype == DType::kUInt8) {
          const int32_t v = int32_t(std::round(float(src[0]) * sc + bias)) + zo;
          want[0] = uint8_t(clamp_i32(v, 0, 255));
        } else {
          const int32_t v = int32_t(std::round(float(int8_t(src[0])) * sc + bias)) + zo;
          want[0] = uint8_t(int8_t(clamp_i32(v, -128, 127)));
        }
      }
      CAPTURE(o, i);
      REQUIRE(Bytes(got.begin() + o * es, got.begin() + (o + 1) * es) == want);
    }
  }
}

TEST_CASE("CONCATENATION rejects bad inputs naming them", "[concatenation][validation]") {
  RunResult r = run_single_op(OpType::kConcatenation,
                              {typed(DType::kFloat32, {2, 3}), typed(DType::kFloat32, {3, 3})},
                              typed(DType::kFloat32, {2, 6}), ConcatenationOptions{1},
                              {Bytes(24), Bytes(36)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("input 1") && Catch::Contains("[3,3]"));
  r = run_single_op(OpType::kConcatenation,
                    {typed(DType::kFloat32, {2, 3}), typed(DType::kInt32, {2, 3})},
                    typed(DType::kFloat32, {4, 3}), ConcatenationOptions{0}, {Bytes(24), Bytes(24)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("input 1") && Catch::Contains("dtype"));
  r = run_single_op(OpType::kConcatenation, {typed(DType::kFloat32, {2, 3})},
                    typed(DType::kFloat32, {2, 3}), ConcatenationOptions{2}, {Bytes(24)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("axis 2"));
  Operand unquantized = typed(DType::kUInt8, {2}, 0.1f, 3);
  unquantized.quant = {};
  r = run_single_op(OpType::kConcatenation, {typed(DType::kUInt8, {2}, 0.1f, 3), unquantized},
                    typed(DType::kUInt8, {4}, 0.1f, 3), ConcatenationOptions{0},
                    {Bytes(2), Bytes(2)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("input 1") && Catch::Contains("quantization"));
}

// ---------------------------------------------------------------- RESHAPE

TEST_CASE("RESHAPE infers -1 and keeps the bytes", "[reshape]") {
  const std::vector<float> x = {1, 2, 3, 4, 5, 6};
  const Bytes out = run_ok(OpType::kReshape, {float_operand({2, 3})}, float_operand({3, 1, 2}),
                           ReshapeOptions{{3, -1, 2}}, {to_bytes(x)});
  CHECK(from_bytes<float>(out) == x);
  // Empty new_shape: the declared output shape is the target.
  const Bytes out2 = run_ok(OpType::kReshape, {typed(DType::kInt8, {6}, 0.1f, 1)},
                            typed(DType::kInt8, {1, 6}, 0.1f, 1), ReshapeOptions{},
                            {to_bytes(std::vector<int8_t>{1, -2, 3, -4, 5, -6})});
  CHECK(from_bytes<int8_t>(out2) == std::vector<int8_t>{1, -2, 3, -4, 5, -6});
}

TEST_CASE("RESHAPE rejects shapes that do not fit", "[reshape][validation]") {
  RunResult r = run_single_op(OpType::kReshape, {float_operand({2, 3})}, float_operand({4, 2}),
                              ReshapeOptions{{4, 2}}, {Bytes(24)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("input 0") && Catch::Contains("6 elements"));
  r = run_single_op(OpType::kReshape, {float_operand({2, 3})}, float_operand({6}),
                    ReshapeOptions{{-1, -1}}, {Bytes(24)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("one -1"));
  r = run_single_op(OpType::kReshape, {float_operand({2, 3})}, float_operand({6}),
                    ReshapeOptions{{4, -1}}, {Bytes(24)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("cannot be reshaped"));
}

TEST_CASE("PAD, CONCATENATION and RESHAPE are identical on 1, 2 and 4 threads",
          "[pad][concatenation][reshape][threads]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const Bytes x = random_bytes(rng, 4 * 60 * 70 * 8);
  const Bytes y = random_bytes(rng, 4 * 60 * 70 * 8);
  const Operand in = typed(DType::kFloat32, {60, 70, 8});
  Bytes pad1, cat1;
  for (int threads : {1, 2, 4}) {
    CAPTURE(threads);
    const Bytes pad = run_ok(OpType::kPad, {in}, typed(DType::kFloat32, {62, 73, 8}),
                             PadOptions{{1, 1, 2, 1, 0, 0}}, {x}, threads);
    const Bytes cat = run_ok(OpType::kConcatenation, {in, in}, typed(DType::kFloat32, {60, 140, 8}),
                             ConcatenationOptions{1}, {x, y}, threads);
    const Bytes flat = run_ok(OpType::kReshape, {in}, typed(DType::kFloat32, {33600}),
                              ReshapeOptions{{-1}}, {x}, threads);
    if (threads == 1) {
      pad1 = pad;
      cat1 = cat;
    }
    CHECK(pad == pad1);
    CHECK(cat == cat1);
    CHECK(flat == x);
  }
}

TEST_CASE("CONCATENATION refuses a fused activation", "[concatenation][validation]") {
  RunResult r = run_single_op(OpType::kConcatenation, {float_operand({2}), float_operand({2})},
                              float_operand({4}), ConcatenationOptions{0, Activation::kRelu},
                              {Bytes(8), Bytes(8)});
  CHECK(r.status.code() == StatusCode::kUnsupported);
  CHECK_THAT(r.status.message(), Catch::Contains("RELU"));
}
