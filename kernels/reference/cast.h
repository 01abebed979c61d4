// CAST's conversions that real models run often (an image's uint8 or int8
// pixels to float32, float32 <-> int32 around index arithmetic), as kernels
// of the fn(params, n, input, output) shape with one variant table each
// (kernels/cast.h). Each is ref::cast__reference (math_elementwise.h, the one
// definition of TFLite's CAST) for its pair of types; every other pair runs
// cast__reference itself.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace ref {

// CAST has no parameters; the struct keeps the unary-kernel shape that the
// operators' elementwise machinery and the kernel testers share.
struct CastParams {};

template <typename In, typename Out>
using CastSignature = void(const CastParams& params, size_t n, const In* input, Out* output);
template <typename In, typename Out>
using CastFn = CastSignature<In, Out>*;

// Exact conversions to float32.
CastSignature<uint8_t, float> u8_f32_cast__reference;
CastSignature<int8_t, float> s8_f32_cast__reference;
// Rounded to nearest, ties to even (above 2^24 not every int32 is a float).
CastSignature<int32_t, float> s32_f32_cast__reference;
// Truncated toward zero, saturated to int32's range; NaN gives INT32_MAX.
CastSignature<float, int32_t> f32_s32_cast__reference;

}  // namespace ref
}  // namespace lowbit
