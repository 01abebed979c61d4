// Empty on purpose: lowbit_catch_main needs one file that uses the
// precompiled Catch2 header, or CMake does not make it for the test binaries
// (tests/CMakeLists.txt, lowbit_catch_test_flags).
