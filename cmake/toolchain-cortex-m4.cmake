# Bare-metal Cortex-M4 (hard float, DSP) with Debian's arm-none-eabi GCC and
# newlib (scripts/install-deps.sh --cross):
#   cmake -S . -B build-cortex-m4 -G Ninja \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-cortex-m4.cmake \
#     -DLOWBIT_FIRMWARE_KWS_MODEL=<hosted build>/kws.lbm
# The build has no OS: CMakeLists.txt hands it to cmake/LowbitFirmware.cmake,
# which builds lowbit micro, examples/firmware (kws_firmware.elf) and
# tests/cortex_m only (scripts/check-firmware.sh runs them on
# qemu-system-arm -M mps2-an386).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR cortex-m4)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
# No OS to run a test program on: try_compile links nothing.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# The CPU (the DSP extension comes with -mcpu=cortex-m4: __ARM_FEATURE_DSP),
# its single-precision FPU with the hard-float ABI, and one section per
# function and object so --gc-sections drops what the image never reaches.
set(LOWBIT_CORTEX_M_FLAGS
  "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${LOWBIT_CORTEX_M_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT "${LOWBIT_CORTEX_M_FLAGS}")
set(CMAKE_ASM_FLAGS_INIT "${LOWBIT_CORTEX_M_FLAGS}")
# newlib-nano (smaller printf and malloc); the system calls newlib needs are
# ours (examples/firmware/cortex_m/semihosting.c), not libnosys' or librdimon's.
set(CMAKE_EXE_LINKER_FLAGS_INIT "--specs=nano.specs --specs=nosys.specs -Wl,--gc-sections")

# Programs (flatc) come from the host; headers and libraries only from the
# toolchain's own sysroot.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
