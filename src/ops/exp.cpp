// EXP: std::exp per element. int8: TFLite's 256-entry table (LUTPopulate of
// std::exp); TFLite has no uint8 EXP. float32: the reference loop.
#include "ops/byte_table_util.h"
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {
constexpr TableUnaryOp kExp{ref::f32_exp__reference, "f32_exp__reference", ref::make_exp_table,
                            false};
}  // namespace

LOWBIT_REGISTER_OP(Exp, validate_int8_or_float_unary, create_table_unary<kExp>)

}  // namespace lowbit
