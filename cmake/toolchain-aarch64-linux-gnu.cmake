# Cross build for 64-bit ARM Linux (Raspberry Pi 3/4/5 with a 64-bit OS):
#   scripts/make-sysroot.sh aarch64-linux-gnu
#   cmake -S . -B build-aarch64 -G Ninja \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64-linux-gnu.cmake
# NEON is the aarch64 baseline; dotprod and i8mm kernel files get their own
# -march flags (cmake/LowbitKernels.cmake) and are selected at load time.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(LOWBIT_CROSS_TRIPLE aarch64-linux-gnu)
set(LOWBIT_QEMU_ARCH aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/LowbitCrossToolchain.cmake)
