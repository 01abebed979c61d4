// lowbit-convert: converts a TFLite model (int8, uint8, float, LCE binary) to .lbm.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "convert/tflite_importer.h"

namespace {

void print_usage(FILE* out) {
  std::fprintf(out,
               "usage: lowbit-convert [--quiet] IN.tflite OUT.lbm\n"
               "Converts a TFLite model (int8/uint8/float, Larq Compute Engine binary ops)\n"
               "to the lowbit model format and prints a summary.\n");
}

}  // namespace

int main(int argc, char** argv) {
  bool quiet = false;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quiet" || arg == "-q") {
      quiet = true;
    } else if (arg == "--help" || arg == "-h") {
      print_usage(stdout);
      return 0;
    } else if (arg.size() > 1 && arg[0] == '-') {
      std::fprintf(stderr, "lowbit-convert: unknown option %s\n", arg.c_str());
      print_usage(stderr);
      return 2;
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.size() != 2) {
    print_usage(stderr);
    return 2;
  }
  lowbit::ConversionSummary summary;
  const lowbit::Status status = lowbit::convert_tflite_file(paths[0], paths[1], &summary);
  if (!status.ok()) {
    std::fprintf(stderr, "lowbit-convert: %s\n", status.to_string().c_str());
    return 1;
  }
  if (!quiet) {
    std::printf("converted %s -> %s\n%s", paths[0].c_str(), paths[1].c_str(),
                summary.to_text().c_str());
  }
  return 0;
}
