# LOWBIT_FIRMWARE=ON adds lowbit_firmware: the int8/binary core as a static
# library built with -fno-exceptions -fno-rtti, without XNNPACK (float
# operators are refused), without threads (a serial pthreadpool stand-in),
# without the TFLite converter, with the CPU's instruction sets fixed at
# compile time (LOWBIT_FIRMWARE_ISA), and without the resolver holding every
# operator (src/ops/default_op_resolver.cpp): the firmware loads its model
# through a lowbit_op_resolver naming only the model's operators, so the
# linker drops every other operator.
# The default lowbit library and everything else in the build are unchanged.
set(LOWBIT_FIRMWARE_ISA "avx2" CACHE STRING "Instruction sets of the firmware's CPU: none, avx2, avx512")
set_property(CACHE LOWBIT_FIRMWARE_ISA PROPERTY STRINGS none avx2 avx512)

file(GLOB LOWBIT_FIRMWARE_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/src/format/*.cpp ${CMAKE_SOURCE_DIR}/src/graph/*.cpp
  ${CMAKE_SOURCE_DIR}/src/runtime/*.cpp ${CMAKE_SOURCE_DIR}/src/ops/*.cpp
  ${CMAKE_SOURCE_DIR}/src/c_api/*.cpp ${CMAKE_SOURCE_DIR}/src/c_api/firmware/*.c
  ${CMAKE_SOURCE_DIR}/src/c_api/firmware/*.cpp ${CMAKE_SOURCE_DIR}/kernels/reference/*.cpp)
list(REMOVE_ITEM LOWBIT_FIRMWARE_SOURCES ${CMAKE_SOURCE_DIR}/src/ops/default_op_resolver.cpp)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  # The selection tables name every variant, so all are compiled (with the
  # per-ISA flags the root CMakeLists.txt set on these files); the fixed
  # cpuinfo decides which one runs.
  file(GLOB x86_kernels CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/kernels/x86/*.cpp)
  list(APPEND LOWBIT_FIRMWARE_SOURCES ${x86_kernels})
endif()

add_library(lowbit_firmware STATIC ${LOWBIT_FIRMWARE_SOURCES})
add_dependencies(lowbit_firmware lowbit_schema)
target_include_directories(lowbit_firmware
  PUBLIC ${CMAKE_SOURCE_DIR}/include
  PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR} ${LOWBIT_GENERATED_DIR})
# Headers only: cpuinfo.h and pthreadpool.h for the stand-ins, flatbuffers.
get_target_property(cpuinfo_include lowbit::cpuinfo INTERFACE_INCLUDE_DIRECTORIES)
get_target_property(pthreadpool_include lowbit::pthreadpool INTERFACE_INCLUDE_DIRECTORIES)
target_include_directories(lowbit_firmware PRIVATE ${cpuinfo_include} ${pthreadpool_include})
target_include_directories(lowbit_firmware PRIVATE
  $<TARGET_PROPERTY:flatbuffers::flatbuffers_shared_or_static,INTERFACE_INCLUDE_DIRECTORIES>)
target_compile_options(lowbit_firmware PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions -fno-rtti>)
if(LOWBIT_FIRMWARE_ISA STREQUAL "avx2")
  target_compile_definitions(lowbit_firmware PRIVATE LOWBIT_TARGET_AVX2)
elseif(LOWBIT_FIRMWARE_ISA STREQUAL "avx512")
  target_compile_definitions(lowbit_firmware PRIVATE LOWBIT_TARGET_AVX512)
elseif(NOT LOWBIT_FIRMWARE_ISA STREQUAL "none")
  message(FATAL_ERROR "LOWBIT_FIRMWARE_ISA: unknown value '${LOWBIT_FIRMWARE_ISA}'")
endif()
