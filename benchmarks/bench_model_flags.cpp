#include "bench_model_flags.h"

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tools/cli.h"

namespace lowbit {
namespace bench {
namespace {

using tools::integer_in;

// ../models/demo_int8.lbm next to this binary.
std::string default_graph(const char* argv0) {
  std::string exe(4096, '\0');
  const ssize_t n = readlink("/proc/self/exe", &exe[0], exe.size() - 1);
  exe = n > 0 ? exe.substr(0, static_cast<size_t>(n)) : std::string(argv0);
  const size_t slash = exe.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : exe.substr(0, slash);
  return std::filesystem::path(dir + "/../models/demo_int8.lbm").lexically_normal().string();
}

// "a,,b" -> {"a", "", "b"}: empty entries are kept.
std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

}  // namespace

int parse_flags(int argc, char** argv, BenchFlags* f) {
  CLI::App app("Latency, per-operator cost and memory of one model (.lbm or .tflite).",
               "bench_model");
  tools::setup_app(app, "usage: bench_model [--flag=value]...", tools::ValueStyle::kEquals);
  app.add_option("--graph", f->graph,
                 "model, .lbm or .tflite (default: ../models/demo_int8.lbm next to this binary)")
      ->type_name("FILE");
  app.add_option("--num_threads", f->options.num_threads, "worker threads (default 1)")
      ->check(integer_in(1, 1024, "a number in [1, 1024]"))
      ->type_name("N");
  app.add_option("--num_runs", f->num_runs, "measured inferences (default 50)")
      ->check(integer_in(1, 1000000, "a number >= 1"))
      ->type_name("N");
  app.add_option("--warmup_runs", f->warmup_runs,
                 "unmeasured inferences after the first (default 5)")
      ->check(integer_in(0, 1000000, "a number >= 0"))
      ->type_name("N");
  app.add_option("--kernel", f->options.kernel, "kernel set: auto, reference or an ISA name")
      ->type_name("NAME");
  tools::add_float_kernels_option(app, &f->options.float_kernels);
  tools::add_float_precision_option(app, &f->options.float_precision);
  tools::add_profile_option(app, "--profile", &f->options.profile,
                            "tflite_reference (default), single_rounding, xnnpack_fp32, "
                            "tflite_optimized");
  app.add_flag("--enable_op_profiling", f->op_profiling,
               "per-operator and per-kind timing tables (alone: true)")
      ->option_text("BOOL");
  std::string input_files;
  app.add_option("--input_file", input_files,
                 "raw bytes for the graph inputs in order (an empty entry or others: random)")
      ->expected(0, 1)  // "--input_file=" is one empty entry
      ->type_name("F[,F...]");
  app.add_option("--seed", f->seed, "seed of the random inputs (default 1)")
      ->check(integer_in(0, 4294967295LL, "a seed in [0, 2^32)"))
      ->type_name("N");
  app.add_option("--output_json", f->output_json, "also write the results as JSON")
      ->type_name("FILE");
  const int exit_code = tools::parse_command_line(app, argc, argv);
  if (exit_code >= 0) return exit_code;
  if (app.count("--input_file") > 0) f->input_files = split(input_files, ',');
  if (f->graph.empty()) f->graph = default_graph(argv[0]);
  return -1;
}

}  // namespace bench
}  // namespace lowbit
