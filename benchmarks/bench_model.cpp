// bench_model: latency, per-operator cost and memory of one model (.lbm, or
// .tflite converted in memory), in the manner of TFLite's benchmark_model.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench_model_flags.h"
#include "bench_model_report.h"
#include "lowbit/lowbit.h"
#include "runtime/cpu_features.h"
#include "tools/cli.h"
#include "tools/tensor_data.h"
#include "tools/tensor_text.h"

namespace {

using namespace lowbit;
using namespace lowbit::tools;
using Clock = std::chrono::steady_clock;

using Flags = bench::BenchFlags;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

Status fill_inputs(Interpreter& interp, const Flags& f) {
  if (f.input_files.size() > interp.num_inputs()) {
    return Status(StatusCode::kInvalidArgument,
                  "--input_file names " + std::to_string(f.input_files.size()) +
                      " files, the model has " + std::to_string(interp.num_inputs()) + " inputs");
  }
  std::mt19937 rng(f.seed);
  for (size_t i = 0; i < interp.num_inputs(); ++i) {
    const TensorView in = interp.input(i);
    if (i >= f.input_files.size() || f.input_files[i].empty()) {
      fill_random(in, rng);
      continue;
    }
    std::vector<uint8_t> bytes;
    LOWBIT_RETURN_IF_ERROR(read_file(f.input_files[i], &bytes));
    if (bytes.size() != in.bytes) {
      return Status(StatusCode::kInvalidArgument,
                    "input " + std::to_string(i) + " ('" + in.name() + "', " +
                        tensor_summary(*in.desc) + "): " + f.input_files[i] + " has " +
                        std::to_string(bytes.size()) + " bytes, the tensor needs " +
                        std::to_string(in.bytes));
    }
    if (!bytes.empty()) std::memcpy(in.data, bytes.data(), bytes.size());
  }
  return Status::Ok();
}

// Runs longer than a few seconds show "run i/N" on stderr, at most once a
// second, so a slow board does not look hung; short runs print nothing.
class Progress {
 public:
  explicit Progress(int total) : total_(total), start_(Clock::now()), last_(start_) {}
  ~Progress() {
    if (shown_) std::fprintf(stderr, "\n");
  }
  void update(int done) {
    const Clock::time_point now = Clock::now();
    if (now - start_ < std::chrono::seconds(3) || (now - last_ < std::chrono::seconds(1) && done < total_)) return;
    last_ = now;
    shown_ = true;
    std::fprintf(stderr, "\rrun %d/%d (%.0f s)", done, total_,
                 std::chrono::duration<double>(now - start_).count());
    std::fflush(stderr);
  }

 private:
  int total_;
  Clock::time_point start_, last_;
  bool shown_ = false;
};

Status benchmark(const Flags& f, bench::BenchReport* r) {
  r->graph = f.graph;
  r->num_threads = f.options.num_threads;
  r->num_runs = f.num_runs;
  r->warmup_runs = f.warmup_runs;
  r->profile = requant_profile_name(f.options.profile);

  Clock::time_point start = Clock::now();
  Result<std::shared_ptr<const Model>> model = Model::load(f.graph);
  if (!model.ok()) return model.status();
  r->load_ms = ms_since(start);
  r->model_bytes = model.value()->file_bytes();

  Interpreter interp(model.value(), f.options);
  start = Clock::now();
  LOWBIT_RETURN_IF_ERROR(interp.prepare());
  r->prepare_ms = ms_since(start);
  r->kernel_set = interp.options().kernel;
  r->float_kernels = float_kernels_name(interp.options().float_kernels);
  r->float_precision = float_precision_name(interp.options().float_precision);
  r->cpu_features = CpuFeatures::detect().to_string();
  LOWBIT_RETURN_IF_ERROR(fill_inputs(interp, f));

  start = Clock::now();
  LOWBIT_RETURN_IF_ERROR(interp.invoke());
  r->first_ms = ms_since(start);

  start = Clock::now();
  for (int i = 0; i < f.warmup_runs; ++i) LOWBIT_RETURN_IF_ERROR(interp.invoke());
  r->warmup_avg_ms = f.warmup_runs > 0 ? ms_since(start) / f.warmup_runs : 0.0;

  const size_t num_ops = model.value()->graph().operators.size();
  std::vector<double> op_seconds(num_ops, 0.0);
  // Per operator, the least time of any run: on a shared machine the sum of
  // these is a steadier estimate than the averages.
  std::vector<double> op_min_seconds(num_ops, HUGE_VAL);
  interp.set_profiling(f.op_profiling);
  std::vector<double> times;
  Progress progress(f.num_runs);
  for (int i = 0; i < f.num_runs; ++i) {
    start = Clock::now();
    LOWBIT_RETURN_IF_ERROR(interp.invoke());
    times.push_back(ms_since(start));
    progress.update(i + 1);
    if (!f.op_profiling) continue;
    for (const OperatorProfile& p : interp.last_profile()) {
      if (p.op_index >= 0 && static_cast<size_t>(p.op_index) < num_ops) {
        op_seconds[p.op_index] += p.seconds;
        op_min_seconds[p.op_index] = std::min(op_min_seconds[p.op_index], p.seconds);
      }
    }
  }
  interp.set_profiling(false);

  double sum = 0.0, sum_sq = 0.0;
  r->min_ms = times[0];
  r->max_ms = times[0];
  for (double t : times) {
    sum += t;
    sum_sq += t * t;
    r->min_ms = std::min(r->min_ms, t);
    r->max_ms = std::max(r->max_ms, t);
  }
  r->avg_ms = sum / times.size();
  r->stddev_ms = std::sqrt(std::max(0.0, sum_sq / times.size() - r->avg_ms * r->avg_ms));

  const GraphDesc& graph = model.value()->graph();
  for (size_t i = 0; i < num_ops; ++i) {
    const uint64_t macs = interp.operator_macs(static_cast<int>(i));
    r->total_macs += macs;
    if (!f.op_profiling) continue;
    bench::OperatorStats op;
    op.index = static_cast<int>(i);
    op.type = op_type_name(graph.operators[i].type);
    op.name = graph.operators[i].name;
    op.kernel = interp.kernel_name(static_cast<int>(i));
    op.avg_ms = op_seconds[i] * 1e3 / f.num_runs;
    op.min_ms = op_min_seconds[i] == HUGE_VAL ? 0.0 : op_min_seconds[i] * 1e3;
    op.macs = macs;
    r->operators.push_back(op);
  }
  r->arena_bytes = interp.arena_bytes();
  r->packed_weight_bytes = interp.packed_weight_bytes();
  r->peak_rss_kib = bench::peak_rss_kib();
  return Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  const int exit_code = bench::parse_flags(argc, argv, &flags);
  if (exit_code >= 0) return exit_code;
  bench::BenchReport report;
  const Status status = benchmark(flags, &report);
  if (!status.ok()) {
    print_error("bench_model", flags.graph, status);
    return 1;
  }
  bench::print_report(report);
  if (!flags.output_json.empty()) {
    if (!bench::write_json(report, flags.output_json)) {
      std::fprintf(stderr, "bench_model: cannot write %s\n", flags.output_json.c_str());
      return 1;
    }
    std::printf("Wrote %s\n", flags.output_json.c_str());
  }
  return 0;
}
