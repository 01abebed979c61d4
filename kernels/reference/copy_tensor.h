// Data movement kernels that work on any element type by moving bytes: PAD,
// CONCATENATION (with an optional int8 requantization per input) and RESHAPE.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace ref {

constexpr int kCopyMaxRank = 8;

// Output row = every index but the innermost. Rank >= 1 (a scalar is [1]).
struct PadParams {
  int rank = 1;
  size_t element_size = 1;
  int64_t input_dims[kCopyMaxRank] = {};
  int64_t output_dims[kCopyMaxRank] = {};
  int64_t pad_before[kCopyMaxRank] = {};
  uint8_t fill[8] = {};  // one element's bytes
};

// Writes output rows [row_begin, row_end).
using PadFn = void (*)(const PadParams& params, const void* input, void* output, size_t row_begin,
                       size_t row_end);
void copy_pad__reference(const PadParams& params, const void* input, void* output,
                         size_t row_begin, size_t row_end);

// How one int8 or uint8 input is moved into the output's quantization
// (TFLite's ConcatenationWithScaling): round(x * scale + bias) + zp in float,
// rounding half away from zero, clamped to the type. `rescale` false = copy.
struct ConcatInputRescale {
  bool rescale = false;
  float scale = 1.0f;
  float bias = 0.0f;
};

// The output viewed as [outer, sum of block sizes]: input i contributes
// block_elements[i] contiguous elements per outer index.
struct ConcatParams {
  size_t num_inputs = 0;
  size_t element_size = 1;
  const size_t* block_elements = nullptr;       // per input
  size_t output_block_elements = 0;              // sum over inputs
  const ConcatInputRescale* rescale = nullptr;  // per input; null = copy everything
  bool rescale_unsigned = false;                 // the rescaled values are uint8
  int32_t output_zero_point = 0;
};

// Writes outer indices [outer_begin, outer_end).
using ConcatFn = void (*)(const ConcatParams& params, const void* const* inputs, void* output,
                          size_t outer_begin, size_t outer_end);
void copy_concat__reference(const ConcatParams& params, const void* const* inputs, void* output,
                            size_t outer_begin, size_t outer_end);

// Bytes [begin, end) of input copied to output.
using CopyFn = void (*)(const void* input, void* output, size_t begin, size_t end);
void copy_bytes__reference(const void* input, void* output, size_t begin, size_t end);

}  // namespace ref
}  // namespace lowbit
