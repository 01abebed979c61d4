// SQRT: std::sqrt per element, float32 (TFLite's elementwise.cc); int8 as
// TFLite's quantized SQRT, in float and truncated, as a 256-entry table. A
// negative int8 input makes invoke() fail, as in TFLite.
#include "ops/byte_table_util.h"
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {
constexpr TableUnaryOp kSqrt{ref::f32_sqrt__reference, "f32_sqrt__reference",
                             ref::make_sqrt_table, true};
}  // namespace

LOWBIT_REGISTER_OP(Sqrt, validate_int8_or_float_unary, create_table_unary<kSqrt>)

}  // namespace lowbit
