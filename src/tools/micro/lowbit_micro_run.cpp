// lowbit-micro-run: runs a .lbm model through lowbit micro (the firmware
// runtime) on the host, so tests can compare it byte for byte with
// lowbit-run. It sizes the arena with lowbit_micro_arena_size and creates
// the runtime in exactly that many bytes at an odd address (so every run
// also checks that the size is enough wherever the arena starts), and invokes
// twice on one input, failing unless both runs give the same outputs.
//
//   lowbit-micro-run MODEL.lbm [--input I=FILE | --random-inputs SEED]
//                    [--save-input I=FILE] [--output I=FILE] [--profile NAME]
//                    [--arena BYTES] [--quiet]
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "lowbit/micro.h"

namespace {

const char* status_name(lowbit_status s) {
  switch (s) {
    case LOWBIT_OK: return "ok";
    case LOWBIT_INVALID_ARGUMENT: return "invalid argument";
    case LOWBIT_INVALID_MODEL: return "invalid model";
    case LOWBIT_UNSUPPORTED: return "unsupported";
    case LOWBIT_RESOURCE_EXHAUSTED: return "resource exhausted";
    default: return "error";
  }
}

int fail(const std::string& what) {
  std::fprintf(stderr, "lowbit-micro-run: %s\n", what.c_str());
  return 1;
}

bool read_file(const std::string& path, std::vector<uint8_t>* bytes) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  bytes->assign(std::istreambuf_iterator<char>(f), {});
  return true;
}

bool write_file(const std::string& path, const void* data, size_t bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(static_cast<const char*>(data), std::streamsize(bytes));
  return bool(f);
}

// "I=FILE" pairs by index.
bool parse_pairs(const std::vector<std::string>& pairs, std::map<size_t, std::string>* out) {
  for (const std::string& p : pairs) {
    const size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) return false;
    (*out)[std::stoul(p.substr(0, eq))] = p.substr(eq + 1);
  }
  return true;
}

int profile_value(const std::string& name) {
  if (name == "tflite_reference") return LOWBIT_PROFILE_TFLITE_REFERENCE;
  if (name == "single_rounding") return LOWBIT_PROFILE_SINGLE_ROUNDING;
  if (name == "xnnpack_fp32") return LOWBIT_PROFILE_XNNPACK_FP32;
  if (name == "tflite_optimized") return LOWBIT_PROFILE_TFLITE_OPTIMIZED;
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Runs a .lbm model through lowbit micro, the firmware runtime"};
  std::string model_path, profile = "tflite_reference";
  std::vector<std::string> inputs, outputs, saved_inputs;
  long random_seed = -1;
  size_t arena_override = 0;
  bool quiet = false;
  app.add_option("model", model_path, ".lbm model")->required();
  app.add_option("--input", inputs, "I=FILE: raw bytes of input I");
  app.add_option("--random-inputs", random_seed, "fill every input with random bytes from SEED");
  app.add_option("--save-input", saved_inputs, "I=FILE: write input I as it was run");
  app.add_option("--output", outputs, "I=FILE: write output I's raw bytes");
  app.add_option("--profile", profile, "requantization profile");
  app.add_option("--arena", arena_override, "arena bytes (default: lowbit_micro_arena_size's)");
  app.add_flag("--quiet", quiet, "print nothing but errors");
  CLI11_PARSE(app, argc, argv);

  std::map<size_t, std::string> input_files, output_files, save_files;
  if (!parse_pairs(inputs, &input_files) || !parse_pairs(outputs, &output_files) ||
      !parse_pairs(saved_inputs, &save_files)) {
    return fail("--input/--output/--save-input take I=FILE");
  }
  std::vector<uint8_t> file;
  if (!read_file(model_path, &file)) return fail("cannot read " + model_path);
  // The model buffer in 64-byte aligned memory, as a firmware image places it.
  std::vector<uint8_t> model_storage(file.size() + 64);
  const size_t shift = (64 - reinterpret_cast<uintptr_t>(model_storage.data()) % 64) % 64;
  uint8_t* model = model_storage.data() + shift;
  if (!file.empty()) std::memcpy(model, file.data(), file.size());

  lowbit_micro_resolver resolver;
  lowbit_micro_resolver_init(&resolver);
  lowbit_micro_resolver_add_all(&resolver);
  lowbit_micro_options options;
  lowbit_micro_options_init(&options);
  options.profile = profile_value(profile);

  lowbit_micro_error error{};
  size_t arena_bytes = 0;
  lowbit_status status =
      lowbit_micro_arena_size(model, file.size(), &resolver, &options, &arena_bytes, &error);
  if (status != LOWBIT_OK) return fail(std::string(status_name(status)) + ": " + error.message);
  if (arena_override != 0) arena_bytes = arena_override;
  std::vector<uint8_t> arena_storage(arena_bytes + 1);
  lowbit_micro* micro = nullptr;
  status = lowbit_micro_create(model, file.size(), &resolver, &options, arena_storage.data() + 1,
                               arena_bytes, &micro, &error);
  if (status != LOWBIT_OK) return fail(std::string(status_name(status)) + ": " + error.message);

  std::mt19937 random(static_cast<uint32_t>(random_seed));
  for (size_t i = 0; i < lowbit_micro_num_inputs(micro); ++i) {
    lowbit_micro_tensor t;
    lowbit_micro_input(micro, i, &t);
    auto* data = static_cast<uint8_t*>(t.data);
    if (input_files.count(i) != 0) {
      std::vector<uint8_t> bytes;
      if (!read_file(input_files[i], &bytes) || bytes.size() != t.bytes) {
        return fail("input " + std::to_string(i) + ": " + input_files[i] + " is not exactly " +
                    std::to_string(t.bytes) + " bytes");
      }
      std::memcpy(data, bytes.data(), t.bytes);
    } else if (random_seed >= 0) {
      for (size_t b = 0; b < t.bytes; ++b) data[b] = static_cast<uint8_t>(random() & 0xff);
    } else {
      return fail("input " + std::to_string(i) + " has no --input and no --random-inputs");
    }
    if (save_files.count(i) != 0 && !write_file(save_files[i], data, t.bytes)) {
      return fail("cannot write " + save_files[i]);
    }
  }
  // Twice, with the input written once: inputs keep their bytes through an
  // invoke, so the second run must give the first's outputs.
  std::vector<std::vector<uint8_t>> first_outputs;
  for (int run = 0; run < 2; ++run) {
    status = lowbit_micro_invoke(micro);
    if (status != LOWBIT_OK) {
      return fail(std::string("invoke: ") + status_name(status) + ": " + lowbit_micro_message(micro));
    }
    for (size_t i = 0; i < lowbit_micro_num_outputs(micro); ++i) {
      lowbit_micro_tensor t;
      lowbit_micro_output(micro, i, &t);
      const auto* data = static_cast<const uint8_t*>(t.data);
      if (run == 0) {
        first_outputs.emplace_back(data, data + t.bytes);
      } else if (std::memcmp(first_outputs[i].data(), data, t.bytes) != 0) {
        return fail("output " + std::to_string(i) +
                    " differs between two invokes on the same input");
      }
    }
  }
  for (const auto& [index, path] : output_files) {
    lowbit_micro_tensor t;
    if (lowbit_micro_output(micro, index, &t) != LOWBIT_OK) {
      return fail("the model has no output " + std::to_string(index));
    }
    if (!write_file(path, t.data, t.bytes)) return fail("cannot write " + path);
  }
  if (!quiet) {
    lowbit_micro_memory memory;
    lowbit_micro_memory_use(micro, &memory);
    for (size_t op = 0; op < lowbit_micro_num_operators(micro); ++op) {
      std::printf("operator %zu: %s\n", op, lowbit_micro_kernel_name(micro, op));
    }
    std::printf("arena: %zu bytes used of %zu (persistent %zu, planned %zu; liveness bound %zu, "
                "planned/bound %.3f)\n",
                memory.arena_bytes, arena_bytes, memory.persistent_bytes, memory.planned_bytes,
                memory.liveness_bound_bytes,
                memory.liveness_bound_bytes ? double(memory.planned_bytes) /
                                                  double(memory.liveness_bound_bytes)
                                            : 0.0);
  }
  return 0;
}
