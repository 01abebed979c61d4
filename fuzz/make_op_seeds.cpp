// Writes one small .lbm seed per operator of include/lowbit/ops.def, with
// option and dtype variants (fuzz/op_seeds.h), into OUT_DIR for
// fuzz_load_lbm; fuzz/make_corpora.sh makes them at corpus-build time (no
// generated file in git). Every seed must load, prepare and invoke, so
// mutations start from graphs that reach each operator's prepare and run; a
// seed the runtime refuses fails the tool, naming it (tests/fuzz_seeds checks
// the same in ctest).
//   lowbit-fuzz-op-seeds OUT_DIR
#include <cstdio>
#include <string>

#include "op_seeds.h"

int main(int argc, char** argv) {
  using namespace lowbit::fuzz_seeds;
  if (argc != 2) {
    std::fprintf(stderr, "usage: lowbit-fuzz-op-seeds OUT_DIR\n");
    return 2;
  }
  int failures = 0, written = 0;
  for (const OpSeed& seed : all_seeds()) {
    auto bytes = seed_bytes(seed);
    std::string problem = bytes.ok() ? run_seed(bytes.value()) : bytes.status().to_string();
    const std::string path = std::string(argv[1]) + "/op_" + seed.name + ".lbm";
    if (problem.empty()) {
      std::FILE* f = std::fopen(path.c_str(), "wb");
      const bool saved = f != nullptr &&
                         std::fwrite(bytes->data(), 1, bytes->size(), f) == bytes->size();
      if (f == nullptr || std::fclose(f) != 0 || !saved) problem = "cannot write " + path;
    }
    if (!problem.empty()) {
      std::fprintf(stderr, "lowbit-fuzz-op-seeds: seed %s: %s\n", seed.name, problem.c_str());
      ++failures;
      continue;
    }
    ++written;
  }
  std::printf("lowbit-fuzz-op-seeds: %d seeds written to %s\n", written, argv[1]);
  return failures == 0 ? 0 : 1;
}
