// Catch2's main, in its own translation unit so test files compile quickly.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>

int main(int argc, char* argv[]) {
  // The test models are so small that the thread cost model would run them
  // on the calling thread alone: the 1/2/3/4-thread comparisons want every
  // operator split (tests/runtime/thread_cost_model_test.cpp tests the cost
  // model itself with ThreadPolicy::kCostModel).
  setenv("LOWBIT_THREAD_POLICY", "every_operator", /*overwrite=*/0);
  return Catch::Session().run(argc, argv);
}
