// bench_model's command line: TFLite benchmark_model's flag names
// (--graph=, --num_threads=, --enable_op_profiling=true, ...), parsed with
// CLI11, so "--flag=value" and "--flag value" both work.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lowbit/lowbit.h"

namespace lowbit {
namespace bench {

struct BenchFlags {
  std::string graph;  // the default graph when not given (see parse_flags)
  int num_runs = 50;
  int warmup_runs = 5;
  bool op_profiling = false;
  std::vector<std::string> input_files;  // "" keeps that input random
  uint32_t seed = 1;
  std::string output_json;
  InterpreterOptions options;
};

// Returns -1 with *flags filled, else the exit code: 0 after --help, 2 after
// a one-line usage error on stderr.
int parse_flags(int argc, char** argv, BenchFlags* flags);

}  // namespace bench
}  // namespace lowbit
