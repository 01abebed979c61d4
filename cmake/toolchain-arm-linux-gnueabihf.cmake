# Cross build for 32-bit ARM Linux, hard-float (Raspberry Pi with a 32-bit
# OS, Cortex-A7 and later):
#   scripts/make-sysroot.sh arm-linux-gnueabihf
#   cmake -S . -B build-armhf -G Ninja \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-arm-linux-gnueabihf.cmake
# Debian's armhf baseline (ARMv7-A, VFPv3-D16) has no NEON: only the
# kernels/arm/*_armv7neon.cpp files are built with -mfpu=neon
# (cmake/LowbitKernels.cmake) and they are selected only when the CPU reports
# NEON at run time.
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(LOWBIT_CROSS_TRIPLE arm-linux-gnueabihf)
set(LOWBIT_QEMU_ARCH arm)
include(${CMAKE_CURRENT_LIST_DIR}/LowbitCrossToolchain.cmake)
