# lowbit micro, the firmware runtime (src/micro/, include/lowbit/micro.h):
# lowbit_micro_library(<target> <isa list>) builds it as a static library
# for one fixed set of instruction sets (kernels/isa.h names, comma-separated,
# or none), with only the kernel families its operators use, each SIMD file
# only for the sets listed. Built without exceptions, RTTI or thread-safe
# statics, a section per function so firmware linked with --gc-sections keeps
# only what its resolver reaches. Hosted builds make two for the tests and
# lowbit-micro-run; cmake/LowbitFirmware.cmake makes the firmware's.

# Kernel sources of the families src/micro/ops/ call (portable and per ISA).
set(LOWBIT_MICRO_KERNEL_PATTERN
  "/(qs8_gemm|qs8_igemm|qs8_fully_connected|qs8_dwconv|qs8_dwconv_rows|qs8_dwconv_fanout|qs8_pool2d?|qs8_softmax|qs8_softmax_fixed_table|qs8_elementwise|qs8_add|qu8_flip_sums|requantize|qs16_softmax|fixed_point_q15)(_[a-z0-9]+)?\\.cpp$")

# The pools' files (qs8_pool_config.cpp, qs8_pool_avx2.cpp), and what the
# softmax and add kernels call: gemmlowp's fixed-point exp and reciprocal
# (qs8_logistic_fixedpoint), requantize_and_clamp (qs8_quantize).
set(LOWBIT_MICRO_KERNEL_PATTERN
  "${LOWBIT_MICRO_KERNEL_PATTERN}|/(qs8_pool|qs8_logistic_fixedpoint|qs8_quantize)(_[a-z0-9]+)?\\.cpp$")

function(lowbit_micro_kernel_sources out_var)
  set(sources "")
  foreach(file ${ARGN})
    if(file MATCHES "${LOWBIT_MICRO_KERNEL_PATTERN}")
      list(APPEND sources ${file})
    endif()
  endforeach()
  set(${out_var} ${sources} PARENT_SCOPE)
endfunction()

file(GLOB LOWBIT_MICRO_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/src/micro/*.cpp ${CMAKE_SOURCE_DIR}/src/micro/ops/*.cpp)

function(lowbit_micro_library name isa_list)
  lowbit_isa_list_tags("${isa_list}" tags)
  lowbit_kernel_isa_sources("${tags}" isa_sources isa_definitions)
  lowbit_micro_kernel_sources(kernel_sources ${LOWBIT_KERNEL_PORTABLE_SOURCES} ${isa_sources})
  add_library(${name} STATIC ${LOWBIT_MICRO_SOURCES} ${kernel_sources})
  target_include_directories(${name}
    PUBLIC ${CMAKE_SOURCE_DIR}/include
    PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR})
  target_compile_definitions(${name} PRIVATE LOWBIT_FIRMWARE_ISA="${isa_list}" ${isa_definitions})
  target_compile_options(${name} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions -fno-rtti -fno-threadsafe-statics>
    -ffunction-sections -fdata-sections)
endfunction()

# Hosted builds: the runtime for the host's common instruction sets and for
# none (the portable kernels), each with lowbit-micro-run, which the tests
# compare with lowbit-run (tests/micro/). Not in the firmware build itself.
if(NOT CMAKE_SYSTEM_NAME STREQUAL "Generic" AND NOT LOWBIT_FIRMWARE)
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
    set(LOWBIT_MICRO_HOST_ISA neondot)
  elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^arm")
    set(LOWBIT_MICRO_HOST_ISA armv7neon)
  else()
    set(LOWBIT_MICRO_HOST_ISA avx2)
  endif()
  lowbit_micro_library(lowbit_micro_host "${LOWBIT_MICRO_HOST_ISA}")
  lowbit_micro_library(lowbit_micro_portable none)
  foreach(variant host portable)
    set(tool lowbit-micro-run)
    if(variant STREQUAL "portable")
      set(tool lowbit-micro-run-portable)
    endif()
    add_executable(${tool} ${CMAKE_SOURCE_DIR}/src/tools/micro/lowbit_micro_run.cpp)
    target_link_libraries(${tool} PRIVATE lowbit_micro_${variant} CLI11::CLI11)
  endforeach()
endif()
