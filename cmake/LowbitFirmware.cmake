# LOWBIT_FIRMWARE=ON adds lowbit_firmware: the int8/binary core as a static
# library built with -fno-exceptions -fno-rtti, without XNNPACK (float
# operators run on lowbit's own float kernels, linked only into firmware that
# calls lowbit_op_resolver_add_float_kernels), without threads (a serial pthreadpool stand-in),
# without the TFLite converter, with the CPU's instruction sets fixed at
# compile time (LOWBIT_FIRMWARE_ISA, no run-time detection), and without the
# resolver holding every operator (src/ops/default_op_resolver.cpp): the
# firmware loads its model through a lowbit_op_resolver naming only the
# model's operators, so the linker drops every other operator.
# The default lowbit library and everything else in the build are unchanged.
# A comma-separated list of kernels/isa.h names (each implies the older sets:
# avx512vnni brings avx512 and avx2), or none. Only the kernel files of those
# sets are compiled, and only their LOWBIT_HAVE_<ISA> defined, so the variant
# tables (kernels/configs/) hold nothing else; CMake and the compiler both
# check the names (cmake/LowbitKernels.cmake, kernels/isa.h).
# The default is the target's common case: avx2 on x86-64, neondot (NEON and
# the dot product, Cortex-A55/A76 and later) on aarch64, armv7neon on 32-bit ARM.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
  set(firmware_isa_default neondot)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^arm")
  set(firmware_isa_default armv7neon)
else()
  set(firmware_isa_default avx2)
endif()
set(LOWBIT_FIRMWARE_ISA "${firmware_isa_default}" CACHE STRING
  "Instruction sets of the firmware's CPU: none, or a comma-separated list of kernels/isa.h names: avx2, avx512, avx512vnni, avx512vpopcnt, avxvnni (x86-64); neon, neondot, i8mm (aarch64); armv7neon (32-bit ARM)")

file(GLOB LOWBIT_FIRMWARE_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/src/format/*.cpp ${CMAKE_SOURCE_DIR}/src/graph/*.cpp
  ${CMAKE_SOURCE_DIR}/src/runtime/*.cpp ${CMAKE_SOURCE_DIR}/src/ops/*.cpp
  ${CMAKE_SOURCE_DIR}/src/ops/drivers/*.cpp ${CMAKE_SOURCE_DIR}/src/ops/float/*.cpp
  ${CMAKE_SOURCE_DIR}/src/c_api/*.cpp)
list(REMOVE_ITEM LOWBIT_FIRMWARE_SOURCES ${CMAKE_SOURCE_DIR}/src/ops/default_op_resolver.cpp
  ${CMAKE_SOURCE_DIR}/src/ops/float/float_kernel_entry.cpp)
# The platform choices (src/platform/README.md): serial threads, fixed CPU
# features, float operators through the hook that only
# lowbit_op_resolver_add_float_kernels connects, XNNPACK's entry points as the
# failing stand-ins (the XNNPACK kernel classes are compiled but never chosen:
# float_kernels resolves to own here, src/runtime/float_kernels.cpp), and the
# firmware's link stubs (no default resolver, no TFLite converter).
set(platform ${CMAKE_SOURCE_DIR}/src/platform)
list(APPEND LOWBIT_FIRMWARE_SOURCES
  ${platform}/threads/serial_pthreadpool.c
  ${platform}/cpu_features/fixed_cpu_features.cpp
  ${platform}/float/float_kernel_hook.cpp ${platform}/float/link_float_kernels.cpp
  ${platform}/float/xnnpack_unavailable.cpp
  ${platform}/firmware/no_default_op_resolver.cpp ${platform}/firmware/no_tflite_converter.cpp)
# The kernels, built again here with the firmware's flags: the portable ones
# and the files of LOWBIT_FIRMWARE_ISA's sets (with the per-ISA flags
# cmake/LowbitKernels.cmake set on them). The fixed features
# (src/platform/cpu_features/fixed_cpu_features.cpp) then pick among those rows.
lowbit_isa_list_tags("${LOWBIT_FIRMWARE_ISA}" firmware_isa_tags)
lowbit_kernel_isa_sources("${firmware_isa_tags}" firmware_isa_sources firmware_isa_definitions)

add_library(lowbit_firmware STATIC ${LOWBIT_FIRMWARE_SOURCES} ${LOWBIT_KERNEL_PORTABLE_SOURCES}
  ${firmware_isa_sources})
add_dependencies(lowbit_firmware lowbit_schema)
target_include_directories(lowbit_firmware
  PUBLIC ${CMAKE_SOURCE_DIR}/include
  PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR} ${LOWBIT_GENERATED_DIR})
# Headers only: pthreadpool.h for the serial stand-in, xnnpack.h for the
# XNNPACK stand-ins, flatbuffers.
get_target_property(pthreadpool_include lowbit::pthreadpool INTERFACE_INCLUDE_DIRECTORIES)
target_include_directories(lowbit_firmware PRIVATE ${pthreadpool_include}
  $<TARGET_PROPERTY:lowbit::xnnpack,INTERFACE_INCLUDE_DIRECTORIES>)
target_include_directories(lowbit_firmware PRIVATE
  $<TARGET_PROPERTY:flatbuffers::flatbuffers_shared_or_static,INTERFACE_INCLUDE_DIRECTORIES>)
target_compile_options(lowbit_firmware PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions -fno-rtti>)
# A section per function and object, so firmware linked with -Wl,--gc-sections
# (examples/firmware's firmware_kws) keeps only what its entry points reach.
target_compile_options(lowbit_firmware PRIVATE -ffunction-sections -fdata-sections)
target_compile_definitions(lowbit_firmware PRIVATE LOWBIT_FIRMWARE_ISA="${LOWBIT_FIRMWARE_ISA}"
  ${firmware_isa_definitions})
# The serial pthreadpool never starts threads; lowbit_arena_size's sizing pass
# then plans for one thread without asking it (src/runtime/thread_pool.cpp).
target_compile_definitions(lowbit_firmware PRIVATE LOWBIT_SERIAL_THREADS=1)

# lowbit_firmware_registry(<target> <OpType enumerator>...): compiles into
# <target> a registry holding only the named operators, e.g.
#   lowbit_firmware_registry(my_firmware Conv2D DepthwiseConv2D Add Softmax)
function(lowbit_firmware_registry target)
  set(entries "")
  foreach(op ${ARGN})
    string(APPEND entries "    case OpType::k${op}: reg = &k${op}Op; break;\n")
  endforeach()
  set(source ${CMAKE_CURRENT_BINARY_DIR}/${target}_registry.cpp)
  file(CONFIGURE OUTPUT ${source} CONTENT
"// Generated by lowbit_firmware_registry(): only these operators are linked.
#include \"ops/op_kernel.h\"

namespace lowbit {

const OpRegistration* find_op_registration(OpType type) {
  const OpRegistration* reg = nullptr;
  switch (type) {
@entries@    default: break;
  }
  return (reg != nullptr && reg->type == type) ? reg : nullptr;
}

}  // namespace lowbit
" @ONLY)
  target_sources(${target} PRIVATE ${source})
  set_source_files_properties(${source} PROPERTIES COMPILE_OPTIONS "-fno-exceptions;-fno-rtti")
  target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}
                             ${LOWBIT_GENERATED_DIR})
endfunction()
