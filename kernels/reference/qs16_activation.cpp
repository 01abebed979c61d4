#include "kernels/reference/qs16_activation.h"

#include <cmath>
#include <cstdlib>

namespace lowbit {
namespace ref {

// TFLite's sigmoid_table_uint16: sigmoid(i / 24) in unsigned 0.16, entries
// tuned for linear interpolation (they are not all the rounded function
// values), so they are data of the specification rather than computed.
const uint16_t kSigmoidTable[256] = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794,
    41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443,
    48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169, 53581, 53983, 54374,
    54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544,
    58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279,
    61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990,
    63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030,
    64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652,
    64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019,
    65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234,
    65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360,
    65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476,
    65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498, 65500, 65501,
    65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516,
    65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
    65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529,
    65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532,
    65532, 65532, 65532, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65534, 65534,
    65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535};

namespace {

// x in units of 1/(3 * 4096) (a power-of-two scale has multiplier 3 and no shift).
int32_t scaled_input(const Qs16SigmoidParams& p, int16_t x) {
  const int32_t round = p.input_left_shift > 0 ? int32_t{1} << (p.input_left_shift - 1) : 0;
  // |x| * multiplier < 2^15 * 2^15: no overflow.
  return (int32_t{x} * p.input_multiplier + round) >> p.input_left_shift;
}

// The table interpolated at |v| / 2^fraction_bits entries, in 0.(16 + fraction_bits);
// past the table, `saturated`.
uint32_t interpolate(uint32_t magnitude, int fraction_bits, uint32_t saturated) {
  const uint32_t index = magnitude >> fraction_bits;
  if (index >= 255) return saturated;
  const uint32_t lo = kSigmoidTable[index], hi = kSigmoidTable[index + 1];
  const uint32_t fraction = magnitude & ((uint32_t{1} << fraction_bits) - 1);
  return (lo << fraction_bits) + fraction * (hi - lo);
}

}  // namespace

bool checked_log2(float x, int* log2_rounded) {
  const float log2 = std::log(x) * (1.0f / std::log(2.0f));
  const float rounded = std::round(log2);
  *log2_rounded = static_cast<int>(rounded);
  return std::fabs(log2 - rounded) < 1e-3f;
}

LeakyReluRescale make_leaky_relu_rescale(float input_scale, float alpha, float output_scale) {
  LeakyReluRescale r;
  r.identity = quantize_multiplier(static_cast<double>(input_scale / output_scale));
  const double alpha_ratio = static_cast<double>(input_scale * alpha / output_scale);
  r.negative = quantize_multiplier(std::fabs(alpha_ratio));
  r.negative_sign = alpha_ratio < 0 ? -1 : 1;
  return r;
}

int32_t leaky_relu_rescale(const LeakyReluRescale& r, int32_t v) {
  return v >= 0 ? multiply_by_quantized_multiplier(v, r.identity.multiplier, r.identity.shift)
                : r.negative_sign *
                      multiply_by_quantized_multiplier(v, r.negative.multiplier, r.negative.shift);
}

void qs16_leaky_relu__reference(const Qs16LeakyReluParams& p, size_t n, const int16_t* input,
                                int16_t* output) {
  for (size_t i = 0; i < n; ++i) {
    const int32_t v = leaky_relu_rescale(p.rescale, input[i]);
    output[i] = static_cast<int16_t>(v < -32768 ? -32768 : (v > 32767 ? 32767 : v));
  }
}

Qs16SigmoidParams make_qs16_sigmoid_params(float input_scale, bool tanh) {
  Qs16SigmoidParams p;
  // 3 integer bits: a 2^-12 input scale needs no shift (TANH also takes 2^-11).
  int log2_scale = 0;
  const int shift = 12 + (checked_log2(input_scale, &log2_scale) ? log2_scale : 1000);
  const bool power_of_two = shift == 0 || (tanh && shift == 1);
  if (power_of_two) {
    p.input_multiplier = 3 << shift;
    p.input_left_shift = 0;
    return p;
  }
  double multiplier = static_cast<double>(input_scale) * 4096.0 * 3.0;
  p.input_left_shift = 0;
  while (multiplier <= 32767.0 / 2.0 && p.input_left_shift <= 30) {
    ++p.input_left_shift;
    multiplier *= 2.0;
  }
  p.input_multiplier = static_cast<int32_t>(multiplier);
  return p;
}

void qs16_logistic__reference(const Qs16SigmoidParams& p, size_t n, const int16_t* input,
                              int16_t* output) {
  for (size_t i = 0; i < n; ++i) {
    const int32_t v = scaled_input(p, input[i]);
    // 9 fraction bits: 2^7 per table step for the units, 1/4 for the 3/4 stretch.
    const uint32_t sigmoid = interpolate(static_cast<uint32_t>(std::abs(v)), 9, 0x7FFFu << 10);
    // sigmoid(-x) = 1 - sigmoid(x); rounded back to 0.15.
    const uint32_t result =
        v >= 0 ? sigmoid + (1u << 9) : (1u << (16 + 9)) - sigmoid + (1u << 9) - 1;
    output[i] = static_cast<int16_t>(result >> 10);
  }
}

void qs16_tanh__reference(const Qs16SigmoidParams& p, size_t n, const int16_t* input,
                          int16_t* output) {
  for (size_t i = 0; i < n; ++i) {
    const int32_t v = scaled_input(p, input[i]);
    // 8 fraction bits: the table read at 2x.
    const auto sigmoid =
        static_cast<int32_t>(interpolate(static_cast<uint32_t>(std::abs(v)), 8, 0xFFFFu << 8));
    // 2 sigmoid - 1 in 0.15 after the shift, rounded.
    const int32_t result = v >= 0 ? sigmoid - (1 << (14 + 9)) + (1 << (9 - 2))
                                  : -sigmoid + (1 << (14 + 9)) + (1 << (9 - 2)) - 1;
    output[i] = static_cast<int16_t>(result >> (9 - 1));
  }
}

}  // namespace ref
}  // namespace lowbit
