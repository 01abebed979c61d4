// TANH: std::tanh. int8 and uint8 run TFLite's 256-entry table (its
// LUTPopulate of std::tanh, which BUILTIN_REF uses too); float32 the
// reference loop (XNNPACK's tanh is an approximation, not TFLite's bits).
#include "ops/byte_table_util.h"
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {
constexpr TableUnaryOp kTanh{ref::f32_tanh__reference, "f32_tanh__reference", ref::make_tanh_table,
                             false};
}  // namespace

LOWBIT_REGISTER_OP(Tanh, validate_float_or_8bit_unary, create_table_unary<kTanh>)

}  // namespace lowbit
