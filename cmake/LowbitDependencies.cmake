# Dependencies come from Debian 12 packages (scripts/install-deps.sh).
# XNNPACK, pthreadpool and cpuinfo ship shared libraries without usable CMake
# config files, so they are found by name.

function(lowbit_find_system_library target libname header)
  find_library(${target}_LIBRARY NAMES ${libname} REQUIRED)
  find_path(${target}_INCLUDE_DIR NAMES ${header} REQUIRED)
  add_library(lowbit::${target} UNKNOWN IMPORTED GLOBAL)
  set_target_properties(lowbit::${target} PROPERTIES
    IMPORTED_LOCATION "${${target}_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${${target}_INCLUDE_DIR}")
endfunction()

lowbit_find_system_library(xnnpack XNNPACK xnnpack.h)
lowbit_find_system_library(pthreadpool pthreadpool pthreadpool.h)
lowbit_find_system_library(cpuinfo cpuinfo cpuinfo.h)
find_package(Threads REQUIRED)
set_property(TARGET lowbit::pthreadpool APPEND PROPERTY INTERFACE_LINK_LIBRARIES Threads::Threads)
set_property(TARGET lowbit::xnnpack APPEND PROPERTY INTERFACE_LINK_LIBRARIES lowbit::pthreadpool lowbit::cpuinfo)

find_package(FlatBuffers REQUIRED)
if(TARGET flatbuffers::flatbuffers_shared)
  add_library(flatbuffers::flatbuffers_shared_or_static ALIAS flatbuffers::flatbuffers_shared)
elseif(TARGET flatbuffers::flatbuffers)
  add_library(flatbuffers::flatbuffers_shared_or_static ALIAS flatbuffers::flatbuffers)
else()
  message(FATAL_ERROR "FlatBuffers found but exports no library target")
endif()
find_program(FLATC_EXECUTABLE NAMES flatc REQUIRED)

# The command-line tools parse flags with CLI11 and bench_model writes JSON
# with nlohmann-json. Both are header-only and used by those executables only:
# the lowbit library itself depends on neither. Debian ships CMake config
# files for both; where a copy has none, the header is looked up instead.
function(lowbit_find_header_only package target header debian_package)
  if(NOT TARGET ${target})
    find_path(${package}_INCLUDE_DIR NAMES ${header})
    if(NOT ${package}_INCLUDE_DIR)
      message(FATAL_ERROR "${package} not found (${header}): install Debian's ${debian_package} "
                          "(scripts/install-deps.sh; cross builds: scripts/make-sysroot.sh)")
    endif()
    add_library(${target} INTERFACE IMPORTED GLOBAL)
    set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${${package}_INCLUDE_DIR}")
  endif()
endfunction()

find_package(CLI11 2 CONFIG QUIET)
lowbit_find_header_only(CLI11 CLI11::CLI11 CLI/CLI.hpp libcli11-dev)
if(LOWBIT_BUILD_BENCHMARKS)
  find_package(nlohmann_json 3 CONFIG QUIET)
  lowbit_find_header_only(nlohmann_json nlohmann_json::nlohmann_json nlohmann/json.hpp nlohmann-json3-dev)
endif()
