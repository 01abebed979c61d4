// RSQRT: 1.0f / std::sqrt per element, float32 (TFLite's elementwise.cc);
// int8 as TFLite's fixed-point inverse square root, as a 256-entry table. A
// negative int8 input makes invoke() fail, as in TFLite.
#include "ops/byte_table_util.h"
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {
constexpr TableUnaryOp kRsqrt{ref::f32_rsqrt__reference, "f32_rsqrt__reference",
                              ref::make_rsqrt_table, true};
}  // namespace

LOWBIT_REGISTER_OP(Rsqrt, validate_int8_or_float_unary, create_table_unary<kRsqrt>)

}  // namespace lowbit
