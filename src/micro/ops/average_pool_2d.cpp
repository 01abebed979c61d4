// AVERAGE_POOL_2D, int8: mean of the window taps inside the image (count =
// valid taps), rounded half away from zero, then the fused activation clamp
// (micro/ops/pool_2d.cpp).
#include "micro/ops/pool_2d.h"

namespace lowbit {
namespace micro {
namespace {

lowbit_status prepare(PrepareContext& ctx) {
  return prepare_pool_2d(ctx, qs8_average_pool2d_variants());
}

constexpr lowbit_micro_op kAveragePool2D{kOpAveragePool2D, prepare, invoke_pool_2d};

}  // namespace
}  // namespace micro
}  // namespace lowbit

extern "C" const lowbit_micro_op* lowbit_micro_op_average_pool_2d(void) {
  return &lowbit::micro::kAveragePool2D;
}
