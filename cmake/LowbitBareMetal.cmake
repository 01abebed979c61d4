# The bare-metal build (CMAKE_SYSTEM_NAME Generic: cmake/toolchain-cortex-m4.cmake).
# No OS: no XNNPACK, cpuinfo or pthreadpool libraries, no tools, no desktop
# tests; only lowbit_firmware (cmake/LowbitFirmware.cmake) with the reference kernels
# and the Cortex-M4 DSP ones (kernels/arm/*_cortexm4.cpp), the bare-metal
# platform (src/platform/baremetal/), examples/firmware/cortex_m and the
# on-target kernel checks (tests/cortex_m).
# Absolute addresses: the image is linked for one board (its linker script).
set(CMAKE_POSITION_INDEPENDENT_CODE OFF)
enable_language(ASM)
# GCC notes on every std::vector of 8-byte-aligned structs that GCC 7 changed
# their ARM calling convention; nothing here mixes objects of older compilers.
add_compile_options(-Wno-psabi)

# Header-only parts of the host's Debian packages: flatbuffers, and
# pthreadpool.h/xnnpack.h for the declarations the firmware's stand-ins
# implement. The host's include folder itself never goes on the path (its C
# library headers are glibc's, not newlib's): a folder of links to just these.
find_program(FLATC_EXECUTABLE NAMES flatc REQUIRED)
set(LOWBIT_HOST_INCLUDE_DIR /usr/include CACHE PATH
  "Where the host's flatbuffers/, pthreadpool.h and xnnpack.h are (Debian: libflatbuffers-dev, libpthreadpool-dev, libxnnpack-dev)")
set(host_headers ${CMAKE_BINARY_DIR}/host-headers)
file(MAKE_DIRECTORY ${host_headers})
foreach(header flatbuffers pthreadpool.h xnnpack.h)
  if(NOT EXISTS ${LOWBIT_HOST_INCLUDE_DIR}/${header})
    message(FATAL_ERROR "${LOWBIT_HOST_INCLUDE_DIR}/${header} not found: run scripts/install-deps.sh")
  endif()
  file(CREATE_LINK ${LOWBIT_HOST_INCLUDE_DIR}/${header} ${host_headers}/${header} SYMBOLIC)
endforeach()
foreach(target lowbit::pthreadpool lowbit::xnnpack flatbuffers::flatbuffers_shared_or_static)
  add_library(${target} INTERFACE IMPORTED)
  set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${host_headers})
endforeach()

include(LowbitSchema)
include(LowbitKernels)
# The desktop kernel library is not part of a bare-metal image.
set_target_properties(lowbit_kernels PROPERTIES EXCLUDE_FROM_ALL ON)
set(LOWBIT_FIRMWARE_ISA "cortexm4" CACHE STRING
  "Instruction sets of the firmware's CPU: cortexm4 (DSP: SMLAD) or none (reference kernels only)")
include(LowbitFirmware)
# What a hosted C++ runtime would provide and a bare-metal one does not.
file(GLOB LOWBIT_BAREMETAL_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/src/platform/baremetal/*.c ${CMAKE_SOURCE_DIR}/src/platform/baremetal/*.cpp)
target_sources(lowbit_firmware PRIVATE ${LOWBIT_BAREMETAL_SOURCES})
# newlib-nano's aligned_alloc, in libc after lowbit on the link line, needs
# this library's posix_memalign (src/platform/baremetal/posix_memalign.c).
target_link_options(lowbit_firmware INTERFACE -Wl,--undefined=posix_memalign)
target_include_directories(lowbit_firmware BEFORE PRIVATE
  ${CMAKE_SOURCE_DIR}/src/platform/baremetal/include)
target_compile_options(lowbit_firmware PRIVATE
  $<$<COMPILE_LANGUAGE:CXX>:-include;${CMAKE_SOURCE_DIR}/src/platform/baremetal/newlib_compat.h>)

add_subdirectory(examples/firmware/cortex_m)
add_subdirectory(tests/cortex_m)
