# `cmake --install`: public headers, the static libraries (lowbit and the
# kernels it links, lowbit_kernels), lowbitConfig.cmake (find_package(lowbit)
# -> lowbit::lowbit, which brings lowbit::lowbit_kernels) and lowbit.pc.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

target_include_directories(lowbit PUBLIC $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
install(TARGETS lowbit lowbit_kernels EXPORT lowbitTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/lowbit DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h" PATTERN "*.def")  # ops.def: the operator list

set(LOWBIT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/lowbit)
install(EXPORT lowbitTargets NAMESPACE lowbit:: DESTINATION ${LOWBIT_CMAKE_DIR})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/lowbitConfig.cmake.in
  ${CMAKE_BINARY_DIR}/lowbitConfig.cmake INSTALL_DESTINATION ${LOWBIT_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/lowbitConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/lowbitConfig.cmake ${CMAKE_BINARY_DIR}/lowbitConfigVersion.cmake
  DESTINATION ${LOWBIT_CMAKE_DIR})

configure_file(${CMAKE_SOURCE_DIR}/cmake/lowbit.pc.in ${CMAKE_BINARY_DIR}/lowbit.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/lowbit.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
