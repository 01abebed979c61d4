// What one bench_model run measured, and how it is printed and saved.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lowbit {
namespace bench {

struct OperatorStats {
  int index = 0;
  std::string type;     // "CONV_2D"
  std::string name;
  std::string kernel;   // "qs8_conv2d__reference"
  double avg_ms = 0.0;  // over the measured runs
  double min_ms = 0.0;  // the fastest of the measured runs
  uint64_t macs = 0;
};

struct BenchReport {
  std::string graph;
  int num_threads = 1;
  int num_runs = 0;
  int warmup_runs = 0;
  std::string kernel_set;
  std::string float_kernels;  // "own" or "xnnpack", resolved
  std::string float_precision = "fp32";  // or "fp16"
  std::string cpu_features;  // "avx2 avx512f ..." as detected
  std::string profile;
  double load_ms = 0.0;
  double prepare_ms = 0.0;
  double first_ms = 0.0;
  double warmup_avg_ms = 0.0;
  double avg_ms = 0.0, min_ms = 0.0, max_ms = 0.0, stddev_ms = 0.0;
  uint64_t total_macs = 0;
  size_t model_bytes = 0;
  size_t arena_bytes = 0;
  size_t packed_weight_bytes = 0;
  long peak_rss_kib = -1;  // -1 when unknown
  std::vector<OperatorStats> operators;  // empty unless op profiling was on
};

// Summary, then (with op profiling) the per-operator and per-kind tables.
void print_report(const BenchReport& report);
// The same numbers as JSON; false when the file cannot be written.
bool write_json(const BenchReport& report, const std::string& path);

// Peak resident set size of this process in KiB (VmHWM, else getrusage).
long peak_rss_kib();

}  // namespace bench
}  // namespace lowbit
