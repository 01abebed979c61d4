// Binary (1-bit) convolution on bit-packed NHWC data, Larq Compute Engine
// semantics (../shared/NUMERICS.md section 7). Also serves the binary fully
// connected operator as a 1x1 convolution over a 1x1 image.
//
// Bit layout: each pixel (and each filter tap) is a run of 32-bit words, channel
// c in bit c%32 of word c/32, bit 1 = -1, bit 0 = +1.
//
// Everything is computed on the "doubled accumulator" D = K - s, where s is the
// ±1 convolution value and K = kernel_h*kernel_w*group_channels:
//   in-image tap:               D += 2*popcount(x ^ w)
//   out-of-image tap, pad +1:   D += 2*popcount(w)        (bit 0 padding, free)
//   out-of-image tap, pad 0:    D += group_channels       (the tap adds s = 0)
// With +1 padding D = 2*(LCE's xor-popcount accumulator). Zero padding makes D
// odd where LCE's accumulator would be a half-integer, so D keeps it exact.
// This zero-padding correction is exact for every output mode and agrees bit
// for bit with LCE's reference kernel. LCE's optimized kernels allow zero
// padding only for float output without activation and add the correction
// after the float transform: they can differ from this in the last float bits
// (and are wrong when the dilated kernel is larger than the image).
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace ref {

enum class BinOutputMode : uint8_t { kFloat32 = 0, kInt8 = 1, kBit = 2 };

// Per-channel output transform, LCE's fused form (see fold_bin_output_transform):
//   float32: y = float(clamp(D, clamp_min, clamp_max)) * multiplier[c] + bias[c]
//   int8:    the same y, rounded half away from zero, saturated to [-128, 127]
//            (LCE's TfLiteRound + saturate; LCE's 32-bit Arm build rounds ties
//            to even instead, so ties may differ from LCE there by one)
//   bit:     bit c = D > 2*threshold[c]  (LCE: popcount accumulator > threshold)
struct BinOutputTransform {
  BinOutputMode mode = BinOutputMode::kFloat32;
  const float* multiplier = nullptr;  // float32 / int8
  const float* bias = nullptr;        // float32 / int8
  int32_t clamp_min = INT32_MIN;
  int32_t clamp_max = INT32_MAX;
  const int32_t* threshold = nullptr;  // bit
};

struct BinConv2DParams {
  int32_t batch = 1, input_h = 1, input_w = 1;
  int32_t input_words = 1;  // words per input pixel: bit_words(input channels)
  int32_t output_h = 1, output_w = 1;
  int32_t out_channels = 1;
  int32_t kernel_h = 1, kernel_w = 1;
  int32_t stride_h = 1, stride_w = 1;
  int32_t dilation_h = 1, dilation_w = 1;
  int32_t pad_top = 0, pad_left = 0;
  int32_t groups = 1;          // groups > 1 needs group_channels % 32 == 0
  int32_t group_channels = 1;  // input channels seen by one output channel
  bool zero_padding = false;   // pad_values = 0: out-of-image taps are 0, not +1
  // popcount of every filter tap, [out_channels][kernel_h*kernel_w]
  // (pad +1 needs it; see tap_popcounts()).
  const int32_t* tap_popcounts = nullptr;
  BinOutputTransform transform;
};

// Output pixels (rows of the GEMM): batch * output_h * output_w.
inline size_t bin_conv2d_pixels(const BinConv2DParams& p) {
  return size_t(p.batch) * size_t(p.output_h) * size_t(p.output_w);
}

// Words per filter tap.
inline int32_t bin_group_words(const BinConv2DParams& p) { return (p.group_channels + 31) / 32; }

// Computes output pixels [pixel_begin, pixel_end), all channels each. Output:
// float[pixels][out_channels], int8[pixels][out_channels] or
// uint32[pixels][bit_words(out_channels)] with pad bits 0. Any split of the
// pixel range gives the same bits.
using BinConv2DFn = void (*)(const BinConv2DParams& p, const uint32_t* input,
                             const uint32_t* filter, void* output, size_t pixel_begin,
                             size_t pixel_end);
void bin_conv2d(const BinConv2DParams& p, const uint32_t* input, const uint32_t* filter,
                void* output, size_t pixel_begin, size_t pixel_end);

// Fills popcounts[c*taps + t] for the filter [out_channels][taps][group words],
// ignoring pad bits beyond group_channels.
void bin_tap_popcounts(const uint32_t* filter, int32_t out_channels, int32_t taps,
                       int32_t group_channels, int32_t* popcounts);

// LCE's folding of the back-transformation (s = K - D), the activation clamp and,
// for int8, the output scale and zero point into one multiply-add per channel,
// computed in double and stored as float exactly as LCE's OneTimeSetup does:
//   multiplier' = -mul / out_scale
//   bias'       = (bias + K*mul) / out_scale + out_zero_point
//   clamp of s to [act_min, act_max] ∩ [-K, K]  ==  clamp of D to [K - max, K - min]
// Float output passes out_scale = 1, out_zero_point = 0. Returns false when a
// folded value is not a finite float (e.g. a tiny out_scale).
bool fold_bin_output_transform(const float* mul, const float* bias, int32_t channels, int32_t k,
                               double out_scale, double out_zero_point, int32_t act_min,
                               int32_t act_max, float* folded_mul, float* folded_bias,
                               int32_t* clamp_min, int32_t* clamp_max);

// One output value of the float / int8 transform (exposed for testers).
float bin_transform_float(int32_t d, float folded_mul, float folded_bias, int32_t clamp_min,
                          int32_t clamp_max);
int8_t bin_transform_int8(int32_t d, float folded_mul, float folded_bias, int32_t clamp_min,
                          int32_t clamp_max);

}  // namespace ref
}  // namespace lowbit
