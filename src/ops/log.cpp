// LOG: std::log. int8 runs TFLite's 256-entry table, where inputs <= 0 give
// the output's lowest value; TFLite has no uint8 LOG. float32: the reference
// loop (log of a negative is NaN, of 0 is -inf, as std::log).
#include "ops/byte_table_util.h"
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {
constexpr TableUnaryOp kLog{ref::f32_log__reference, "f32_log__reference", ref::make_log_table,
                            false};
}  // namespace

LOWBIT_REGISTER_OP(Log, validate_int8_or_float_unary, create_table_unary<kLog>)

}  // namespace lowbit
