// lowbit-run: one inference on raw little-endian tensor files.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "lowbit/lowbit.h"
#include "tools/cli.h"
#include "tools/tensor_data.h"
#include "tools/tensor_text.h"

namespace {

using namespace lowbit;
using namespace lowbit::tools;

// "I=FILE" from --input/--output.
struct TensorFile {
  std::string key;
  std::string path;
};

struct Args {
  std::string model;
  std::vector<TensorFile> inputs, outputs;
  uint32_t seed = 1;
  long long max_values = 16;
  int invokes = 1;
  bool stream = false;  // --stream: one frame per invoke
  InterpreterOptions options;
};

// --stream: a graph input's frames, one per invoke.
struct InputFrames {
  TensorView view;
  std::vector<uint8_t> bytes;
};

// --input/--output I=FILE: one value each time, every occurrence kept.
void add_tensor_files(CLI::App& app, const std::string& flag, const char* kind,
                      std::vector<std::string>* specs, const std::string& help) {
  const CLI::Validator spec_check(
      [kind](std::string& spec) -> std::string {
        const size_t eq = spec.find('=');
        if (eq != std::string::npos && eq > 0 && eq + 1 < spec.size()) return "";
        return std::string("expects I=FILE (") + kind + " index or name), got '" + spec + "'";
      },
      "");
  app.add_option(flag, *specs, help)
      ->check(spec_check)
      ->option_text("I=FILE")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

std::vector<TensorFile> split_tensor_files(const std::vector<std::string>& specs) {
  std::vector<TensorFile> files;
  for (const std::string& spec : specs) {
    const size_t eq = spec.find('=');
    files.push_back({spec.substr(0, eq), spec.substr(eq + 1)});
  }
  return files;
}

// Returns -1 with *args filled, or the exit code (help shown, or bad usage).
int parse_args(int argc, char** argv, Args* args) {
  CLI::App app("One inference on raw little-endian tensor files.", "lowbit-run");
  setup_app(app, "usage: lowbit-run MODEL [options]   (.lbm, or .tflite converted in memory)");
  std::vector<std::string> inputs, outputs;
  app.add_option("MODEL", args->model, "the model: .lbm or .tflite (told apart by content)")
      ->type_name("");
  add_tensor_files(app, "--input", "input", &inputs,
                   "raw bytes for graph input I (index or tensor name); repeatable");
  app.add_option("--random-inputs", args->seed,
                 "seed for inputs not given by --input (default 1)")
      ->check(integer_in(0, 4294967295LL, "a seed in [0, 2^32)"))
      ->type_name("SEED");
  add_tensor_files(app, "--output", "output", &outputs,
                   "write graph output I's raw bytes to FILE; repeatable");
  app.add_option("--kernel", args->options.kernel,
                 "kernel set: auto, reference or an ISA name (default: $LOWBIT_KERNEL or auto)")
      ->type_name("NAME");
  add_float_kernels_option(app, &args->options.float_kernels);
  add_float_precision_option(app, &args->options.float_precision);
  app.add_option("--threads", args->options.num_threads, "worker threads (default 1)")
      ->check(integer_in(1, 1024, "a number in [1, 1024]"))
      ->type_name("N");
  add_profile_option(app, "--profile", &args->options.profile,
                     "tflite_reference (default), single_rounding, xnnpack_fp32 or "
                     "tflite_optimized");
  app.add_option("--invokes", args->invokes,
                 "invoke N times on the same inputs; recurrent state carries over, the last "
                 "outputs are printed (default 1)")
      ->check(integer_in(1, 1 << 20, "a number in [1, 2^20]"))
      ->type_name("N");
  app.add_flag("--stream", args->stream,
               "with --invokes N: each --input file holds N frames back to back, invoke i reads "
               "frame i, and each --output file gets the N invokes' outputs back to back");
  app.add_option("--max-values", args->max_values, "values printed per output (default 16)")
      ->check(integer_in(0, 1LL << 30, "a non-negative number"))
      ->type_name("N");
  const int exit_code = parse_command_line(app, argc, argv);
  if (exit_code >= 0) return exit_code;
  if (args->model.empty()) return usage_error(app, "no model file given");
  args->inputs = split_tensor_files(inputs);
  args->outputs = split_tensor_files(outputs);
  return -1;
}

// Graph input or output named by index or tensor name.
Result<TensorView> find_io(const Interpreter& interp, bool is_input, const std::string& key) {
  const char* kind = is_input ? "input" : "output";
  const size_t count = is_input ? interp.num_inputs() : interp.num_outputs();
  long long index = 0;
  if (parse_integer(key, 0, 1LL << 30, &index)) {
    if (static_cast<size_t>(index) >= count) {
      return Status(StatusCode::kInvalidArgument,
                    std::string(kind) + " index " + key + " out of range: the model has " +
                        std::to_string(count) + " " + kind + (count == 1 ? "" : "s"));
    }
    const size_t position = static_cast<size_t>(index);
    return is_input ? interp.input(position) : interp.output(position);
  }
  TensorView view = is_input ? interp.input(key) : interp.output(key);
  if (view.index < 0) {
    std::string names;
    for (size_t i = 0; i < count; ++i) {
      names += (i ? ", " : "") + std::string("'") +
               (is_input ? interp.input(i) : interp.output(i)).name() + "'";
    }
    return Status(StatusCode::kInvalidArgument, std::string("no graph ") + kind + " named '" + key +
                                                    "' (" + kind + "s: " + names + ")");
  }
  return view;
}

// Position of a graph input/output view among the interpreter's list.
size_t io_position(const Interpreter& interp, bool is_input, const TensorView& view) {
  const size_t count = is_input ? interp.num_inputs() : interp.num_outputs();
  for (size_t i = 0; i < count; ++i) {
    if ((is_input ? interp.input(i) : interp.output(i)).index == view.index) return i;
  }
  return count;
}

Status load_inputs(Interpreter& interp, const Args& args, std::vector<InputFrames>* frames) {
  std::vector<bool> given(interp.num_inputs(), false);
  for (const TensorFile& file : args.inputs) {
    Result<TensorView> view = find_io(interp, true, file.key);
    if (!view.ok()) return view.status();
    const size_t position = io_position(interp, true, view.value());
    if (given[position]) {
      return Status(StatusCode::kInvalidArgument,
                    "input " + std::to_string(position) + " ('" + view->name() +
                        "') given more than once");
    }
    given[position] = true;
    std::vector<uint8_t> bytes;
    LOWBIT_RETURN_IF_ERROR(read_file(file.path, &bytes));
    const size_t frame_count = args.stream ? size_t(args.invokes) : 1;
    if (bytes.size() != view->bytes * frame_count) {
      return Status(StatusCode::kInvalidArgument,
                    "input " + std::to_string(position) + " ('" + view->name() + "', " +
                        tensor_summary(*view->desc) + "): " + file.path + " has " +
                        std::to_string(bytes.size()) + " bytes, the tensor needs " +
                        std::to_string(view->bytes) +
                        (args.stream ? " per frame x " + std::to_string(frame_count) + " frames" : ""));
    }
    if (!bytes.empty()) std::memcpy(view->data, bytes.data(), view->bytes);
    if (args.stream) frames->push_back({view.value(), std::move(bytes)});
  }
  std::mt19937 rng(args.seed);
  for (size_t i = 0; i < interp.num_inputs(); ++i) {
    if (given[i]) continue;
    fill_random(interp.input(i), rng);
    std::printf("input %zu '%s': random (seed %u)\n", i, interp.input(i).name().c_str(),
                args.seed);
  }
  return Status::Ok();
}

Status run(const Args& args) {
  Result<std::shared_ptr<const Model>> model = Model::load(args.model);
  if (!model.ok()) return model.status();
  Interpreter interp(model.value(), args.options);
  LOWBIT_RETURN_IF_ERROR(interp.prepare());
  // Resolve --output before running so a typo fails fast.
  std::vector<TensorView> output_views;
  for (const TensorFile& file : args.outputs) {
    Result<TensorView> view = find_io(interp, false, file.key);
    if (!view.ok()) return view.status();
    output_views.push_back(view.value());
  }
  std::vector<InputFrames> frames;
  LOWBIT_RETURN_IF_ERROR(load_inputs(interp, args, &frames));

  std::vector<std::vector<uint8_t>> streamed(output_views.size());
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < args.invokes; ++i) {
    for (const InputFrames& f : frames) {
      if (f.view.bytes > 0) std::memcpy(f.view.data, f.bytes.data() + size_t(i) * f.view.bytes, f.view.bytes);
    }
    LOWBIT_RETURN_IF_ERROR(interp.invoke());
    for (size_t k = 0; args.stream && k < output_views.size(); ++k) {
      const auto* data = static_cast<const uint8_t*>(output_views[k].data);
      streamed[k].insert(streamed[k].end(), data, data + output_views[k].bytes);
    }
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf("invoke: %.3f ms (kernel set %s, float kernels %s%s, %d thread%s, profile %s)\n",
              ms, interp.options().kernel.c_str(),
              float_kernels_name(interp.options().float_kernels),
              interp.options().float_precision == FloatPrecision::kFp16 ? " in fp16" : "",
              args.options.num_threads,
              args.options.num_threads == 1 ? "" : "s", requant_profile_name(args.options.profile));

  for (size_t i = 0; i < interp.num_outputs(); ++i) {
    const TensorView out = interp.output(i);
    std::printf("output %zu '%s': %s\n%s", i, out.name().c_str(), tensor_summary(*out.desc).c_str(),
                describe_values(out, static_cast<size_t>(args.max_values)).c_str());
  }
  for (size_t k = 0; k < args.outputs.size(); ++k) {
    const TensorView& view = output_views[k];
    const void* data = args.stream ? static_cast<const void*>(streamed[k].data()) : view.data;
    const size_t bytes = args.stream ? streamed[k].size() : view.bytes;
    LOWBIT_RETURN_IF_ERROR(write_file(args.outputs[k].path, data, bytes));
    std::printf("wrote output '%s' (%zu bytes) to %s\n", view.name().c_str(), bytes,
                args.outputs[k].path.c_str());
  }
  return Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  const int exit_code = parse_args(argc, argv, &args);
  if (exit_code >= 0) return exit_code;
  const Status status = run(args);
  if (!status.ok()) {
    print_error("lowbit-run", args.model, status);
    return 1;
  }
  return 0;
}
