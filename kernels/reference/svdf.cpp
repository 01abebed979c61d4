#include "kernels/reference/svdf.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {
namespace {

// int32 sums wrap as TFLite's do on a (malformed) overflow, without UB.
int32_t wrapping_add(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

// TFLite's fused activation codes (ActivationFunctionType).
enum FusedActivation { kNone = 0, kRelu = 1, kReluN1To1 = 2, kRelu6 = 3, kTanh = 4, kSignBit = 5 };

}  // namespace

float dot_f32_4lanes(const float* a, const float* b, int n) {
  float lanes[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  const int whole = n - n % 4;
  for (int i = 0; i < whole; i += 4) {
    for (int l = 0; l < 4; ++l) lanes[l] += a[i + l] * b[i + l];
  }
  float sum = 0.0f;
  for (float lane : lanes) sum += lane;
  for (int i = whole; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

float apply_fused_activation(int activation, float x) {
  switch (activation) {
    case kRelu: return std::max(0.0f, x);
    case kReluN1To1: return std::min(std::max(-1.0f, x), 1.0f);
    case kRelu6: return std::min(std::max(0.0f, x), 6.0f);
    case kTanh: return std::tanh(x);
    case kSignBit: return std::signbit(x) ? 1.0f : 0.0f;
    default: return x;
  }
}

template <typename StateT>
void svdf_integer_features(const SvdfShape& s, const SvdfQuantParams& q, const int8_t* input,
                           const int8_t* weights_feature, StateT* state) {
  svdf_shift_state(s, state);
  const int32_t lo = std::numeric_limits<StateT>::min(), hi = std::numeric_limits<StateT>::max();
  for (int b = 0; b < s.batches; ++b) {
    const int8_t* x = input + int64_t{b} * s.inputs;
    // The newest place of each filter's window.
    StateT* newest = state + int64_t{b} * s.filters * s.memory + (s.memory - 1);
    for (int f = 0; f < s.filters; ++f) {
      const int8_t* w = weights_feature + int64_t{f} * s.inputs;
      int32_t acc = 0;
      for (int c = 0; c < s.inputs; ++c) {
        acc = wrapping_add(acc, int32_t{w[c]} * (int32_t{x[c]} - q.input_zero_point));
      }
      // TFLite Micro adds the (int8) state's zero point before the clamp.
      const int32_t v =
          multiply_by_quantized_multiplier(acc, q.feature_multiplier, q.feature_shift) +
          q.state_zero_point;
      newest[int64_t{f} * s.memory] = static_cast<StateT>(std::min(std::max(v, lo), hi));
    }
  }
}

template <typename StateT>
void svdf_integer_time(const SvdfShape& s, const SvdfQuantParams& q, const StateT* weights_time,
                       const int32_t* bias, const StateT* state, int32_t* scratch, int8_t* output) {
  const int units = s.units();
  for (int b = 0; b < s.batches; ++b) {
    const StateT* st = state + int64_t{b} * s.filters * s.memory;
    int32_t* time = scratch + int64_t{b} * s.filters;
    for (int f = 0; f < s.filters; ++f) {
      const StateT* w = weights_time + int64_t{f} * s.memory;
      const StateT* window = st + int64_t{f} * s.memory;
      int32_t acc = 0;
      for (int m = 0; m < s.memory; ++m) {
        acc = wrapping_add(acc, int32_t{w[m]} * (int32_t{window[m]} - q.state_zero_point));
      }
      time[f] = acc;
    }
    svdf_integer_output(s, q, bias, time, output + int64_t{b} * units);
  }
}

void svdf_integer_output(const SvdfShape& s, const SvdfQuantParams& q, const int32_t* bias,
                         const int32_t* time, int8_t* output) {
  for (int u = 0; u < s.units(); ++u) {
    int32_t acc = bias != nullptr ? bias[u] : 0;
    for (int r = 0; r < s.rank; ++r) acc = wrapping_add(acc, time[u * s.rank + r]);
    const int32_t v = multiply_by_quantized_multiplier(acc, q.time_multiplier, q.time_shift) +
                      q.output_zero_point;
    output[u] = static_cast<int8_t>(std::min<int32_t>(std::max<int32_t>(v, -128), 127));
  }
}

template void svdf_integer_features<int8_t>(const SvdfShape&, const SvdfQuantParams&,
                                            const int8_t*, const int8_t*, int8_t*);
template void svdf_integer_features<int16_t>(const SvdfShape&, const SvdfQuantParams&,
                                             const int8_t*, const int8_t*, int16_t*);
template void svdf_integer_time<int8_t>(const SvdfShape&, const SvdfQuantParams&, const int8_t*,
                                        const int32_t*, const int8_t*, int32_t*, int8_t*);
template void svdf_integer_time<int16_t>(const SvdfShape&, const SvdfQuantParams&, const int16_t*,
                                         const int32_t*, const int16_t*, int32_t*, int8_t*);

void svdf_float(const SvdfShape& s, const float* input, const float* weights_feature,
                const float* weights_time, const float* bias, int activation, float* state,
                float* scratch, float* output) {
  svdf_shift_state(s, state);
  for (int b = 0; b < s.batches; ++b) {
    float* st = state + int64_t{b} * s.filters * s.memory;
    const float* x = input + int64_t{b} * s.inputs;
    // Every sum runs in LiteRT's order.
    for (int f = 0; f < s.filters; ++f) {
      st[int64_t{f} * s.memory + s.memory - 1] =
          dot_f32_4lanes(weights_feature + int64_t{f} * s.inputs, x, s.inputs);
    }
  }
  svdf_float_time(s, weights_time, bias, activation, state, scratch, output);
}

void svdf_float_time(const SvdfShape& s, const float* weights_time, const float* bias,
                     int activation, const float* state, float* scratch, float* output) {
  const int units = s.units();
  for (int b = 0; b < s.batches; ++b) {
    const float* st = state + int64_t{b} * s.filters * s.memory;
    float* time = scratch + int64_t{b} * s.filters;
    for (int f = 0; f < s.filters; ++f) {
      time[f] = dot_f32_4lanes(weights_time + int64_t{f} * s.memory, st + int64_t{f} * s.memory,
                               s.memory);
    }
    svdf_float_output(s, bias, activation, time, output + int64_t{b} * units);
  }
}

void svdf_float_output(const SvdfShape& s, const float* bias, int activation, const float* time,
                       float* output) {
  for (int u = 0; u < s.units(); ++u) {
    float acc = bias != nullptr ? bias[u] : 0.0f;
    for (int r = 0; r < s.rank; ++r) acc += time[u * s.rank + r];
    output[u] = apply_fused_activation(activation, acc);
  }
}

}  // namespace ref
}  // namespace lowbit
