// lowbit-convert: converts a TFLite model (int8, uint8, float, LCE binary) to .lbm.
#include <cstdio>
#include <string>

#include "convert/tflite_importer.h"
#include "runtime/cpu_features.h"
#include "tools/cli.h"

int main(int argc, char** argv) {
  CLI::App app(
      "Converts a TFLite model (int8/uint8/float, Larq Compute Engine binary ops)\n"
      "to the lowbit model format and prints a summary.",
      "lowbit-convert");
  lowbit::tools::setup_app(app,
                           "usage: lowbit-convert [--quiet] [--prepack=auto|none|ISA] IN.tflite "
                           "OUT.lbm");
  bool quiet = false;
  std::string in_path, out_path;
  lowbit::PrepackOptions prepack;
  prepack.target = "auto";
  app.add_flag("-q,--quiet", quiet, "print nothing on success");
  app.add_option("--prepack", prepack.target,
                 "store weights packed for these kernels, used in place at load: auto (this "
                 "CPU's), none, or an ISA (" + lowbit::KernelSelector::isa_names() + ")")
      ->type_name("TARGET");
  app.add_option("IN.tflite", in_path, "the TFLite model")->type_name("");
  app.add_option("OUT.lbm", out_path, "the .lbm file to write")->type_name("");
  const int exit_code = lowbit::tools::parse_command_line(app, argc, argv);
  if (exit_code >= 0) return exit_code;
  if (out_path.empty()) return lowbit::tools::usage_error(app, "expects IN.tflite and OUT.lbm");

  lowbit::ConversionSummary summary;
  const lowbit::Status status = lowbit::convert_tflite_file(in_path, out_path, &summary, prepack);
  if (!status.ok()) {
    std::fprintf(stderr, "lowbit-convert: %s\n", status.to_string().c_str());
    return 1;
  }
  if (!quiet) {
    std::printf("converted %s -> %s\n%s", in_path.c_str(), out_path.c_str(),
                summary.to_text().c_str());
  }
  return 0;
}
