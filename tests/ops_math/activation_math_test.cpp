// TANH, EXP, LOG, LEAKY_RELU, PRELU and the int8 forms of ABS, NEG, SQRT,
// RSQRT and SQUARED_DIFFERENCE: values worked out by hand or from <cmath>,
// uint8 against int8 with zero points shifted by 128, thread counts, and the
// validation and run-time errors. Bit-exactness against LiteRT is
// tests/conformance/activation_cases.py.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

struct Operand {
  DType dtype;
  Shape shape;
  Quantization quant;
  Bytes data;  // inputs only
  bool constant = false;
};

Operand q8(DType dtype, Shape shape, float scale, int32_t zp, Bytes data = {}) {
  return {dtype, shape, per_tensor(scale, zp), std::move(data)};
}
Operand f32(Shape shape, const std::vector<float>& v = {}) {
  return {DType::kFloat32, shape, {}, to_bytes(v)};
}

RunResult run(OpType type, const std::vector<Operand>& inputs, const Operand& output,
              OpOptions options = {}, int threads = 1) {
  ModelBuilder b;
  std::vector<int> ins, graph_inputs;
  std::vector<Bytes> data;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Operand& in = inputs[i];
    const std::string name = "in" + std::to_string(i);
    if (in.constant) {
      ins.push_back(b.add_constant(name, in.dtype, in.shape, in.data.data(), in.data.size(), in.quant));
    } else {
      ins.push_back(b.add_tensor(name, in.dtype, in.shape, in.quant));
      graph_inputs.push_back(ins.back());
      data.push_back(in.data);
    }
  }
  const int out = b.add_tensor("out", output.dtype, output.shape, output.quant);
  b.add_operator(type, ins, {out}, options, "op");
  b.set_inputs(graph_inputs);
  b.set_outputs({out});
  InterpreterOptions opts;
  opts.num_threads = threads;
  return run_model(b, data, opts);
}

Bytes run_ok(OpType type, const std::vector<Operand>& inputs, const Operand& output,
             OpOptions options = {}, int threads = 1) {
  const RunResult r = run(type, inputs, output, options, threads);
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  return r.outputs[0];
}

std::string failure(OpType type, const std::vector<Operand>& inputs, const Operand& output,
                    OpOptions options = {}) {
  const RunResult r = run(type, inputs, output, options);
  REQUIRE_FALSE(r.status.ok());
  return r.status.to_string();
}

// Every int8 value, in order.
Bytes all_int8() {
  Bytes b(256);
  for (int i = 0; i < 256; ++i) b[i] = static_cast<uint8_t>(i - 128);
  return b;
}

// The same bytes read as uint8 with every zero point raised by 128: the same real values.
Bytes flipped(Bytes b) {
  for (uint8_t& v : b) v ^= 0x80;
  return b;
}

int8_t s8(uint8_t b) { return static_cast<int8_t>(b); }

}  // namespace

TEST_CASE("int8 TANH follows tanh within a rounding, saturating at the ends", "[tanh]") {
  const Bytes out = run_ok(OpType::kTanh, {q8(DType::kInt8, {256}, 1.0f / 16, 0, all_int8())},
                           q8(DType::kInt8, {256}, 1.0f / 128, 0));
  for (int q = -128; q < 128; ++q) {
    const double expected = std::fmin(127, std::round(std::tanh(q / 16.0) * 128));
    CHECK(std::abs(s8(out[q + 128]) - expected) <= 1);
  }
  CHECK(s8(out[128]) == 0);    // tanh(0)
  CHECK(s8(out[0]) == -128);   // tanh(-8) * 128 rounds to -128
  CHECK(s8(out[255]) == 127);  // clamped
  // uint8 is the same table on the same real values.
  const Bytes u8 = run_ok(OpType::kTanh, {q8(DType::kUInt8, {256}, 1.0f / 16, 128, flipped(all_int8()))},
                          q8(DType::kUInt8, {256}, 1.0f / 128, 128));
  CHECK(u8 == flipped(out));
}

TEST_CASE("int8 EXP and LOG tables: saturation and LOG's non-positive inputs", "[exp][log]") {
  const Bytes e = run_ok(OpType::kExp, {q8(DType::kInt8, {256}, 0.25f, 0, all_int8())},
                         q8(DType::kInt8, {256}, 0.5f, -128));
  CHECK(s8(e[128]) == -126);  // exp(0) = 1 = 2 steps of 0.5 above -128
  CHECK(s8(e[128 + 4]) == -128 + 5);  // exp(1) / 0.5 = 5.44
  CHECK(s8(e[255]) == 127);           // exp(31.75) saturates
  const Bytes l = run_ok(OpType::kLog, {q8(DType::kInt8, {256}, 0.125f, -10, all_int8())},
                         q8(DType::kInt8, {256}, 1.0f / 32, 0));
  for (int q = -128; q <= -10; ++q) CHECK(s8(l[q + 128]) == -128);  // x <= 0: the lowest output
  CHECK(s8(l[-2 + 128]) == 0);                                     // log(1) = 0
  CHECK(s8(l[6 + 128]) == static_cast<int>(std::lround(std::log(2.0) * 32)));
  const auto f = from_bytes<float>(run_ok(OpType::kLog, {f32({3}, {1.0f, 0.0f, -1.0f})}, f32({3})));
  CHECK(f[0] == 0.0f);
  CHECK(std::isinf(f[1]));
  CHECK(std::isnan(f[2]));
}

TEST_CASE("LEAKY_RELU: two multipliers, ties toward zero for either sign of alpha", "[leaky_relu]") {
  const Bytes x = to_bytes(std::vector<int8_t>{-127, -126, -1, 0, 5, 127});
  const auto run_alpha = [&](float alpha) {
    return from_bytes<int8_t>(run_ok(OpType::kLeakyRelu, {q8(DType::kInt8, {6}, 0.0625f, 0, x)},
                                     q8(DType::kInt8, {6}, 0.0625f, 0), LeakyReluOptions{alpha}));
  };
  CHECK(run_alpha(0.5f) == std::vector<int8_t>{-63, -63, 0, 0, 5, 127});
  CHECK(run_alpha(-0.5f) == std::vector<int8_t>{63, 63, 0, 0, 5, 127});
  // uint8: the same arithmetic on the same real values.
  const Bytes u = run_ok(OpType::kLeakyRelu, {q8(DType::kUInt8, {6}, 0.0625f, 128, flipped(x))},
                         q8(DType::kUInt8, {6}, 0.0625f, 128), LeakyReluOptions{0.5f});
  CHECK(from_bytes<int8_t>(flipped(u)) == std::vector<int8_t>{-63, -63, 0, 0, 5, 127});
  const auto f = from_bytes<float>(run_ok(OpType::kLeakyRelu, {f32({3}, {-2.0f, 3.0f, -0.0f})},
                                          f32({3}), LeakyReluOptions{0.25f}));
  CHECK(f == std::vector<float>{-0.5f, 3.0f, -0.0f});
  CHECK(std::signbit(f[2]));
}

TEST_CASE("PRELU broadcasts alpha per channel into x", "[prelu]") {
  // x [2, 3], alpha [3]: x >= zp stays (rescaled), else x * alpha.
  const Bytes x = to_bytes(std::vector<int8_t>{-4, 0, 4, -8, -2, 6});
  Operand alpha = q8(DType::kInt8, {3}, 0.25f, 0, to_bytes(std::vector<int8_t>{1, 2, -4}));
  alpha.constant = true;
  const auto got = from_bytes<int8_t>(run_ok(OpType::kPrelu, {q8(DType::kInt8, {2, 3}, 0.5f, 0, x), alpha},
                                             q8(DType::kInt8, {2, 3}, 0.125f, 0)));
  // Real values: x * 0.5; alpha 0.25, 0.5, -1; output step 0.125.
  CHECK(got == std::vector<int8_t>{-4, 0, 16, -8, -4, 24});
  Operand alpha_u8 = q8(DType::kUInt8, {3}, 0.25f, 128, flipped(alpha.data));
  alpha_u8.constant = true;
  const Bytes u8 = run_ok(OpType::kPrelu, {q8(DType::kUInt8, {2, 3}, 0.5f, 128, flipped(x)), alpha_u8},
                          q8(DType::kUInt8, {2, 3}, 0.125f, 128));
  CHECK(from_bytes<int8_t>(flipped(u8)) == got);
  const auto f = from_bytes<float>(run_ok(OpType::kPrelu, {f32({2, 2}, {-1, 2, -3, -0.0f}),
                                                         f32({2}, {0.5f, -2})}, f32({2, 2})));
  CHECK(f == std::vector<float>{-0.5f, 2, -1.5f, -0.0f});
  CHECK(std::signbit(f[3]));  // x >= 0 holds for -0.0: x is returned
}

TEST_CASE("int8 ABS, NEG, SQRT, RSQRT and SQUARED_DIFFERENCE", "[abs][neg][sqrt][rsqrt]") {
  const Bytes x = to_bytes(std::vector<int8_t>{-128, -3, 0, 7});
  CHECK(from_bytes<int8_t>(run_ok(OpType::kAbs, {q8(DType::kInt8, {4}, 0.5f, -3, x)},
                                  q8(DType::kInt8, {4}, 0.5f, -128))) ==
        std::vector<int8_t>{-3, -128, -125, -118});
  CHECK(from_bytes<int8_t>(run_ok(OpType::kNeg, {q8(DType::kInt8, {4}, 0.5f, -3, x)},
                                  q8(DType::kInt8, {4}, 0.5f, -3))) ==
        std::vector<int8_t>{-128, 3, 0, -7});
  // SQRT truncates: sqrt(0.25 * q) / (1/16).
  const Bytes r = to_bytes(std::vector<int8_t>{0, 1, 4, 9, 100});
  CHECK(from_bytes<int8_t>(run_ok(OpType::kSqrt, {q8(DType::kInt8, {5}, 0.25f, 0, r)},
                                  q8(DType::kInt8, {5}, 1.0f / 16, -100))) ==
        std::vector<int8_t>{-100, -92, -84, -76, -20});
  const auto rs = from_bytes<int8_t>(run_ok(OpType::kRsqrt, {q8(DType::kInt8, {5}, 0.25f, 0, r)},
                                            q8(DType::kInt8, {5}, 1.0f / 32, 0)));
  CHECK(rs[0] == 127);                          // zero: the largest output
  CHECK(std::abs(rs[1] - 64) <= 1);             // 1 / sqrt(0.25) = 2
  CHECK(std::abs(rs[2] - 32) <= 1);             // 1 / sqrt(1)
  CHECK(std::abs(rs[4] - 6) <= 1);              // 1 / sqrt(25) = 0.2
  CHECK_THAT(failure(OpType::kRsqrt, {q8(DType::kInt8, {2}, 0.25f, 5, to_bytes(std::vector<int8_t>{9, 4}))},
                     q8(DType::kInt8, {2}, 1.0f / 32, 0)),
             Catch::Contains("RSQRT") && Catch::Contains("negative") && Catch::Contains("position 1"));
  CHECK_THAT(failure(OpType::kSqrt, {q8(DType::kInt8, {1}, 0.25f, 0, to_bytes(std::vector<int8_t>{-1}))},
                     q8(DType::kInt8, {1}, 1.0f / 32, 0)),
             Catch::Contains("SQRT") && Catch::Contains("negative"));
  // (a - b)^2 with power-of-two scales is exact: (0.5 * (a - b))^2.
  const Bytes a = to_bytes(std::vector<int8_t>{10, -10, 4, 0});
  Operand b = q8(DType::kInt8, {1}, 0.5f, 0, to_bytes(std::vector<int8_t>{2}));
  CHECK(from_bytes<int8_t>(run_ok(OpType::kSquaredDifference, {q8(DType::kInt8, {4}, 0.5f, 0, a), b},
                                  q8(DType::kInt8, {4}, 1.0f, -128))) ==
        std::vector<int8_t>{-112, -92, -127, -127});
}

TEST_CASE("table kernels give the same bytes on any thread count", "[tanh][threads]") {
  Bytes x(20000);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<uint8_t>(i * 37 + (i >> 7));
  const auto once = [&](int threads) {
    return run_ok(OpType::kTanh, {q8(DType::kInt8, {20000}, 0.03f, 7, x)},
                  q8(DType::kInt8, {20000}, 1.0f / 128, 0), {}, threads);
  };
  CHECK(once(1) == once(2));
}

TEST_CASE("malformed math operators are refused by name", "[tanh][prelu][leaky_relu]") {
  const Operand u8 = q8(DType::kUInt8, {4}, 0.5f, 128, Bytes(4));
  CHECK_THAT(failure(OpType::kExp, {u8}, q8(DType::kUInt8, {4}, 0.5f, 128)),
             Catch::Contains("EXP") && Catch::Contains("uint8"));
  CHECK_THAT(failure(OpType::kLog, {u8}, q8(DType::kUInt8, {4}, 0.5f, 128)), Catch::Contains("LOG"));
  CHECK_THAT(failure(OpType::kTanh, {{DType::kInt32, {4}, {}, Bytes(16)}}, {DType::kInt32, {4}, {}, {}}),
             Catch::Contains("TANH") && Catch::Contains("int32"));
  CHECK_THAT(failure(OpType::kTanh, {f32({4}, {1, 2, 3, 4})}, q8(DType::kInt8, {4}, 0.5f, 0)),
             Catch::Contains("TANH"));
  // alpha must broadcast into x: the output keeps x's shape.
  CHECK_THAT(failure(OpType::kPrelu, {f32({3}, {1, 2, 3}), f32({2, 3}, std::vector<float>(6))}, f32({2, 3})),
             Catch::Contains("PRELU") && Catch::Contains("does not broadcast"));
  CHECK_THAT(failure(OpType::kPrelu, {f32({3}, {1, 2, 3}), f32({2}, {1, 2})}, f32({3})),
             Catch::Contains("PRELU"));
  CHECK_THAT(failure(OpType::kLeakyRelu, {f32({1}, {1})}, f32({1}), LeakyReluOptions{NAN}),
             Catch::Contains("LEAKY_RELU") && Catch::Contains("alpha"));
  CHECK_THAT(failure(OpType::kLeakyRelu, {f32({1}, {1})}, f32({1}), ElementwiseOptions{}),
             Catch::Contains("LEAKY_RELU"));
  // TFLite's int8 SQUARED_DIFFERENCE cannot rescale up to a tiny output scale.
  CHECK_THAT(failure(OpType::kSquaredDifference,
                     {q8(DType::kInt8, {1}, 1.0f, 0, Bytes(1)), q8(DType::kInt8, {1}, 1.0f, 0, Bytes(1))},
                     q8(DType::kInt8, {1}, 1e-6f, 0)),
             Catch::Contains("SQUARED_DIFFERENCE") && Catch::Contains("scale"));
}
