// Command-line plumbing of the tools and bench_model, on CLI11: help that
// starts with the synopsis of docs/tools.md, value checks that explain
// themselves, and the exit codes every tool shares (0 after --help; 2 and one
// line on stderr for a bad command line; 1 and one line for a model that
// cannot be loaded or run, see print_error).
#pragma once

#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include "lowbit/lowbit.h"

namespace lowbit {
namespace tools {

// Whole decimal number in [lo, hi], nothing else around it.
inline bool parse_integer(const std::string& text, long long lo, long long hi, long long* out) {
  long long value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || ptr != end || value < lo || value > hi) return false;
  *out = value;
  return true;
}

// How help shows an option's value: "--threads N" or, in the manner of
// TFLite's benchmark_model, "--num_threads=N".
enum class ValueStyle { kSpace, kEquals };

// Help shows the tool's synopsis and description, then CLI11's option list.
class SynopsisFormatter : public CLI::Formatter {
 public:
  SynopsisFormatter(std::string synopsis, ValueStyle style)
      : synopsis_(std::move(synopsis)), style_(style) {}
  std::string make_description(const CLI::App*) const override { return ""; }
  std::string make_usage(const CLI::App* app, std::string) const override {
    const std::string& text = app->get_description();
    return synopsis_ + "\n" + (text.empty() ? "" : text + "\n");
  }
  std::string make_option_opts(const CLI::Option* opt) const override {
    std::string text = CLI::Formatter::make_option_opts(opt);
    if (style_ == ValueStyle::kEquals && !text.empty() && text[0] == ' ') text[0] = '=';
    return text;
  }

 private:
  std::string synopsis_;
  ValueStyle style_;
};

// Sets up a tool's command line. An option given twice keeps its last value;
// options that collect values (--input) say so themselves.
inline void setup_app(CLI::App& app, const std::string& synopsis,
                      ValueStyle style = ValueStyle::kSpace) {
  app.formatter(std::make_shared<SynopsisFormatter>(synopsis, style));
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

// Prints a bad command line's reason as one line on stderr; returns 2, the
// exit code for it.
inline int usage_error(const CLI::App& app, std::string message) {
  for (char& c : message) {
    if (c == '\n') c = ' ';
  }
  std::fprintf(stderr, "%s: %s (see --help)\n", app.get_name().c_str(), message.c_str());
  return 2;
}

// Parses the command line. Returns -1 when the tool should go on, else its
// exit code: 0 after printing the help on stdout, 2 after a usage error.
// Positionals are best left optional and checked after this, so that an
// unknown option is reported before a missing file.
inline int parse_command_line(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {  // --help
      std::fputs(app.help().c_str(), stdout);
      return 0;
    }
    return usage_error(app, e.what());
  }
  return -1;
}

// Value checks: an empty string accepts the value, anything else is the
// reason it is refused (CLI11 puts the option's name in front).
inline CLI::Validator integer_in(long long lo, long long hi, const std::string& what) {
  return CLI::Validator(
      [lo, hi, what](std::string& text) -> std::string {
        long long value = 0;
        return parse_integer(text, lo, hi, &value) ? "" : "expects " + what + ", got '" + text + "'";
      },
      "");
}

inline CLI::Validator requant_profile_name() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        RequantProfile profile;
        if (parse_requant_profile(text, &profile)) return "";
        return "must be tflite_reference, single_rounding, xnnpack_fp32 or tflite_optimized, "
               "got '" + text + "'";
      },
      "");
}

// --profile NAME, parsed into *profile.
inline CLI::Option* add_profile_option(CLI::App& app, const std::string& name,
                                       RequantProfile* profile, const std::string& help) {
  return app
      .add_option_function<std::string>(
          name, [profile](const std::string& text) { parse_requant_profile(text, profile); }, help)
      ->check(requant_profile_name())
      ->type_name("NAME");
}

// --float-kernels=own|xnnpack|default: InterpreterOptions::float_kernels.
inline CLI::Option* add_float_kernels_option(CLI::App& app, FloatKernels* kernels) {
  return app
      .add_option_function<std::string>(
          "--float-kernels",
          [kernels](const std::string& text) { parse_float_kernels(text, kernels); },
          "who runs float32 operators: own (lowbit's kernels), xnnpack, or default (xnnpack "
          "when this build has it, else own)")
      ->check(CLI::IsMember({"default", "own", "xnnpack"}))
      ->type_name("NAME");
}

// --float-precision=fp32|fp16: InterpreterOptions::float_precision.
inline CLI::Option* add_float_precision_option(CLI::App& app, FloatPrecision* precision) {
  return app
      .add_option_function<std::string>(
          "--float-precision",
          [precision](const std::string& text) { parse_float_precision(text, precision); },
          "arithmetic of the float convolutions and fully connected layers: fp32 (default) or "
          "fp16 (through XNNPACK; needs a CPU with AVX512-FP16 or ARMv8.2 FP16)")
      ->check(CLI::IsMember({"fp32", "fp16"}))
      ->type_name("NAME");
}

// One line for stderr: "tool: path: message", without repeating the path
// when the loader's message already names the file.
inline void print_error(const char* tool, const std::string& path, const Status& status) {
  const std::string text = status.to_string();
  if (path.empty() || text.find(path) != std::string::npos) {
    std::fprintf(stderr, "%s: %s\n", tool, text.c_str());
  } else {
    std::fprintf(stderr, "%s: %s: %s\n", tool, path.c_str(), text.c_str());
  }
}

}  // namespace tools
}  // namespace lowbit
