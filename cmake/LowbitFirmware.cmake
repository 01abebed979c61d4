# The firmware build: LOWBIT_FIRMWARE=ON (x86-64, or an ARM Linux toolchain
# file: the image is linked statically there), and every bare-metal build
# (cmake/toolchain-cortex-m4.cmake). Nothing of the hosted runtime: no
# XNNPACK, cpuinfo, pthreadpool, FlatBuffers library, tools or Catch2 tests.
# It builds
#   lowbit_firmware   lowbit micro (cmake/LowbitMicro.cmake) for the fixed
#                     instruction sets LOWBIT_FIRMWARE_ISA, nothing probed at
#                     run time;
#   kws_firmware      examples/firmware: the KWS model in a static arena;
#   kernel_check      bare metal only (tests/cortex_m): the Cortex-M4 kernels
#                     against the reference ones, on the target.
# The .lbm comes from a hosted build's lowbit-convert (LOWBIT_FIRMWARE_KWS_MODEL):
# scripts/check-firmware.sh builds and runs all four targets.
if(CMAKE_SYSTEM_NAME STREQUAL "Generic")
  # Absolute addresses: the image is linked for one board (its linker script).
  set(CMAKE_POSITION_INDEPENDENT_CODE OFF)
  # GCC notes on 8-byte-aligned structs passed by value that GCC 7 changed
  # their ARM calling convention; nothing here mixes objects of older compilers.
  add_compile_options(-Wno-psabi)
endif()

include(LowbitKernels)
# The desktop kernel library is not part of a firmware image.
set_target_properties(lowbit_kernels PROPERTIES EXCLUDE_FROM_ALL ON)

# A comma-separated list of kernels/isa.h names (each implies the older sets:
# avx512vnni brings avx512 and avx2), or none (the portable kernels only).
# The default is the target's common case.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
  set(firmware_isa_default neondot)
elseif(CMAKE_SYSTEM_PROCESSOR STREQUAL "cortex-m4")
  set(firmware_isa_default cortexm4)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^arm")
  set(firmware_isa_default armv7neon)
else()
  set(firmware_isa_default avx2)
endif()
set(LOWBIT_FIRMWARE_ISA "${firmware_isa_default}" CACHE STRING
  "Instruction sets of the firmware's CPU: none, or a comma-separated list of kernels/isa.h names: avx2, avx512, avx512vnni, avx512vpopcnt, avxvnni (x86-64); neon, neondot, i8mm (aarch64); armv7neon (32-bit ARM); cortexm4 (Cortex-M4 DSP)")

include(LowbitMicro)
lowbit_micro_library(lowbit_firmware "${LOWBIT_FIRMWARE_ISA}")
# Flash where it costs no time: the runtime and the operators (src/micro/)
# at -Os, the kernels at the build type's level (Release: -O3). On the
# Cortex-M4, KWS: lowbit's text 39.7 KB and 13.18M instructions per
# inference, against 108.8 KB / 13.13M all at -O3 and 34.8 KB / 15.18M all
# at -Os (docs/api.md).
set_source_files_properties(${LOWBIT_MICRO_SOURCES} PROPERTIES COMPILE_OPTIONS -Os)
# Depthwise row kernels are instantiated per window shape and requantization
# profile (on x86 137 KB of KWS's text for all four shapes): a firmware may
# name the shapes its models use; the others run the generic kernel, same bits.
set(LOWBIT_FIRMWARE_DWCONV_ROWS "all" CACHE STRING
  "Depthwise row kernels to link: all, none, or a comma-separated list of 3x3s1, 3x3s2, 5x5s1, 5x5s2")
if(NOT LOWBIT_FIRMWARE_DWCONV_ROWS STREQUAL "all")
  target_compile_definitions(lowbit_firmware PRIVATE LOWBIT_DWCONV_ROWS_LISTED)
  string(REPLACE "," ";" shapes "${LOWBIT_FIRMWARE_DWCONV_ROWS}")
  foreach(shape ${shapes})
    if(shape STREQUAL "none")
      continue()
    elseif(NOT shape MATCHES "^(3x3s1|3x3s2|5x5s1|5x5s2)$")
      message(FATAL_ERROR "LOWBIT_FIRMWARE_DWCONV_ROWS: unknown shape '${shape}' "
        "(3x3s1, 3x3s2, 5x5s1, 5x5s2, none or all)")
    endif()
    string(TOUPPER "${shape}" upper)
    target_compile_definitions(lowbit_firmware PRIVATE LOWBIT_DWCONV_ROW_${upper})
  endforeach()
endif()

add_subdirectory(examples/firmware)
if(CMAKE_SYSTEM_NAME STREQUAL "Generic")
  add_subdirectory(tests/cortex_m)
endif()
