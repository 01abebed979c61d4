// The single-operator harness of tests/ops_datamove, compiled into this test
// too (each test folder is its own executable) instead of being copied.
#include "ops_datamove/datamove_harness.cpp"
