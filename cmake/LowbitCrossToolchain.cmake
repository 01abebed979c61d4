# Shared part of the ARM toolchain files (toolchain-<triple>.cmake set
# LOWBIT_CROSS_TRIPLE and CMAKE_SYSTEM_PROCESSOR, then include this).
# Libraries, headers and CMake packages come only from the dependency sysroot
# (scripts/make-sysroot.sh) and the cross toolchain's libc in /usr/<triple>;
# programs (flatc, ccache) come from the host.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${LOWBIT_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${LOWBIT_CROSS_TRIPLE}-g++)

if(NOT LOWBIT_SYSROOT)
  set(LOWBIT_SYSROOT ${CMAKE_CURRENT_LIST_DIR}/../build-sysroot/${LOWBIT_CROSS_TRIPLE})
endif()
get_filename_component(LOWBIT_SYSROOT ${LOWBIT_SYSROOT} ABSOLUTE)
# The firmware build (LOWBIT_FIRMWARE=ON: lowbit micro, the C library only)
# needs no dependency sysroot.
if(NOT LOWBIT_FIRMWARE AND NOT EXISTS ${LOWBIT_SYSROOT}/usr/include/xnnpack.h)
  message(FATAL_ERROR "No dependency sysroot at ${LOWBIT_SYSROOT}: run "
                      "scripts/make-sysroot.sh ${LOWBIT_CROSS_TRIPLE} first")
endif()
# Try-compiles (and later configures) see the same sysroot.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES LOWBIT_SYSROOT LOWBIT_FIRMWARE)

set(CMAKE_FIND_ROOT_PATH ${LOWBIT_SYSROOT} /usr/${LOWBIT_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# libXNNPACK.so needs libcpuinfo.so.0 and libpthreadpool.so.0: the linker
# finds them through -rpath-link.
set(LOWBIT_SYSROOT_LIBDIR ${LOWBIT_SYSROOT}/usr/lib/${LOWBIT_CROSS_TRIPLE})
string(APPEND CMAKE_EXE_LINKER_FLAGS_INIT " -Wl,-rpath-link,${LOWBIT_SYSROOT_LIBDIR}")
string(APPEND CMAKE_SHARED_LINKER_FLAGS_INIT " -Wl,-rpath-link,${LOWBIT_SYSROOT_LIBDIR}")

# Build-time tools (lowbit-make-models) run under qemu-user with the cross
# libc as the ELF interpreter prefix (-L) and the sysroot's libraries on the
# library path (a multiarch libc under -L hangs at the first pthread_create;
# the toolchain's own libc does not).
find_program(LOWBIT_QEMU qemu-${LOWBIT_QEMU_ARCH})
if(LOWBIT_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR
      ${LOWBIT_QEMU} -L /usr/${LOWBIT_CROSS_TRIPLE} -E LD_LIBRARY_PATH=${LOWBIT_SYSROOT_LIBDIR})
endif()
