// lowbit-quantize: post-training quantization of a float model to int8
// (docs/quantization.md).
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "quantize/quantizer.h"
#include "tools/cli.h"

namespace {

using namespace lowbit;
using namespace lowbit::quantize;

struct Args {
  std::string model, out, calibration, report, io = "int8", weights = "int8";
  std::string calibrator = "minmax";
  bool quiet = false;
  QuantizeOptions options;
};

int parse_args(int argc, char** argv, Args* args) {
  CLI::App app("Post-training quantization of a float32 model to int8 (docs/quantization.md).",
               "lowbit-quantize");
  tools::setup_app(app,
                   "usage: lowbit-quantize FLOAT_MODEL OUT.lbm --calibration DIR [options]");
  app.add_option("FLOAT_MODEL", args->model, "the float32 model: .tflite or .lbm")->type_name("");
  app.add_option("OUT.lbm", args->out, "the quantized model to write")->type_name("");
  app.add_option("--calibration", args->calibration,
                 "folder of float32 samples: .npy (one sample, or a batch along the first axis) "
                 "or raw .bin/.raw; one subfolder per input (named by index or tensor name) "
                 "when the model has several")
      ->type_name("DIR");
  app.add_option("--calibrator", args->calibrator,
                 "minmax (default), ema, percentile, entropy, mse")
      ->check(CLI::IsMember({"minmax", "ema", "percentile", "entropy", "mse"}))
      ->type_name("NAME");
  app.add_option("--percentile", args->options.calibrator.percentile,
                 "percent of values the percentile calibrator keeps (default 99.99)")
      ->check(CLI::Range(50.0, 100.0))
      ->type_name("P");
  app.add_flag("--per-tensor", args->options.per_tensor_weights,
               "one scale per weight tensor instead of one per output channel");
  app.add_option("--weights", args->weights,
                 "int8 (default) or int4 (CONV_2D and FULLY_CONNECTED weights in [-7, 7], packed)")
      ->check(CLI::IsMember({"int8", "int4"}))
      ->type_name("BITS");
  app.add_option("--io", args->io,
                 "int8 (default: int8 graph inputs/outputs) or float (QUANTIZE/DEQUANTIZE at the "
                 "edges)")
      ->check(CLI::IsMember({"int8", "float"}))
      ->type_name("TYPE");
  app.add_option("--keep-float", args->options.keep_float,
                 "operators left float (name, output tensor name or index)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->type_name("NAME...");
  app.add_flag("--bias-correction", args->options.bias_correction,
               "remove the mean output shift weight quantization causes, per channel");
  app.add_flag("--auto-keep-float", args->options.auto_keep_float,
               "keep the most sensitive operators float (int8 weights under --weights int4) "
               "until the output SQNR reaches --min-sqnr");
  app.add_option("--min-sqnr", args->options.min_sqnr_db,
                 "output SQNR budget in dB for --auto-keep-float (default 30)")
      ->type_name("DB");
  app.add_option("--report", args->report, "write the report as JSON to FILE")->type_name("FILE");
  app.add_option("--kernel", args->options.kernel,
                 "kernel set for the measuring runs (default: $LOWBIT_KERNEL or auto)")
      ->type_name("NAME");
  app.add_flag("-q,--quiet", args->quiet, "print no report table");
  const int exit_code = tools::parse_command_line(app, argc, argv);
  if (exit_code >= 0) return exit_code;
  if (args->out.empty()) return tools::usage_error(app, "expects FLOAT_MODEL and OUT.lbm");
  if (args->calibration.empty()) return tools::usage_error(app, "--calibration DIR is required");
  parse_calibrator(args->calibrator, &args->options.calibrator.kind);
  args->options.float_io = args->io == "float";
  args->options.weight_bits = args->weights == "int4" ? 4 : 8;
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  const int exit_code = parse_args(argc, argv, &args);
  if (exit_code >= 0) return exit_code;
  const char* tool = "lowbit-quantize";
  Result<std::shared_ptr<const Model>> model = Model::load(args.model);
  if (!model.ok()) {
    tools::print_error(tool, args.model, model.status());
    return 1;
  }
  const GraphDesc& graph = model.value()->graph();
  Result<std::vector<Sample>> samples = load_calibration_dir(graph, args.calibration);
  if (!samples.ok()) {
    tools::print_error(tool, "", samples.status());
    return 1;
  }
  Result<QuantizeResult> result = quantize_graph(graph, samples.value(), args.options);
  if (!result.ok()) {
    tools::print_error(tool, args.model, result.status());
    return 1;
  }
  if (!args.report.empty()) {
    const std::string temp = args.report + ".partial";
    std::ofstream file(temp);
    file << report_json(result->report);
    file.close();
    if (!file || std::rename(temp.c_str(), args.report.c_str()) != 0) {
      std::remove(temp.c_str());
      std::fprintf(stderr, "%s: %s: cannot write the report\n", tool, args.report.c_str());
      return 1;
    }
  }
  const Status written = write_model_atomically(args.out, result->model);
  if (!written.ok()) {
    tools::print_error(tool, args.out, written);
    return 1;
  }
  if (!args.quiet) std::fputs(report_text(result->report).c_str(), stdout);
  std::printf("wrote %s (%zu bytes)\n", args.out.c_str(), result->model.size());
  return 0;
}
