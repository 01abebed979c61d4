// bench_model: latency, per-operator cost and memory of one .lbm model, in the
// manner of TFLite's benchmark_model.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench_model_report.h"
#include "lowbit/lowbit.h"
#include "runtime/cpu_features.h"
#include "tools/tool_support.h"

namespace {

using namespace lowbit;
using namespace lowbit::tools;
using Clock = std::chrono::steady_clock;

const char kUsage[] =
    "usage: bench_model [--flag=value]...\n"
    "  --graph=FILE               model (default: ../models/demo_int8.lbm next to this binary)\n"
    "  --num_threads=N            worker threads (default 1)\n"
    "  --num_runs=N               measured inferences (default 50)\n"
    "  --warmup_runs=N            unmeasured inferences after the first (default 5)\n"
    "  --kernel=NAME              kernel set: auto, reference or an ISA name\n"
    "  --profile=NAME             tflite_reference (default), single_rounding, xnnpack_fp32,\n"
    "                             tflite_optimized\n"
    "  --enable_op_profiling=BOOL per-operator and per-kind timing tables\n"
    "  --input_file=F[,F...]      raw bytes for the graph inputs in order (others random)\n"
    "  --seed=N                   seed of the random inputs (default 1)\n"
    "  --output_json=FILE         also write the results as JSON\n";

struct Flags {
  std::string graph;
  int num_runs = 50;
  int warmup_runs = 5;
  bool op_profiling = false;
  std::vector<std::string> input_files;
  uint32_t seed = 1;
  std::string output_json;
  InterpreterOptions options;
};

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string default_graph(const char* argv0) {
  std::string exe(4096, '\0');
  const ssize_t n = readlink("/proc/self/exe", &exe[0], exe.size() - 1);
  exe = n > 0 ? exe.substr(0, static_cast<size_t>(n)) : std::string(argv0);
  const size_t slash = exe.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : exe.substr(0, slash);
  return std::filesystem::path(dir + "/../models/demo_int8.lbm").lexically_normal().string();
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return parts;
}

// Returns an error message, or "" when the flags are fine.
std::string parse_flags(int argc, char** argv, Flags* f) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    std::string v;
    bool missing = false;
    long n = 0;
    auto flag = [&](const char* name) { return take_flag(argc, argv, &i, name, &v, &missing); };
    auto bad = [&](const char* what) {
      const std::string name = arg.substr(0, arg.find('='));
      return name + " expects " + what + ", got '" + v + "'";
    };
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (flag("graph")) {
      f->graph = v;
    } else if (flag("num_threads")) {
      if (!missing && !parse_int(v, 1, 1024, &n)) return bad("a number in [1, 1024]");
      f->options.num_threads = static_cast<int>(n);
    } else if (flag("num_runs")) {
      if (!missing && !parse_int(v, 1, 1000000, &n)) return bad("a number >= 1");
      f->num_runs = static_cast<int>(n);
    } else if (flag("warmup_runs")) {
      if (!missing && !parse_int(v, 0, 1000000, &n)) return bad("a number >= 0");
      f->warmup_runs = static_cast<int>(n);
    } else if (flag("kernel")) {
      f->options.kernel = v;
    } else if (flag("profile")) {
      if (!missing && !parse_requant_profile(v, &f->options.profile)) {
        return bad("tflite_reference, single_rounding, xnnpack_fp32 or tflite_optimized");
      }
    } else if (arg == "--enable_op_profiling") {
      f->op_profiling = true;
    } else if (flag("enable_op_profiling")) {
      if (!parse_bool(v, &f->op_profiling)) return bad("true or false");
    } else if (flag("input_file")) {
      f->input_files = split(v, ',');
    } else if (flag("seed")) {
      if (!missing && !parse_int(v, 0, 4294967295L, &n)) return bad("a seed in [0, 2^32)");
      f->seed = static_cast<uint32_t>(n);
    } else if (flag("output_json")) {
      f->output_json = v;
    } else {
      return "unknown argument '" + arg + "'";
    }
    if (missing) return "option '" + arg + "' needs a value";
  }
  if (f->graph.empty()) f->graph = default_graph(argv[0]);
  return "";
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
  Result<std::shared_ptr<const Model>> model = Model::from_file(f.graph);
  if (!model.ok()) return model.status();
  r->load_ms = ms_since(start);
  r->model_bytes = model.value()->file_bytes();

  Interpreter interp(model.value(), f.options);
  start = Clock::now();
  LOWBIT_RETURN_IF_ERROR(interp.prepare());
  r->prepare_ms = ms_since(start);
  r->kernel_set = interp.options().kernel;
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
  const std::string error = parse_flags(argc, argv, &flags);
  if (!error.empty()) {
    std::fprintf(stderr, "bench_model: %s (see --help)\n", error.c_str());
    return 2;
  }
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
