// The .lbm seeds lowbit-fuzz-op-seeds writes for fuzz_load_lbm (fuzz/op_seeds.h):
// each one must load, prepare and invoke (a seed that silently stops being
// valid would leave the fuzzer starting short of that operator's kernels), and
// every operator of include/lowbit/ops.def must have one.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

#include "op_seeds.h"

using namespace lowbit;
using namespace lowbit::fuzz_seeds;

TEST_CASE("every fuzz op seed loads, prepares and invokes", "[fuzz]") {
  std::set<std::string> names;
  for (const OpSeed& seed : all_seeds()) {
    INFO("seed " << seed.name);
    CHECK(names.insert(seed.name).second);  // one file name per seed
    auto bytes = seed_bytes(seed);
    REQUIRE(bytes.ok());
    CHECK(run_seed(bytes.value()) == "");
  }
}

TEST_CASE("every operator of ops.def has a fuzz op seed", "[fuzz]") {
  std::set<int> seeded;
  for (const OpSeed& seed : all_seeds()) {
    auto bytes = seed_bytes(seed);
    REQUIRE(bytes.ok());
    auto model = Model::from_buffer(bytes->data(), bytes->size());
    INFO("seed " << seed.name << ": " << model.status().to_string());
    REQUIRE(model.ok());
    for (const OperatorDesc& op : model.value()->graph().operators) seeded.insert(static_cast<int>(op.type));
  }
  for (int type = 0; type < kNumOpTypes; ++type) {
    INFO("operator " << op_type_name(static_cast<OpType>(type)) << " (" << type << ")");
    CHECK(seeded.count(type) == 1);
  }
}

// Hidden: writes every seed to $LOWBIT_MALFORMED_CORPUS_OUT for lowbit micro's
// corpus test (tests/micro/CMakeLists.txt runs this as a ctest fixture).
TEST_CASE("fuzz op seeds: write the files", "[.write-corpus]") {
  const char* dir = std::getenv("LOWBIT_MALFORMED_CORPUS_OUT");
  REQUIRE(dir != nullptr);
  for (const OpSeed& seed : all_seeds()) {
    auto bytes = seed_bytes(seed);
    REQUIRE(bytes.ok());
    std::ofstream f(std::string(dir) + "/op_" + seed.name + ".lbm", std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes->data()), static_cast<std::streamsize>(bytes->size()));
    REQUIRE(f.good());
  }
}
