// Small graphs, one per precision, that exercise the whole runtime.
#pragma once

#include <cstdint>

#include "lowbit/model_builder.h"

namespace lowbit {
namespace testing {

// MobileNetV2 inverted residual: 1x1 CONV_2D (RELU6) -> DEPTHWISE 3x3 (RELU6)
// -> 1x1 CONV_2D -> ADD with the block input. Per-channel int8 weights.
void build_int8_block(ModelBuilder& b, int height, int width, int channels, int expansion,
                      uint32_t seed);

// float input -> BITPACK -> BCONV2D 3x3 (bit output, thresholds) -> BMAXPOOL2D
// 2x2 -> BCONV2D 3x3 pad_values 0 (float output) -> output.
void build_binary_block(ModelBuilder& b, int height, int width, int channels, uint32_t seed);

// The int8 block's structure in float32.
void build_float_block(ModelBuilder& b, int height, int width, int channels, int expansion,
                       uint32_t seed);

}  // namespace testing
}  // namespace lowbit
