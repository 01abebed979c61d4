// lowbit-run: one inference on raw little-endian tensor files.
#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "lowbit/lowbit.h"
#include "tools/tool_support.h"

namespace {

using namespace lowbit;
using namespace lowbit::tools;

const char kUsage[] =
    "usage: lowbit-run MODEL.lbm [options]\n"
    "  --input I=FILE       raw bytes for graph input I (index or tensor name); repeatable\n"
    "  --random-inputs SEED seed for inputs not given by --input (default 1)\n"
    "  --output I=FILE      write graph output I's raw bytes to FILE; repeatable\n"
    "  --kernel NAME        kernel set: auto, reference or an ISA name (default: $LOWBIT_KERNEL or auto)\n"
    "  --threads N          worker threads (default 1)\n"
    "  --profile NAME       tflite_reference (default), single_rounding, xnnpack_fp32 or\n"
    "                       tflite_optimized\n"
    "  --max-values N       values printed per output (default 16)\n";

// "I=FILE" from --input/--output.
struct TensorFile {
  std::string key;
  std::string path;
};

struct Args {
  std::string model;
  std::vector<TensorFile> inputs, outputs;
  uint32_t seed = 1;
  long max_values = 16;
  InterpreterOptions options;
};

struct UsageError {
  std::string message;
};

TensorFile parse_tensor_file(const std::string& flag, const std::string& spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
    throw UsageError{"--" + flag + " expects I=FILE (input index or name), got '" + spec + "'"};
  }
  return {spec.substr(0, eq), spec.substr(eq + 1)};
}

Args parse_args(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string value;
    bool missing = false;
    auto flag = [&](const char* name) { return take_flag(argc, argv, &i, name, &value, &missing); };
    const std::string arg = argv[i];
    long number = 0;
    if (flag("input")) {
      if (!missing) args.inputs.push_back(parse_tensor_file("input", value));
    } else if (flag("output")) {
      if (!missing) args.outputs.push_back(parse_tensor_file("output", value));
    } else if (flag("random-inputs")) {
      if (!missing && !parse_int(value, 0, 4294967295L, &number)) {
        throw UsageError{"--random-inputs expects a seed in [0, 2^32), got '" + value + "'"};
      }
      args.seed = static_cast<uint32_t>(number);
    } else if (flag("kernel")) {
      args.options.kernel = value;
    } else if (flag("threads")) {
      if (!missing && !parse_int(value, 1, 1024, &number)) {
        throw UsageError{"--threads expects a number in [1, 1024], got '" + value + "'"};
      }
      args.options.num_threads = static_cast<int>(number);
    } else if (flag("profile")) {
      if (!missing && !parse_requant_profile(value, &args.options.profile)) {
        throw UsageError{
            "--profile must be tflite_reference, single_rounding, xnnpack_fp32 or "
            "tflite_optimized, got '" + value + "'"};
      }
    } else if (flag("max-values")) {
      if (!missing && !parse_int(value, 0, 1L << 30, &args.max_values)) {
        throw UsageError{"--max-values expects a non-negative number, got '" + value + "'"};
      }
    } else if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (arg.size() > 1 && arg[0] == '-') {
      throw UsageError{"unknown option '" + arg + "'"};
    } else if (args.model.empty()) {
      args.model = arg;
    } else {
      throw UsageError{"unexpected argument '" + arg + "' (model already given: " + args.model +
                       ")"};
    }
    if (missing) throw UsageError{"option '" + arg + "' needs a value"};
  }
  if (args.model.empty()) throw UsageError{"no model file given"};
  return args;
}

// Graph input or output named by index or tensor name.
Result<TensorView> find_io(const Interpreter& interp, bool is_input, const std::string& key) {
  const char* kind = is_input ? "input" : "output";
  const size_t count = is_input ? interp.num_inputs() : interp.num_outputs();
  long index = 0;
  if (parse_int(key, 0, 1L << 30, &index)) {
    if (static_cast<size_t>(index) >= count) {
      return Status(StatusCode::kInvalidArgument,
                    std::string(kind) + " index " + key + " out of range: the model has " +
                        std::to_string(count) + " " + kind + (count == 1 ? "" : "s"));
    }
    return is_input ? interp.input(index) : interp.output(index);
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

Status load_inputs(Interpreter& interp, const Args& args) {
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
    if (bytes.size() != view->bytes) {
      return Status(StatusCode::kInvalidArgument,
                    "input " + std::to_string(position) + " ('" + view->name() + "', " +
                        tensor_summary(*view->desc) + "): " + file.path + " has " +
                        std::to_string(bytes.size()) + " bytes, the tensor needs " +
                        std::to_string(view->bytes));
    }
    if (!bytes.empty()) std::memcpy(view->data, bytes.data(), bytes.size());
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
  Result<std::shared_ptr<const Model>> model = Model::from_file(args.model);
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
  LOWBIT_RETURN_IF_ERROR(load_inputs(interp, args));

  const auto start = std::chrono::steady_clock::now();
  LOWBIT_RETURN_IF_ERROR(interp.invoke());
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf("invoke: %.3f ms (kernel set %s, %d thread%s, profile %s)\n", ms,
              interp.options().kernel.c_str(), args.options.num_threads,
              args.options.num_threads == 1 ? "" : "s", requant_profile_name(args.options.profile));

  for (size_t i = 0; i < interp.num_outputs(); ++i) {
    const TensorView out = interp.output(i);
    std::printf("output %zu '%s': %s\n%s", i, out.name().c_str(), tensor_summary(*out.desc).c_str(),
                describe_values(out, static_cast<size_t>(args.max_values)).c_str());
  }
  for (size_t k = 0; k < args.outputs.size(); ++k) {
    const TensorView& view = output_views[k];
    LOWBIT_RETURN_IF_ERROR(write_file(args.outputs[k].path, view.data, view.bytes));
    std::printf("wrote output '%s' (%zu bytes) to %s\n", view.name().c_str(), view.bytes,
                args.outputs[k].path.c_str());
  }
  return Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  try {
    args = parse_args(argc, argv);
  } catch (const UsageError& error) {
    std::fprintf(stderr, "lowbit-run: %s (see --help)\n", error.message.c_str());
    return 2;
  }
  const Status status = run(args);
  if (!status.ok()) {
    print_error("lowbit-run", args.model, status);
    return 1;
  }
  return 0;
}
