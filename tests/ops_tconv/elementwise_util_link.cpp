// The single-operator builder and the independent requantization simulation of
// tests/ops_elementwise, compiled into this test too (each test folder is its
// own executable) instead of being copied.
#include "ops_elementwise/elementwise_test_util.cpp"
