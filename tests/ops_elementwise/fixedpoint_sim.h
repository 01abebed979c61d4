// Test-side model of TFLite Micro's int8 LOGISTIC and SOFTMAX (gemmlowp
// fixed point), written from the published algorithm in plain 64-bit
// arithmetic, independently of kernels/reference.
#pragma once

#include <cstdint>
#include <vector>

namespace lowbit {
namespace testing {

// out = TFLite Micro LOGISTIC of int8 x with input (scale, zp); output 1/256, -128.
int32_t sim_logistic(int32_t x, float input_scale, int32_t input_zero_point);

// One row of TFLite Micro SOFTMAX (int8 in, int8 out 1/256, -128).
std::vector<int32_t> sim_softmax_row(const std::vector<int32_t>& row, float input_scale,
                                     float beta);

}  // namespace testing
}  // namespace lowbit
