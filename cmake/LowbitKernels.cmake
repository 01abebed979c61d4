# lowbit_kernels: the numeric core (kernels/) as a library of its own. Its
# include path is the repository root and include/ (for
# lowbit/requant_profile.h), never src/: kernels know nothing of the runtime.
#
# Each instruction set's files (kernels/x86/*_<isa>.cpp, kernels/arm/*_<isa>.cpp)
# compile with their own flags, so one library runs on every CPU of its
# architecture and the runtime picks variants at load time. For every ISA
# whose files are compiled, LOWBIT_HAVE_<ISA> is defined, and
# kernels/configs/ lists only the variant rows a build has.

# "<isa tag>:<flags, comma-separated>" for this target's architecture.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(LOWBIT_ISA_FLAGS
    "avx2:-mavx2,-mfma"
    "avx512:-mavx512f,-mavx512bw,-mavx512vl,-mavx512dq"
    "avx512vnni:-mavx512f,-mavx512bw,-mavx512vl,-mavx512dq,-mavx512vnni"
    "avx512vpopcnt:-mavx512f,-mavx512bw,-mavx512vl,-mavx512dq,-mavx512vpopcntdq"
    "avxvnni:-mavx2,-mfma,-mavxvnni")
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  # NEON is the aarch64 baseline: no flags.
  set(LOWBIT_ISA_FLAGS
    "neon:"
    "neondot:-march=armv8.2-a+dotprod"
    "i8mm:-march=armv8.2-a+dotprod+i8mm")
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(armv7.*|arm|armhf)$")
  # Debian's armhf baseline has no NEON: only these files get it, and their
  # variants are selected only when NEON is detected (docs/arm.md).
  set(LOWBIT_ISA_FLAGS "armv7neon:-mfpu=neon")
elseif(CMAKE_SYSTEM_PROCESSOR STREQUAL "cortex-m4")
  # Bare metal (cmake/toolchain-cortex-m4.cmake): -mcpu=cortex-m4 has the DSP
  # extension already.
  set(LOWBIT_ISA_FLAGS "cortexm4:")
endif()

# Which ISA tags each firmware ISA name (kernels/isa.h kIsas) implies: the
# same implications as kIsas' feature masks, for choosing files to compile.
set(LOWBIT_ISA_IMPLIES
  "reference:"
  "avx2:avx2"
  "avx512:avx2,avx512"
  "avx512vnni:avx2,avx512,avx512vnni"
  "avx512vpopcnt:avx2,avx512,avx512vpopcnt"
  "avxvnni:avx2,avxvnni"
  "neon:neon"
  "neondot:neon,neondot"
  "i8mm:neon,neondot,i8mm"
  "armv7neon:armv7neon"
  "cortexm4:cortexm4")

# The portable sources: reference kernels, packing, the variant tables.
file(GLOB LOWBIT_KERNEL_PORTABLE_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/kernels/reference/*.cpp ${CMAKE_SOURCE_DIR}/kernels/configs/*.cpp)

# Sets the ISA files' compile flags and records, per tag with files for this
# architecture, LOWBIT_ISA_SOURCES_<tag>; LOWBIT_KERNEL_ISAS lists those tags.
set(LOWBIT_KERNEL_ISAS "")
foreach(entry ${LOWBIT_ISA_FLAGS})
  string(FIND "${entry}" ":" colon)
  string(SUBSTRING "${entry}" 0 ${colon} isa)
  math(EXPR flags_start "${colon} + 1")
  string(SUBSTRING "${entry}" ${flags_start} -1 flags)
  string(REPLACE "," ";" flags "${flags}")
  file(GLOB isa_sources CONFIGURE_DEPENDS
    ${CMAKE_SOURCE_DIR}/kernels/x86/*_${isa}.cpp ${CMAKE_SOURCE_DIR}/kernels/arm/*_${isa}.cpp)
  if(NOT isa_sources)
    continue()
  endif()
  # GCC 12's AVX-512 intrinsics pass _mm512_undefined_*() (a self-initialised
  # variable) as the unused merge operand of nearly every builtin, and once
  # inlined GCC warns about it at each call (GCC bug 105593; ~4700 warnings,
  # all inside avx512*intrin.h; depending on inlining, as -Wuninitialized
  # too). Nothing in our code to fix, so only the AVX-512 files, only on
  # GCC < 13, skip that warning; the clang build still checks these files.
  if(isa MATCHES "^avx512" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU"
     AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    list(APPEND flags -Wno-maybe-uninitialized -Wno-uninitialized)
  endif()
  if(flags)
    set_source_files_properties(${isa_sources} PROPERTIES COMPILE_OPTIONS "${flags}")
  endif()
  set(LOWBIT_ISA_SOURCES_${isa} ${isa_sources})
  list(APPEND LOWBIT_KERNEL_ISAS ${isa})
endforeach()

# lowbit_kernel_isa_sources(<isa tags> <sources var> <definitions var>): the
# ISA files of those tags this architecture has, and their LOWBIT_HAVE_<ISA>.
function(lowbit_kernel_isa_sources tags sources_var definitions_var)
  set(sources "")
  set(definitions "")
  foreach(isa ${tags})
    if(isa IN_LIST LOWBIT_KERNEL_ISAS)
      list(APPEND sources ${LOWBIT_ISA_SOURCES_${isa}})
      string(TOUPPER "${isa}" upper)
      list(APPEND definitions LOWBIT_HAVE_${upper})
    endif()
  endforeach()
  set(${sources_var} ${sources} PARENT_SCOPE)
  set(${definitions_var} ${definitions} PARENT_SCOPE)
endfunction()

# lowbit_isa_list_tags(<comma-separated kIsas names, or none> <tags var>): the
# ISA tags the names imply (LOWBIT_ISA_IMPLIES); fails on an unknown name.
function(lowbit_isa_list_tags list tags_var)
  set(tags "")
  string(REPLACE "," ";" names "${list}")
  foreach(name ${names})
    if(name STREQUAL "none")
      continue()
    endif()
    set(found FALSE)
    foreach(entry ${LOWBIT_ISA_IMPLIES})
      string(REPLACE ":" ";" parts "${entry}")
      list(GET parts 0 key)
      if(key STREQUAL name)
        set(found TRUE)
        string(FIND "${entry}" ":" colon)
        math(EXPR start "${colon} + 1")
        string(SUBSTRING "${entry}" ${start} -1 implied)
        string(REPLACE "," ";" implied "${implied}")
        list(APPEND tags ${implied})
      endif()
    endforeach()
    if(NOT found)
      message(FATAL_ERROR "unknown instruction set '${name}' (kernels/isa.h lists the names)")
    endif()
  endforeach()
  list(REMOVE_DUPLICATES tags)
  set(${tags_var} ${tags} PARENT_SCOPE)
endfunction()

lowbit_kernel_isa_sources("${LOWBIT_KERNEL_ISAS}" isa_sources isa_definitions)
add_library(lowbit_kernels STATIC ${LOWBIT_KERNEL_PORTABLE_SOURCES} ${isa_sources})
target_include_directories(lowbit_kernels PUBLIC
  $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}> $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include>)
target_compile_definitions(lowbit_kernels PRIVATE ${isa_definitions})

# The AVX-VNNI GEMM again with EVEX encoding, for the kernel tests and
# bench_kernels on CPUs with AVX512-VNNI but no AVX-VNNI (never selected).
if("avxvnni" IN_LIST LOWBIT_KERNEL_ISAS)
  add_library(lowbit_avxvnni_evex STATIC
    ${CMAKE_SOURCE_DIR}/kernels/x86/evex_twin/qs8_gemm_avxvnni_evex.cpp)
  target_compile_options(lowbit_avxvnni_evex PRIVATE
    -mavx2 -mfma -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni)
  target_link_libraries(lowbit_avxvnni_evex PRIVATE lowbit_kernels)
endif()
