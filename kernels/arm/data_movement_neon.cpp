// aarch64's TRANSPOSE tiles (kernels/arm/data_movement_neon.h).
#include "kernels/arm/data_movement_neon.h"

LOWBIT_DEFINE_MOVE_STRIDED_NEON(neon)
