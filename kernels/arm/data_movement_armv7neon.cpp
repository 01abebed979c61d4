// 32-bit ARM's TRANSPOSE tiles (kernels/arm/data_movement_neon.h; built with
// -mfpu=neon, selected only when NEON is detected).
#include "kernels/arm/data_movement_neon.h"

LOWBIT_DEFINE_MOVE_STRIDED_NEON(armv7neon)
