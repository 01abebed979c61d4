# Cross builds link bench_model statically, so the one file can be copied to
# a Raspberry Pi and run (docs/raspberry-pi.md). Debian ships XNNPACK,
# pthreadpool and cpuinfo only as shared libraries, so bench_model links the
# library archive with the stand-ins in src/standalone/ instead: a real
# thread pool, CPU features from getauxval, and XNNPACK entry points that
# fail (float operators are refused; int8 and binary ones are unaffected).
# Run from the end of the top-level CMakeLists.txt (cmake_language(DEFER) in
# its ARM block), when bench_model exists.
option(LOWBIT_STATIC_BENCH "Cross builds: link bench_model statically (src/standalone stand-ins)" ON)
if(NOT CMAKE_CROSSCOMPILING OR NOT LOWBIT_STATIC_BENCH OR NOT TARGET bench_model)
  return()
endif()

file(GLOB LOWBIT_STANDALONE_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/standalone/*.c)
add_library(lowbit_standalone_deps STATIC ${LOWBIT_STANDALONE_SOURCES})
set(standalone_includes
  $<TARGET_PROPERTY:lowbit::xnnpack,INTERFACE_INCLUDE_DIRECTORIES>
  $<TARGET_PROPERTY:lowbit::pthreadpool,INTERFACE_INCLUDE_DIRECTORIES>
  $<TARGET_PROPERTY:lowbit::cpuinfo,INTERFACE_INCLUDE_DIRECTORIES>)
target_include_directories(lowbit_standalone_deps PRIVATE ${standalone_includes})

if(NOT TARGET flatbuffers::flatbuffers)
  message(FATAL_ERROR "static bench_model: the sysroot has no static FlatBuffers library")
endif()
# Replaces bench_model's link to lowbit_internal (which brings the shared
# libraries) by the archive itself; the include paths it gave come back by
# hand.
set_property(TARGET bench_model PROPERTY LINK_LIBRARIES "")
target_include_directories(bench_model PRIVATE
  ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR} ${LOWBIT_GENERATED_DIR}
  ${standalone_includes}
  $<TARGET_PROPERTY:flatbuffers::flatbuffers,INTERFACE_INCLUDE_DIRECTORIES>)
target_link_libraries(bench_model PRIVATE
  $<TARGET_FILE:lowbit> lowbit_standalone_deps flatbuffers::flatbuffers)
target_link_options(bench_model PRIVATE -static -pthread)
add_dependencies(bench_model lowbit lowbit_schema)
