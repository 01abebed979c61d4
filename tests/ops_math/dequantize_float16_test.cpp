// DEQUANTIZE of FLOAT16 (dtype 8) tensors: every half converts exactly, NaN
// payloads kept (checked against LiteRT BUILTIN_REF by
// tests/conformance/reduce_cases.py, which feeds every bit pattern).
#include <catch2/catch.hpp>

#include "math_test_util.h"

using namespace lowbit;
using namespace lowbit::testing;

TEST_CASE("DEQUANTIZE converts float16 exactly", "[dequantize][float16]") {
  const std::vector<uint16_t> halves = {0x3c00, 0x8000, 0x0001, 0x7c00, 0xfe01, 0x7bff, 0xc500};
  const Tensor x = tensor_of(DType::kFloat16, {7}, halves);
  const std::vector<float> out = run_one<float>(OpType::kDequantize, {x}, DType::kFloat32, {7});
  std::vector<uint32_t> bits;
  for (float v : out) bits.push_back(bits_of(v));
  CHECK(bits == std::vector<uint32_t>{0x3f800000, 0x80000000, 0x33800000, 0x7f800000, 0xffc02000,
                                      0x477fe000, 0xc0a00000});
}

TEST_CASE("DEQUANTIZE of float16 refuses other outputs", "[dequantize][float16][validate]") {
  const Tensor x{DType::kFloat16, {2}, Bytes(4, 0), false};
  CHECK_THAT(load_status(OpType::kDequantize, {x}, {Tensor{DType::kInt8, {2}, {}, false}}, {})
                 .message(),
             Catch::Contains("DEQUANTIZE") && Catch::Contains("output 0"));
}
