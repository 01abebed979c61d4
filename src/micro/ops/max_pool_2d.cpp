// MAX_POOL_2D, int8: maximum over the window taps inside the image, then the
// fused activation clamp (micro/ops/pool_2d.cpp).
#include "micro/ops/pool_2d.h"

namespace lowbit {
namespace micro {
namespace {

lowbit_status prepare(PrepareContext& ctx) {
  return prepare_pool_2d(ctx, qs8_max_pool2d_variants());
}

constexpr lowbit_micro_op kMaxPool2D{kOpMaxPool2D, prepare, invoke_pool_2d};

}  // namespace
}  // namespace micro
}  // namespace lowbit

extern "C" const lowbit_micro_op* lowbit_micro_op_max_pool_2d(void) {
  return &lowbit::micro::kMaxPool2D;
}
