// How long a model takes from file to ready: Model::load (.lbm mapped in
// place, .tflite converted in memory) and Interpreter construction plus
// prepare() (kernel choice, weight packing, rescale factors, memory plan),
// each the best of several repetitions (the minimum is stable on a shared
// machine, the mean is not).
//   bench_load [--reps=N] [--threads=N] [--profile=NAME] MODEL...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "lowbit/interpreter.h"
#include "lowbit/model.h"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct LoadTimes {
  double load_ms = 1e30;
  double prepare_ms = 1e30;
  double total_ms = 1e30;  // best single repetition of both together
};

bool time_model(const std::string& path, const lowbit::InterpreterOptions& options, int reps,
                LoadTimes* out) {
  for (int r = 0; r < reps; ++r) {
    const Clock::time_point start = Clock::now();
    auto model = lowbit::Model::load(path);
    if (!model.ok()) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), model.status().message().c_str());
      return false;
    }
    const double load_ms = ms_since(start);
    const Clock::time_point prepare_start = Clock::now();
    lowbit::Interpreter interp(model.value(), options);
    const lowbit::Status status = interp.prepare();
    if (!status.ok()) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), status.message().c_str());
      return false;
    }
    const double prepare_ms = ms_since(prepare_start);
    out->load_ms = std::min(out->load_ms, load_ms);
    out->prepare_ms = std::min(out->prepare_ms, prepare_ms);
    out->total_ms = std::min(out->total_ms, load_ms + prepare_ms);
  }
  return true;
}

bool starts_with(const char* s, const char* prefix) {
  return std::strncmp(s, prefix, std::strlen(prefix)) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 10;
  lowbit::InterpreterOptions options;
  std::vector<std::string> models;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (starts_with(a, "--reps=")) {
      reps = std::max(1, std::atoi(a + 7));
    } else if (starts_with(a, "--threads=")) {
      options.num_threads = std::max(1, std::atoi(a + 10));
    } else if (starts_with(a, "--profile=")) {
      if (!lowbit::parse_requant_profile(a + 10, &options.profile)) {
        std::fprintf(stderr, "unknown --profile %s\n", a + 10);
        return 2;
      }
    } else if (a[0] == '-') {
      std::fprintf(stderr,
                   "usage: bench_load [--reps=N] [--threads=N] [--profile=NAME] MODEL...\n");
      return 2;
    } else {
      models.push_back(a);
    }
  }
  if (models.empty()) {
    std::fprintf(stderr, "bench_load: no model given (.lbm or .tflite paths)\n");
    return 2;
  }
  std::printf("%-60s %10s %10s %10s  (ms, best of %d)\n", "model", "load", "prepare", "total",
              reps);
  int failures = 0;
  for (const std::string& path : models) {
    LoadTimes t;
    if (!time_model(path, options, reps, &t)) {
      ++failures;
      continue;
    }
    std::printf("%-60s %10.3f %10.3f %10.3f\n", path.c_str(), t.load_ms, t.prepare_ms,
                t.total_ms);
  }
  return failures == 0 ? 0 : 1;
}
