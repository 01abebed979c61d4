// Reference kernels of the arithmetic operators that work on plain values
// rather than quantized ones: CAST, DIV, FLOOR_DIV, SQRT and RSQRT. Each
// follows TFLite's reference kernel (cast.cc, div.cc, floor_div.cc,
// elementwise.cc) element for element, and defines what C++ leaves undefined
// (INT32_MIN / -1) as x86 does it, the CPU LiteRT's answers are checked on.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace ref {

// The element types CAST converts between (kernels/ sees no lowbit::DType).
enum class CastType : uint8_t { kFloat32, kInt32, kInt64, kInt8, kUInt8, kBool };

// out[i] as TFLite's CAST (checked against LiteRT): float -> integer
// truncates toward zero and saturates to the target's range (NaN gives its
// maximum); any type -> bool is (value != 0); bool -> any type is 0 or 1;
// integer -> narrower integer keeps the low bits.
void cast__reference(CastType from, CastType to, size_t n, const void* in, void* out);

// Binary kernels over one broadcast run: element i reads a[i * a_stride] and
// b[i * b_stride] (strides 0 or 1). The caller rejects a zero divisor for the
// integer kernels before calling them.
template <typename T>
struct MinMax {
  T min, max;
};

// a / b clamped as TFLite's ActivationFunctionWithMinMax: min(max(x, lo), hi)
// (for no activation lo and hi are the type's lowest and max, so a float
// infinity becomes +-FLT_MAX; a NaN stays NaN).
void f32_div__reference(const MinMax<float>& p, size_t n, const float* a, size_t a_stride,
                        const float* b, size_t b_stride, float* out);
// Integer division truncating toward zero; INT32_MIN / -1 gives INT32_MIN.
void s32_div__reference(const MinMax<int32_t>& p, size_t n, const int32_t* a, size_t a_stride,
                        const int32_t* b, size_t b_stride, int32_t* out);
// floor(a / b), computed as TFLite does in double for int32.
void f32_floor_div__reference(const MinMax<float>& p, size_t n, const float* a, size_t a_stride,
                              const float* b, size_t b_stride, float* out);
void s32_floor_div__reference(const MinMax<int32_t>& p, size_t n, const int32_t* a,
                              size_t a_stride, const int32_t* b, size_t b_stride, int32_t* out);

// std::sqrt(x) and 1.0f / std::sqrt(x).
void f32_sqrt__reference(size_t n, const float* in, float* out);
void f32_rsqrt__reference(size_t n, const float* in, float* out);

}  // namespace ref
}  // namespace lowbit
