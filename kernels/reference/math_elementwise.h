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

// A clamp range (the fused activation's).
template <typename T>
struct MinMax {
  T min, max;
};

// The type of every binary kernel below, over one broadcast run:
// out[i] = f(a[i * a_stride], b[i * b_stride]) for i < n (strides 0 or 1),
// clamped to p where the operator has an activation. The caller rejects a
// zero divisor for the integer divisions before calling them.
template <typename T>
using BinaryKernel = void(const MinMax<T>& p, size_t n, const T* a, size_t a_stride, const T* b,
                          size_t b_stride, T* out);

// a / b clamped as TFLite's ActivationFunctionWithMinMax: min(max(x, lo), hi)
// (for no activation lo and hi are the type's lowest and max, so a float
// infinity becomes +-FLT_MAX; a NaN stays NaN).
BinaryKernel<float> f32_div__reference;
// Integer division truncating toward zero; INT32_MIN / -1 gives INT32_MIN.
BinaryKernel<int32_t> s32_div__reference;
// floor(a / b), computed in double as TFLite does (p unused).
BinaryKernel<float> f32_floor_div__reference;
BinaryKernel<int32_t> s32_floor_div__reference;

// FLOOR_MOD: the remainder with the divisor's sign (TFLite: fmod or %, then
// + b when the signs differ); INT32_MIN % -1 gives 0. p unused.
BinaryKernel<float> f32_floor_mod__reference;
BinaryKernel<int32_t> s32_floor_mod__reference;
// SQUARED_DIFFERENCE: (a - b) * (a - b); int32 wraps. p unused.
BinaryKernel<float> f32_squared_difference__reference;
BinaryKernel<int32_t> s32_squared_difference__reference;

// int32 ADD, SUB and MUL: two's complement wrap-around (what TFLite's int32
// kernels do on every compiler it ships with), then the activation clamp.
BinaryKernel<int32_t> s32_add__reference;
BinaryKernel<int32_t> s32_sub__reference;
BinaryKernel<int32_t> s32_mul__reference;

// MAXIMUM: a > b ? a : b; MINIMUM: a < b ? a : b (TFLite's MaximumOp and
// MinimumOp): b whenever the comparison is false, so a NaN in either operand
// returns b. p is unused. Instantiated for float, int8_t, uint8_t, int32_t and
// int64_t.
template <typename T>
void maximum__reference(const MinMax<T>& p, size_t n, const T* a, size_t a_stride, const T* b,
                        size_t b_stride, T* out);
template <typename T>
void minimum__reference(const MinMax<T>& p, size_t n, const T* a, size_t a_stride, const T* b,
                        size_t b_stride, T* out);

// std::sqrt(x) and 1.0f / std::sqrt(x).
void f32_sqrt__reference(size_t n, const float* in, float* out);
void f32_rsqrt__reference(size_t n, const float* in, float* out);
// ABS and NEG; int32 wraps (|INT32_MIN| and -INT32_MIN are INT32_MIN).
void f32_abs__reference(size_t n, const float* in, float* out);
void s32_abs__reference(size_t n, const int32_t* in, int32_t* out);
void f32_neg__reference(size_t n, const float* in, float* out);
void s32_neg__reference(size_t n, const int32_t* in, int32_t* out);

// TANH, EXP and LOG: std::tanh, std::exp, std::log per element (TFLite's
// reference float kernels; XNNPACK's approximations would differ in the last bits).
void f32_tanh__reference(size_t n, const float* in, float* out);
void f32_exp__reference(size_t n, const float* in, float* out);
void f32_log__reference(size_t n, const float* in, float* out);
// LEAKY_RELU: x > 0 ? x : x * alpha.
void f32_leaky_relu__reference(const float& alpha, size_t n, const float* in, float* out);
// PRELU with a = x, b = alpha: x >= 0 ? x : x * alpha. p unused.
BinaryKernel<float> f32_prelu__reference;

}  // namespace ref
}  // namespace lowbit
