// Reference fully connected layer: output[b][oc] = requant(sum_k (w - zw)(x - zx) + bias).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {

struct FullyConnectedQuantParams {
  int32_t batch = 0;
  int32_t input_depth = 0;   // K: row length of input and weights
  int32_t output_depth = 0;  // weights rows
  int32_t input_zero_point = 0;
  int32_t filter_zero_point = 0;  // nonzero only for legacy uint8 weights
  int32_t output_zero_point = 0;
  int32_t act_min = -128, act_max = 127;
  RequantProfile profile{};
  const Requantizer* requantizers = nullptr;  // one per output channel
};

// Computes batch rows [row_begin, row_end). bias may be nullptr.
using Qs8FullyConnectedFn = void (*)(const FullyConnectedQuantParams& p, const int8_t* input,
                                     const int8_t* weights, const int32_t* bias, int8_t* output,
                                     size_t row_begin, size_t row_end);
using Qu8FullyConnectedFn = void (*)(const FullyConnectedQuantParams& p, const uint8_t* input,
                                     const uint8_t* weights, const int32_t* bias,
                                     uint8_t* output, size_t row_begin, size_t row_end);

void qs8_fully_connected__reference(const FullyConnectedQuantParams& p, const int8_t* input,
                                    const int8_t* weights, const int32_t* bias, int8_t* output,
                                    size_t row_begin, size_t row_end);
void qu8_fully_connected__reference(const FullyConnectedQuantParams& p, const uint8_t* input,
                                    const uint8_t* weights, const int32_t* bias, uint8_t* output,
                                    size_t row_begin, size_t row_end);

}  // namespace ref
}  // namespace lowbit
