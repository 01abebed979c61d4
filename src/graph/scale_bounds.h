// A graph-wide bound on how far apart the quantization scales that one
// operator combines may be. Every int8/uint8 rescale (a multiplier formed
// from scale ratios, a saturation radius of 1 / scale) stays far inside the
// int32 range used by the kernels, so extreme but finite scales cannot reach
// an out-of-range float -> int conversion in any operator, present or future.
#pragma once

#include "lowbit/graph.h"
#include "lowbit/status.h"

namespace lowbit {

// Ratios between scales the operator combines must lie in
// [2^-kMaxScaleRatioLog2, 2^kMaxScaleRatioLog2]. Trained models stay within
// about 2^+-24 (a 3-channel input conv: 1 / 255 against weight scales of
// 1e-3 and output scales near 0.02); TFLite's multipliers handle 2^+-31.
constexpr int kMaxScaleRatioLog2 = 31;

// Pairs checked: each quantized activation input against each quantized
// output (both ways), and an activation times a constant (weights) against
// each output (upper bound only). int32 inputs (biases) are derived from the
// others and not checked on their own. MUL is exempt: its one rescale is
// s_a * s_b / s_out, which its requantizer saturates at any size (every
// nonzero product to the output's limit by sign, as LiteRT does for the
// uncalibrated LSTM state of Coral's traffic_model, output scale 3e-35) and
// flushes to zero when tiny; the operators reading its output are checked.
// ADD and SUB have only the upper bound: their rescales (each input onto
// twice the larger input scale, then to the output) flush to zero when tiny,
// as in traffic_model's LSTM cell, whose two inputs have scales near 1e-35.
Status check_scale_ratios(const GraphDesc& graph, const OperatorDesc& op);

}  // namespace lowbit
