// lowbit_arena_size answers from a sizing pass (no weights packed, no arena):
// its answer must be exactly the arena the interpreter then needs, for every
// generated block and every shared real model, at 1 and 2 threads; an arena
// of that size works at any alignment and one byte less is refused with a
// message giving both sizes. The pass also counts the persistent bytes the
// packers would allocate, which must equal the real prepare's.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "lowbit/c_api.h"
#include "lowbit/lowbit.h"
#include "runtime/arena_size.h"
#include "support/blocks.h"
#include "support/model_runner.h"
#include "c_model_runner.h"

namespace {

using lowbit::testing::Bytes;
using lowbit::testing::CModel;

struct Case {
  std::string name;
  // A .lbm is used in place when its buffer is 64-byte aligned, so the
  // bytes live as long as the models (declared first: destroyed last).
  Bytes bytes;
  std::shared_ptr<const lowbit::Model> cpp;
  CModel c;
};

struct CInterpreter {
  lowbit_interpreter* interpreter = nullptr;
  ~CInterpreter() { lowbit_interpreter_destroy(interpreter); }
};

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The C and C++ handles of one model.
void load(const std::string& name, Bytes bytes, bool tflite, Case* out) {
  out->name = name;
  out->bytes = std::move(bytes);
  const Bytes& bytes_ref = out->bytes;
  auto cpp = tflite ? lowbit::Model::from_tflite(bytes_ref.data(), bytes_ref.size())
                    : lowbit::Model::from_buffer(bytes_ref.data(), bytes_ref.size());
  INFO(name << ": " << cpp.status().to_string());
  REQUIRE(cpp.ok());
  out->cpp = cpp.value();
  const lowbit_status s =
      tflite ? lowbit_model_create_from_tflite_buffer(bytes_ref.data(), bytes_ref.size(),
                                                      &out->c.model)
             : lowbit_model_create_from_buffer(bytes_ref.data(), bytes_ref.size(), &out->c.model);
  INFO(lowbit_last_error());
  REQUIRE(s == LOWBIT_OK);
}

Bytes block(const std::string& kind) {
  lowbit::ModelBuilder b;
  if (kind == "int8") lowbit::testing::build_int8_block(b, 9, 7, 16, 2, 5);
  if (kind == "binary") lowbit::testing::build_binary_block(b, 7, 6, 40, 5);
  if (kind == "float") lowbit::testing::build_float_block(b, 9, 7, 16, 2, 5);
  auto bytes = b.finish();
  REQUIRE(bytes.ok());
  return bytes.value();
}

// Checks one model under one set of options.
void check(Case& m, int threads, const char* kernel, const char* float_kernels) {
  INFO(m.name << ", " << threads << " threads, kernel " << (kernel ? kernel : "auto")
              << ", float kernels " << (float_kernels ? float_kernels : "default"));
  lowbit_interpreter_options options;
  lowbit_interpreter_options_init(&options);
  options.num_threads = threads;
  options.kernel = kernel;
  options.float_kernels = float_kernels;
  size_t needed = 0;
  {
    INFO(lowbit_last_error());
    REQUIRE(lowbit_arena_size(m.c.model, &options, &needed) == LOWBIT_OK);
  }

  // The interpreter a real prepare builds (its own arena).
  lowbit::InterpreterOptions cpp_options;
  cpp_options.num_threads = threads;
  if (kernel != nullptr) cpp_options.kernel = kernel;
  if (float_kernels != nullptr) {
    REQUIRE(lowbit::parse_float_kernels(float_kernels, &cpp_options.float_kernels));
  }
  lowbit::Interpreter interpreter(m.cpp, cpp_options);
  const lowbit::Status prepared = interpreter.prepare();
  INFO(prepared.to_string());
  REQUIRE(prepared.ok());
  CHECK(needed == interpreter.required_arena_capacity());
  lowbit::ArenaSizes sizes;
  REQUIRE(lowbit::size_arena(m.cpp, cpp_options, &sizes).ok());
  CHECK(sizes.arena_capacity == needed);
  CHECK(sizes.persistent_bytes == interpreter.packed_weight_bytes());

  // Exactly that many bytes at any alignment work; one byte less does not.
  std::vector<uint8_t> arena(needed + 64);
  for (size_t misalignment : {size_t{0}, size_t{13}}) {
    INFO("arena misaligned by " << misalignment);
    CInterpreter exact;
    {
      INFO(lowbit_last_error());
      CHECK(lowbit_interpreter_create(m.c.model, &options, arena.data() + misalignment, needed,
                                      &exact.interpreter) == LOWBIT_OK);
    }
    CInterpreter short_one;
    CHECK(lowbit_interpreter_create(m.c.model, &options, arena.data() + misalignment, needed - 1,
                                    &short_one.interpreter) == LOWBIT_RESOURCE_EXHAUSTED);
    CHECK(short_one.interpreter == nullptr);
    const std::string error = lowbit_last_error();
    CHECK(error.find(std::to_string(needed - 1) + " bytes given, " + std::to_string(needed) +
                     " needed") != std::string::npos);
  }
}

}  // namespace

TEST_CASE("lowbit_arena_size equals the arena of the generated blocks") {
  for (const char* kind : {"int8", "binary", "float"}) {
    Case m;
    load(std::string(kind) + " block", block(kind), false, &m);
    for (int threads : {1, 2}) {
      check(m, threads, nullptr, nullptr);
      check(m, threads, "reference", nullptr);
      if (std::string(kind) == "float") check(m, threads, nullptr, "own");
    }
  }
}

TEST_CASE("lowbit_arena_size equals the arena of every shared model") {
  const std::string dir = lowbit::testing::shared_models_dir();
  if (dir.empty()) {
    FAIL("the shared models folder (../shared/models beside the source tree, or "
         "$LOWBIT_MODELS_DIR) is missing");
  }
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.path().extension() == ".tflite") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  // The models the firmware and the benchmarks name must be among them.
  for (const char* name : {"mlperf_tiny/kws_ref_model.tflite",
                           "coral/tf2_mobilenet_v2_1.0_224_ptq.tflite",
                           "mlperf_tiny/kws_ref_model_float32.tflite"}) {
    INFO(name);
    CHECK(std::find(paths.begin(), paths.end(), dir + "/" + name) != paths.end());
  }
  for (const std::string& path : paths) {
    Case m;
    load(path, read_file(path), true, &m);
    for (int threads : {1, 2}) check(m, threads, nullptr, nullptr);
    if (path.find("float") != std::string::npos || path.find("fp32") != std::string::npos) {
      check(m, 1, nullptr, "own");
    }
  }
}
