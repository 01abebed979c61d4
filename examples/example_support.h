// What the model examples share: where the public models live and loading a
// model into a prepared interpreter (image_support.h adds images). Header-only
// so that each example stays one file plus these.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "lowbit/lowbit.h"

namespace example {

// The trained models and their known-answer inputs live beside the project
// (../shared/models), never inside it; $LOWBIT_MODELS_DIR points elsewhere.
inline std::string shared_models_dir() {
  const char* env = std::getenv("LOWBIT_MODELS_DIR");
  return env && *env ? env : LOWBIT_SHARED_MODELS_DIR;
}

// True when every path exists; otherwise says which is missing and where the
// models were looked for, so a missing folder fails loudly instead of passing.
inline bool files_exist(const char* program, const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    if (std::ifstream(path).good()) continue;
    std::fprintf(stderr,
                 "%s: %s not found. The public models are looked for in $LOWBIT_MODELS_DIR, else\n"
                 "%s (the project's ../shared/models); set LOWBIT_MODELS_DIR or pass the files\n"
                 "on the command line.\n",
                 program, path.c_str(), LOWBIT_SHARED_MODELS_DIR);
    return false;
  }
  return true;
}

// A prepared interpreter over a model; an empty pointer after printing why not.
inline std::unique_ptr<lowbit::Interpreter> prepared_interpreter(
    const char* program, std::shared_ptr<const lowbit::Model> model) {
  // $LOWBIT_THREADS picks the thread count (the tests run every example at 1
  // and 2); $LOWBIT_KERNEL, read by the runtime itself, the kernel set.
  lowbit::InterpreterOptions options;
  if (const char* threads = std::getenv("LOWBIT_THREADS"); threads && *threads) {
    options.num_threads = std::atoi(threads);
  }
  auto interpreter = std::make_unique<lowbit::Interpreter>(std::move(model), options);
  if (lowbit::Status s = interpreter->prepare(); !s.ok()) {
    std::fprintf(stderr, "%s: %s\n", program, s.to_string().c_str());
    return nullptr;
  }
  return interpreter;
}

// An interpreter over a model file; an empty pointer after printing why not.
inline std::unique_ptr<lowbit::Interpreter> load_interpreter(const char* program,
                                                             const std::string& model_path) {
  // Model::load takes a .tflite (converted in memory) or a .lbm (used in place).
  auto model = lowbit::Model::load(model_path);
  if (!model.ok()) {
    std::fprintf(stderr, "%s: %s\n", program, model.status().to_string().c_str());
    return nullptr;
  }
  return prepared_interpreter(program, model.value());
}

// A text file's lines (a labels file: one class name per line).
inline std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream f(path);
  for (std::string line; std::getline(f, line);) lines.push_back(line);
  return lines;
}

inline bool report(const char* program, const lowbit::Status& status) {
  if (!status.ok()) std::fprintf(stderr, "%s: %s\n", program, status.to_string().c_str());
  return status.ok();
}

}  // namespace example
