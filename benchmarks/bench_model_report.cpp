#include "bench_model_report.h"

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "tools/text_table.h"

namespace lowbit {
namespace bench {
namespace {

using tools::format_double;
using tools::Table;

// Giga-operations per second, counting a multiply-accumulate as two.
std::string gops(uint64_t macs, double ms) {
  if (macs == 0 || ms <= 0.0) return "-";
  return format_double("%.2f", 2.0 * static_cast<double>(macs) / (ms * 1e6));
}

std::string share(double part, double total) {
  return total > 0.0 ? format_double("%.1f", 100.0 * part / total) : "-";
}

void print_operator_tables(const BenchReport& r) {
  double total_ms = 0.0, total_min_ms = 0.0;
  for (const OperatorStats& op : r.operators) {
    total_ms += op.avg_ms;
    total_min_ms += op.min_ms;
  }

  std::printf("\nPer-operator profile (average over %d runs):\n", r.num_runs);
  Table ops({"#", "operator", "name", "kernel", "avg ms", "min ms", "%", "MACs", "GOPS"});
  for (const OperatorStats& op : r.operators) {
    ops.add({std::to_string(op.index), op.type, op.name, op.kernel,
             format_double("%.4f", op.avg_ms), format_double("%.4f", op.min_ms),
             share(op.avg_ms, total_ms),
             std::to_string(op.macs), gops(op.macs, op.avg_ms)});
  }
  ops.print(stdout);

  struct KindTotals {
    int count = 0;
    double ms = 0.0, min_ms = 0.0;
    uint64_t macs = 0;
  };
  std::map<std::string, KindTotals> kinds;
  for (const OperatorStats& op : r.operators) {
    KindTotals& k = kinds[op.type];
    ++k.count;
    k.ms += op.avg_ms;
    k.min_ms += op.min_ms;
    k.macs += op.macs;
  }
  std::printf("\nBy operator kind:\n");
  Table summary({"operator", "count", "avg ms", "sum of min ms", "%", "MACs", "GOPS"});
  for (const auto& [type, k] : kinds) {
    summary.add({type, std::to_string(k.count), format_double("%.4f", k.ms),
                 format_double("%.4f", k.min_ms), share(k.ms, total_ms),
                 std::to_string(k.macs), gops(k.macs, k.ms)});
  }
  summary.add({"total", std::to_string(r.operators.size()), format_double("%.4f", total_ms),
               format_double("%.4f", total_min_ms), "100",
               std::to_string(r.total_macs), gops(r.total_macs, total_ms)});
  summary.print(stdout);
}

}  // namespace

void print_report(const BenchReport& r) {
  std::printf("Graph: [%s]\n", r.graph.c_str());
  std::printf("Num threads: [%d]  Num runs: [%d]  Warmup runs: [%d]\n", r.num_threads, r.num_runs,
              r.warmup_runs);
  std::printf("Kernel set: [%s]  Float kernels: [%s%s]  Requantization profile: [%s]\n",
              r.kernel_set.c_str(), r.float_kernels.c_str(),
              r.float_precision == "fp16" ? " fp16" : "", r.profile.c_str());
  std::printf("CPU features: [%s]\n", r.cpu_features.c_str());
  std::printf("Model load: %.3f ms (%zu bytes)\n", r.load_ms, r.model_bytes);
  std::printf("Prepare: %.3f ms\n", r.prepare_ms);
  std::printf("First inference: %.3f ms\n", r.first_ms);
  std::printf("Warmup (avg): %.3f ms\n", r.warmup_avg_ms);
  std::printf("Inference (avg of %d): %.3f ms  min %.3f  max %.3f  std-dev %.3f\n", r.num_runs,
              r.avg_ms, r.min_ms, r.max_ms, r.stddev_ms);
  std::printf("MACs per inference: %llu (%s GOPS at the average)\n",
              static_cast<unsigned long long>(r.total_macs), gops(r.total_macs, r.avg_ms).c_str());
  std::printf("Arena: %zu bytes\n", r.arena_bytes);
  std::printf("Packed weights: %zu bytes\n", r.packed_weight_bytes);
  if (r.peak_rss_kib >= 0) {
    std::printf("Peak resident memory: %.2f MiB\n", r.peak_rss_kib / 1024.0);
  } else {
    std::printf("Peak resident memory: unknown\n");
  }
  if (!r.operators.empty()) print_operator_tables(r);
}

long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.compare(0, 6, "VmHWM:") == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  struct rusage usage {};
  if (getrusage(RUSAGE_SELF, &usage) == 0) return usage.ru_maxrss;  // KiB on Linux
  return -1;
}

}  // namespace bench
}  // namespace lowbit
