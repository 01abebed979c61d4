# Cross builds link bench_model and lowbit-run statically, so each is one file
# that can be copied to a Raspberry Pi and run (docs/raspberry-pi.md). Debian
# ships XNNPACK, pthreadpool and cpuinfo only as shared libraries, so these
# two link the library archive with stand-ins from src/platform/ instead:
# a posix thread pool, CPU features from getauxval, and XNNPACK entry points
# that fail (float operators run on lowbit's own float kernels instead). scripts/test-arm.sh compares the static lowbit-run's outputs
# with x86's, so the stand-ins are tested too. Run from the end of the
# top-level CMakeLists.txt (cmake_language(DEFER) for cross builds), when the
# tools exist.
option(LOWBIT_STATIC_BENCH "Cross builds: link bench_model and lowbit-run statically" ON)
if(NOT CMAKE_CROSSCOMPILING OR NOT LOWBIT_STATIC_BENCH)
  return()
endif()
if(NOT TARGET flatbuffers::flatbuffers)
  message(FATAL_ERROR "static tools: the sysroot has no static FlatBuffers library")
endif()

set(platform ${CMAKE_SOURCE_DIR}/src/platform)
add_library(lowbit_standalone_deps STATIC ${platform}/threads/posix_pthreadpool.c
  ${platform}/cpu_features/cpuinfo_hwcap.c ${platform}/float/xnnpack_unavailable.cpp)
set(standalone_includes
  $<TARGET_PROPERTY:lowbit::xnnpack,INTERFACE_INCLUDE_DIRECTORIES>
  $<TARGET_PROPERTY:lowbit::pthreadpool,INTERFACE_INCLUDE_DIRECTORIES>
  $<TARGET_PROPERTY:lowbit::cpuinfo,INTERFACE_INCLUDE_DIRECTORIES>)
target_include_directories(lowbit_standalone_deps PRIVATE ${standalone_includes})

foreach(tool bench_model lowbit-run)
  if(NOT TARGET ${tool})
    continue()
  endif()
  # Replaces the link to lowbit_internal (which brings the shared libraries)
  # by the archive itself; the include paths it gave come back by hand. The
  # other links (header-only CLI11 and nlohmann-json, from the sysroot) stay.
  get_target_property(links ${tool} LINK_LIBRARIES)
  list(REMOVE_ITEM links lowbit_internal)
  set_property(TARGET ${tool} PROPERTY LINK_LIBRARIES "${links}")
  target_include_directories(${tool} PRIVATE
    ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR} ${LOWBIT_GENERATED_DIR}
    ${standalone_includes}
    $<TARGET_PROPERTY:flatbuffers::flatbuffers,INTERFACE_INCLUDE_DIRECTORIES>)
  target_link_libraries(${tool} PRIVATE
    $<TARGET_FILE:lowbit> $<TARGET_FILE:lowbit_kernels> lowbit_standalone_deps flatbuffers::flatbuffers)
  target_link_options(${tool} PRIVATE -static -pthread)
  add_dependencies(${tool} lowbit lowbit_kernels lowbit_schema)
endforeach()
