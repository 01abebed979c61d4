// SVDF (TFLite's rank-factored fully connected layer over a window of past
// activations), the numerical definition of lowbit's SVDF: float32 as
// TFLite's EvalFloatSVDF, integer as TFLite's EvalIntegerSVDF (int16 state and
// time weights) and TFLite Micro's int8-state form of it.
//
// One step per batch row: the newest feature activation
//   f[filter] = weights_feature[filter] . input
// enters the state (filters x memory values, oldest first) after the window
// moves one place left, then
//   out[unit] = bias[unit] + sum over the rank filters of unit of
//               weights_time[filter] . state[filter].
#pragma once

#include <cstdint>

namespace lowbit {
namespace ref {

struct SvdfShape {
  int batches = 1;
  int inputs = 0;
  int filters = 0;  // units * rank
  int rank = 1;
  int memory = 1;
  int units() const { return filters / rank; }
};

// The integer form's two rescales: the feature product into the state's
// scale, the time product (plus bias) into the output's. TFLite forms both
// ratios in float and rounds with its double-rounding MultiplyByQuantizedMultiplier.
struct SvdfQuantParams {
  int32_t input_zero_point = 0;
  int32_t state_zero_point = 0;  // 0 for int16 state (TFLite assumes symmetric)
  int32_t output_zero_point = 0;
  int32_t feature_multiplier = 0;
  int feature_shift = 0;
  int32_t time_multiplier = 0;
  int time_shift = 0;
};

// The window moves one place left across the whole batch buffer, as TFLite
// Micro does; the last place of each filter is then overwritten with the new
// activation, so what crosses a filter boundary is never read.
template <typename T>
void svdf_shift_state(const SvdfShape& s, T* state) {
  const int64_t n = int64_t{s.batches} * s.filters * s.memory;
  for (int64_t i = 0; i + 1 < n; ++i) state[i] = state[i + 1];
}

// The integer step in its two halves, both needed in turn: svdf_integer_features
// moves the window and writes the newest feature activations (requantized into
// the state's scale and type) into it; svdf_integer_time applies the time
// weights, the bias and the output rescale. StateT is int16_t (TFLite) or
// int8_t (TFLite Micro); the time weights have the state's type.
template <typename StateT>
void svdf_integer_features(const SvdfShape& s, const SvdfQuantParams& q, const int8_t* input,
                           const int8_t* weights_feature, StateT* state);
// scratch: batches * filters int32.
template <typename StateT>
void svdf_integer_time(const SvdfShape& s, const SvdfQuantParams& q, const StateT* weights_time,
                       const int32_t* bias, const StateT* state, int32_t* scratch, int8_t* output);
// The end of svdf_integer_time for one batch row: the time products `time`
// (filters int32) summed per unit with its bias, rescaled into `output`
// (units int8). SIMD kernels compute `time` themselves and finish here.
void svdf_integer_output(const SvdfShape& s, const SvdfQuantParams& q, const int32_t* bias,
                         const int32_t* time, int8_t* output);

// Float step; activation is TFLite's ActivationFunctionType code (NONE, RELU,
// RELU_N1_TO_1, RELU6, TANH, SIGN_BIT). scratch: batches * filters floats.
void svdf_float(const SvdfShape& s, const float* input, const float* weights_feature,
                const float* weights_time, const float* bias, int activation, float* state,
                float* scratch, float* output);
// Its second half (the hybrid SVDF's too): the time weights, bias and
// activation over a state whose window already holds the newest activations.
void svdf_float_time(const SvdfShape& s, const float* weights_time, const float* bias,
                     int activation, const float* state, float* scratch, float* output);
// The end of svdf_float_time for one batch row: the time products `time`
// (filters) summed per unit after its bias, activated into `output` (units).
void svdf_float_output(const SvdfShape& s, const float* bias, int activation, const float* time,
                       float* output);

// The float dot product in LiteRT's order (its x86 tensor_utils, matched
// against BUILTIN_REF): four running sums over elements i mod 4 of the first
// n - n % 4, added up in lane order, then the rest one by one.
float dot_f32_4lanes(const float* a, const float* b, int n);

// TFLite's ApplyActivationToVector for the fused activations SVDF and RNN take.
float apply_fused_activation(int activation, float x);

}  // namespace ref
}  // namespace lowbit
