#include "kernels/reference/math_elementwise.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace lowbit {
namespace ref {
namespace {

// TFLite's float -> integer CAST saturates: truncated toward zero, then
// clamped to the target's range; NaN gives the maximum.
template <typename To>
To saturate_float(float v) {
  if (std::isnan(v)) return std::numeric_limits<To>::max();
  const double t = std::trunc(static_cast<double>(v));
  if (t >= static_cast<double>(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
  if (t <= static_cast<double>(std::numeric_limits<To>::min())) return std::numeric_limits<To>::min();
  return static_cast<To>(t);
}

// Integer -> narrower integer keeps the low bits (two's complement);
// float saturates.
template <typename To, typename From>
To narrow(From v) {
  if constexpr (std::is_same_v<From, float>) {
    return saturate_float<To>(v);
  } else {
    using Unsigned = std::make_unsigned_t<To>;
    return static_cast<To>(static_cast<Unsigned>(static_cast<uint64_t>(v)));
  }
}

// One source element type to any target type.
template <typename From>
void cast_from(const From* in, CastType to, size_t n, void* out) {
  for (size_t i = 0; i < n; ++i) {
    const From v = in[i];
    switch (to) {
      case CastType::kFloat32: static_cast<float*>(out)[i] = static_cast<float>(v); break;
      case CastType::kBool: static_cast<uint8_t*>(out)[i] = v != From(0) ? 1 : 0; break;
      case CastType::kInt64: static_cast<int64_t*>(out)[i] = narrow<int64_t>(v); break;
      case CastType::kInt32: static_cast<int32_t*>(out)[i] = narrow<int32_t>(v); break;
      case CastType::kInt8: static_cast<int8_t*>(out)[i] = narrow<int8_t>(v); break;
      case CastType::kUInt8: static_cast<uint8_t*>(out)[i] = narrow<uint8_t>(v); break;
    }
  }
}

template <typename T>
T clamp_like_tflite(T x, const MinMax<T>& p) {
  // std::min(std::max(x, lo), hi), in that order: a NaN passes through.
  const T low_clamped = x < p.min ? p.min : x;
  return p.max < low_clamped ? p.max : low_clamped;
}

int32_t floor_div_int32(int32_t a, int32_t b) {
  if (a == std::numeric_limits<int32_t>::min() && b == -1) return a;  // 2^31 does not fit
  return static_cast<int32_t>(std::floor(static_cast<double>(a) / static_cast<double>(b)));
}

}  // namespace

void cast__reference(CastType from, CastType to, size_t n, const void* in, void* out) {
  if (from == to) {
    const size_t bytes = from == CastType::kFloat32 || from == CastType::kInt32 ? 4
                         : from == CastType::kInt64                              ? 8
                                                                                 : 1;
    std::memcpy(out, in, n * bytes);
    return;
  }
  switch (from) {
    case CastType::kFloat32: cast_from(static_cast<const float*>(in), to, n, out); break;
    case CastType::kInt32: cast_from(static_cast<const int32_t*>(in), to, n, out); break;
    case CastType::kInt64: cast_from(static_cast<const int64_t*>(in), to, n, out); break;
    case CastType::kInt8: cast_from(static_cast<const int8_t*>(in), to, n, out); break;
    case CastType::kUInt8:
    case CastType::kBool: cast_from(static_cast<const uint8_t*>(in), to, n, out); break;
  }
}

void f32_div__reference(const MinMax<float>& p, size_t n, const float* a, size_t a_stride,
                        const float* b, size_t b_stride, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = clamp_like_tflite(a[i * a_stride] / b[i * b_stride], p);
}

void s32_div__reference(const MinMax<int32_t>& p, size_t n, const int32_t* a, size_t a_stride,
                        const int32_t* b, size_t b_stride, int32_t* out) {
  for (size_t i = 0; i < n; ++i) {
    const int32_t x = a[i * a_stride], y = b[i * b_stride];
    const int32_t q = x == std::numeric_limits<int32_t>::min() && y == -1 ? x : x / y;
    out[i] = clamp_like_tflite(q, p);
  }
}

void f32_floor_div__reference(const MinMax<float>&, size_t n, const float* a, size_t a_stride,
                              const float* b, size_t b_stride, float* out) {
  for (size_t i = 0; i < n; ++i) {
    out[i] = static_cast<float>(
        std::floor(static_cast<double>(a[i * a_stride]) / static_cast<double>(b[i * b_stride])));
  }
}

void s32_floor_div__reference(const MinMax<int32_t>&, size_t n, const int32_t* a,
                              size_t a_stride, const int32_t* b, size_t b_stride, int32_t* out) {
  for (size_t i = 0; i < n; ++i) out[i] = floor_div_int32(a[i * a_stride], b[i * b_stride]);
}

// Applies op to the operands as uint32 (defined wrap-around), then clamps.
template <typename Op>
void s32_wrapping(const MinMax<int32_t>& p, size_t n, const int32_t* a, size_t a_stride,
                  const int32_t* b, size_t b_stride, int32_t* out, Op op) {
  for (size_t i = 0; i < n; ++i) {
    const uint32_t r = op(static_cast<uint32_t>(a[i * a_stride]), static_cast<uint32_t>(b[i * b_stride]));
    out[i] = clamp_like_tflite(static_cast<int32_t>(r), p);
  }
}

void s32_add__reference(const MinMax<int32_t>& p, size_t n, const int32_t* a, size_t a_stride,
                        const int32_t* b, size_t b_stride, int32_t* out) {
  s32_wrapping(p, n, a, a_stride, b, b_stride, out, [](uint32_t x, uint32_t y) { return x + y; });
}

void s32_sub__reference(const MinMax<int32_t>& p, size_t n, const int32_t* a, size_t a_stride,
                        const int32_t* b, size_t b_stride, int32_t* out) {
  s32_wrapping(p, n, a, a_stride, b, b_stride, out, [](uint32_t x, uint32_t y) { return x - y; });
}

void s32_mul__reference(const MinMax<int32_t>& p, size_t n, const int32_t* a, size_t a_stride,
                        const int32_t* b, size_t b_stride, int32_t* out) {
  s32_wrapping(p, n, a, a_stride, b, b_stride, out, [](uint32_t x, uint32_t y) { return x * y; });
}

template <typename T>
void maximum__reference(const MinMax<T>&, size_t n, const T* a, size_t a_stride, const T* b,
                        size_t b_stride, T* out) {
  for (size_t i = 0; i < n; ++i) {
    const T x = a[i * a_stride], y = b[i * b_stride];
    out[i] = x > y ? x : y;
  }
}

template <typename T>
void minimum__reference(const MinMax<T>&, size_t n, const T* a, size_t a_stride, const T* b,
                        size_t b_stride, T* out) {
  for (size_t i = 0; i < n; ++i) {
    const T x = a[i * a_stride], y = b[i * b_stride];
    out[i] = x < y ? x : y;
  }
}

#define LOWBIT_MIN_MAX_INSTANCES(T)                                                            \
  template void maximum__reference<T>(const MinMax<T>&, size_t, const T*, size_t, const T*,  \
                                      size_t, T*);                                           \
  template void minimum__reference<T>(const MinMax<T>&, size_t, const T*, size_t, const T*,  \
                                      size_t, T*);
LOWBIT_MIN_MAX_INSTANCES(float)
LOWBIT_MIN_MAX_INSTANCES(int8_t)
LOWBIT_MIN_MAX_INSTANCES(uint8_t)
LOWBIT_MIN_MAX_INSTANCES(int32_t)
LOWBIT_MIN_MAX_INSTANCES(int64_t)
#undef LOWBIT_MIN_MAX_INSTANCES

void f32_floor_mod__reference(const MinMax<float>&, size_t n, const float* a, size_t a_stride,
                              const float* b, size_t b_stride, float* out) {
  for (size_t i = 0; i < n; ++i) {
    const float y = b[i * b_stride];
    const float r = std::fmod(a[i * a_stride], y);
    out[i] = r != 0 && ((y < 0) != (r < 0)) ? r + y : r;
  }
}

void s32_floor_mod__reference(const MinMax<int32_t>&, size_t n, const int32_t* a,
                              size_t a_stride, const int32_t* b, size_t b_stride, int32_t* out) {
  for (size_t i = 0; i < n; ++i) {
    const int32_t x = a[i * a_stride], y = b[i * b_stride];
    const int32_t r = y == -1 ? 0 : x % y;
    out[i] = r != 0 && ((y < 0) != (r < 0)) ? r + y : r;
  }
}

void f32_squared_difference__reference(const MinMax<float>&, size_t n, const float* a,
                                       size_t a_stride, const float* b, size_t b_stride,
                                       float* out) {
  for (size_t i = 0; i < n; ++i) {
    const float d = a[i * a_stride] - b[i * b_stride];
    out[i] = d * d;
  }
}

void s32_squared_difference__reference(const MinMax<int32_t>& p, size_t n, const int32_t* a,
                                       size_t a_stride, const int32_t* b, size_t b_stride,
                                       int32_t* out) {
  s32_wrapping(p, n, a, a_stride, b, b_stride, out,
               [](uint32_t x, uint32_t y) { return (x - y) * (x - y); });
}

void f32_abs__reference(size_t n, const float* in, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = std::fabs(in[i]);
}

void s32_abs__reference(size_t n, const int32_t* in, int32_t* out) {
  for (size_t i = 0; i < n; ++i) {
    const uint32_t u = static_cast<uint32_t>(in[i]);
    out[i] = static_cast<int32_t>(in[i] < 0 ? 0u - u : u);
  }
}

void f32_neg__reference(size_t n, const float* in, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = -in[i];
}

void s32_neg__reference(size_t n, const int32_t* in, int32_t* out) {
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<int32_t>(0u - static_cast<uint32_t>(in[i]));
}

void f32_sqrt__reference(size_t n, const float* in, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = std::sqrt(in[i]);
}

void f32_rsqrt__reference(size_t n, const float* in, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = 1.0f / std::sqrt(in[i]);
}

void f32_tanh__reference(size_t n, const float* in, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = std::tanh(in[i]);
}

void f32_exp__reference(size_t n, const float* in, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = std::exp(in[i]);
}

void f32_log__reference(size_t n, const float* in, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = std::log(in[i]);
}

void f32_leaky_relu__reference(const float& alpha, size_t n, const float* in, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = in[i] > 0.0f ? in[i] : in[i] * alpha;
}

void f32_prelu__reference(const MinMax<float>&, size_t n, const float* x, size_t x_stride,
                          const float* alpha, size_t alpha_stride, float* out) {
  for (size_t i = 0; i < n; ++i) {
    const float v = x[i * x_stride];
    out[i] = v >= 0.0f ? v : v * alpha[i * alpha_stride];
  }
}

}  // namespace ref
}  // namespace lowbit
