#include "kernels/reference/cast.h"

#include "kernels/reference/math_elementwise.h"

namespace lowbit {
namespace ref {

void u8_f32_cast__reference(const CastParams&, size_t n, const uint8_t* input, float* output) {
  cast__reference(CastType::kUInt8, CastType::kFloat32, n, input, output);
}

void s8_f32_cast__reference(const CastParams&, size_t n, const int8_t* input, float* output) {
  cast__reference(CastType::kInt8, CastType::kFloat32, n, input, output);
}

void s32_f32_cast__reference(const CastParams&, size_t n, const int32_t* input, float* output) {
  cast__reference(CastType::kInt32, CastType::kFloat32, n, input, output);
}

void f32_s32_cast__reference(const CastParams&, size_t n, const float* input, int32_t* output) {
  cast__reference(CastType::kFloat32, CastType::kInt32, n, input, output);
}

}  // namespace ref
}  // namespace lowbit
