// The C API against the C++ API: same outputs with the interpreter's own arena
// and with a caller arena at any alignment, tensor metadata, and every error
// path returning a status and a message.
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "lowbit/c_api.h"
#include "lowbit/lowbit.h"
#include "support/blocks.h"
#include "support/model_runner.h"

namespace {

using lowbit::testing::Bytes;

Bytes finish(lowbit::ModelBuilder& b) {
  auto bytes = b.finish();
  REQUIRE(bytes.ok());
  return bytes.value();
}

Bytes block_model(const std::string& kind, uint32_t seed) {
  lowbit::ModelBuilder b;
  if (kind == "int8") lowbit::testing::build_int8_block(b, 6, 5, 8, 2, seed);
  if (kind == "binary") lowbit::testing::build_binary_block(b, 7, 6, 40, seed);
  if (kind == "float") lowbit::testing::build_float_block(b, 5, 4, 8, 2, seed);
  return finish(b);
}

Bytes random_input(std::mt19937& rng, lowbit_tensor* t) {
  Bytes bytes(lowbit_tensor_bytes(t));
  if (lowbit_tensor_dtype(t) == LOWBIT_FLOAT32) {
    auto values = lowbit::testing::random_floats(rng, bytes.size() / 4, -2.0f, 2.0f);
    std::memcpy(bytes.data(), values.data(), bytes.size());
  } else {
    bytes = lowbit::testing::random_ints<uint8_t>(rng, bytes.size(), 0, 255);
  }
  return bytes;
}

// Runs the model through the C++ API on the given inputs.
std::vector<Bytes> cpp_outputs(const Bytes& model_bytes, const std::vector<Bytes>& inputs,
                               const std::string& kernel) {
  auto model = lowbit::Model::from_buffer(model_bytes.data(), model_bytes.size());
  REQUIRE(model.ok());
  lowbit::InterpreterOptions options;
  options.kernel = kernel;
  lowbit::Interpreter interpreter(model.value(), options);
  REQUIRE(interpreter.prepare().ok());
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::memcpy(interpreter.input(i).data, inputs[i].data(), inputs[i].size());
  }
  REQUIRE(interpreter.invoke().ok());
  std::vector<Bytes> outputs;
  for (size_t i = 0; i < interpreter.num_outputs(); ++i) {
    const auto* p = interpreter.output(i).as<uint8_t>();
    outputs.emplace_back(p, p + interpreter.output(i).bytes);
  }
  return outputs;
}

struct CModel {
  lowbit_model* model = nullptr;
  ~CModel() { lowbit_model_destroy(model); }
};
struct CInterpreter {
  lowbit_interpreter* interpreter = nullptr;
  ~CInterpreter() { lowbit_interpreter_destroy(interpreter); }
};

}  // namespace

TEST_CASE("C API outputs equal the C++ API with owned and caller arenas") {
  const uint32_t seed = lowbit::testing::test_seed();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  for (const char* kind : {"int8", "binary", "float"}) {
    for (const char* kernel : {"reference", "auto"}) {
      for (size_t misalignment : {size_t{0}, size_t{3}, size_t{40}}) {
        INFO(kind << " kernel " << kernel << " arena misaligned by " << misalignment);
        const Bytes model_bytes = block_model(kind, rng());
        CModel model;
        REQUIRE(lowbit_model_create_from_buffer(model_bytes.data(), model_bytes.size(),
                                                &model.model) == LOWBIT_OK);
        lowbit_interpreter_options options;
        lowbit_interpreter_options_init(&options);
        options.kernel = kernel;
        size_t arena_bytes = 0;
        REQUIRE(lowbit_arena_size(model.model, &options, &arena_bytes) == LOWBIT_OK);
        REQUIRE(arena_bytes > 64);

        std::vector<uint8_t> arena(arena_bytes + misalignment, 0xA5);
        CInterpreter owned, external;
        REQUIRE(lowbit_interpreter_create(model.model, &options, nullptr, 0, &owned.interpreter) ==
                LOWBIT_OK);
        REQUIRE(lowbit_interpreter_create(model.model, &options, arena.data() + misalignment,
                                          arena_bytes, &external.interpreter) == LOWBIT_OK);
        const size_t num_inputs = lowbit_interpreter_num_inputs(external.interpreter);
        REQUIRE(num_inputs >= 1);

        std::vector<Bytes> inputs;
        for (size_t i = 0; i < num_inputs; ++i) {
          lowbit_tensor* in = lowbit_interpreter_input(external.interpreter, i);
          const uint8_t* data = static_cast<uint8_t*>(lowbit_tensor_data(in));
          CHECK(data >= arena.data() + misalignment);
          CHECK(data + lowbit_tensor_bytes(in) <= arena.data() + arena.size());
          inputs.push_back(random_input(rng, in));
          std::memcpy(lowbit_tensor_data(in), inputs[i].data(), inputs[i].size());
          std::memcpy(lowbit_tensor_data(lowbit_interpreter_input(owned.interpreter, i)),
                      inputs[i].data(), inputs[i].size());
        }
        const std::vector<Bytes> expected = cpp_outputs(model_bytes, inputs, kernel);
        for (int repeat = 0; repeat < 2; ++repeat) {  // inputs survive an invoke
          REQUIRE(lowbit_interpreter_invoke(owned.interpreter) == LOWBIT_OK);
          REQUIRE(lowbit_interpreter_invoke(external.interpreter) == LOWBIT_OK);
          // No recurrent state here: resetting it changes nothing.
          REQUIRE(lowbit_interpreter_reset_state(external.interpreter) == LOWBIT_OK);
          REQUIRE(lowbit_interpreter_num_outputs(external.interpreter) == expected.size());
          for (size_t i = 0; i < expected.size(); ++i) {
            for (lowbit_interpreter* interp : {owned.interpreter, external.interpreter}) {
              lowbit_tensor* out = lowbit_interpreter_output(interp, i);
              REQUIRE(lowbit_tensor_bytes(out) == expected[i].size());
              const auto* p = static_cast<const uint8_t*>(lowbit_tensor_data(out));
              CHECK(Bytes(p, p + expected[i].size()) == expected[i]);
            }
          }
        }
      }
    }
  }
}

TEST_CASE("C API tensor accessors describe the graph's tensors") {
  const Bytes model_bytes = block_model("int8", 7);
  auto cpp_model = lowbit::Model::from_buffer(model_bytes.data(), model_bytes.size());
  REQUIRE(cpp_model.ok());
  const lowbit::GraphDesc& graph = cpp_model.value()->graph();
  CModel model;
  REQUIRE(lowbit_model_create_from_buffer(model_bytes.data(), model_bytes.size(), &model.model) ==
          LOWBIT_OK);
  CInterpreter interp;
  REQUIRE(lowbit_interpreter_create(model.model, nullptr, nullptr, 0, &interp.interpreter) ==
          LOWBIT_OK);
  CHECK(lowbit_interpreter_arena_bytes(interp.interpreter) > 0);
  REQUIRE(lowbit_interpreter_num_operators(interp.interpreter) == graph.operators.size());
  for (size_t i = 0; i < graph.operators.size(); ++i) {
    CHECK(std::strlen(lowbit_interpreter_kernel_name(interp.interpreter, i)) > 0);
  }
  CHECK(std::string(lowbit_interpreter_kernel_name(interp.interpreter, graph.operators.size())).empty());
  CHECK(std::string(lowbit_interpreter_kernel_name(nullptr, 0)).empty());

  auto check_tensor = [&](lowbit_tensor* t, int index) {
    const lowbit::TensorDesc& desc = graph.tensors[index];
    REQUIRE(t != nullptr);
    CHECK(desc.name == lowbit_tensor_name(t));
    CHECK(static_cast<int>(lowbit_tensor_dtype(t)) == static_cast<int>(desc.dtype));
    REQUIRE(lowbit_tensor_rank(t) == desc.shape.rank);
    for (int d = 0; d < desc.shape.rank; ++d) CHECK(lowbit_tensor_dim(t, d) == desc.shape[d]);
    CHECK(lowbit_tensor_dim(t, desc.shape.rank) == 0);
    CHECK(lowbit_tensor_dim(t, -1) == 0);
    const float* scales = nullptr;
    const int32_t* zero_points = nullptr;
    int axis = -1;
    const size_t n = lowbit_tensor_quantization(t, &scales, &zero_points, &axis);
    REQUIRE(n == desc.quant.scales.size());
    for (size_t i = 0; i < n; ++i) {
      CHECK(scales[i] == desc.quant.scales[i]);
      CHECK(zero_points[i] == desc.quant.zero_points[i]);
    }
    CHECK(axis == desc.quant.axis);
  };
  REQUIRE(lowbit_interpreter_num_inputs(interp.interpreter) == graph.inputs.size());
  REQUIRE(lowbit_interpreter_num_outputs(interp.interpreter) == graph.outputs.size());
  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    lowbit_tensor* t = lowbit_interpreter_input(interp.interpreter, i);
    check_tensor(t, graph.inputs[i]);
    CHECK(lowbit_interpreter_input_by_name(interp.interpreter, lowbit_tensor_name(t)) == t);
  }
  for (size_t i = 0; i < graph.outputs.size(); ++i) {
    lowbit_tensor* t = lowbit_interpreter_output(interp.interpreter, i);
    check_tensor(t, graph.outputs[i]);
    CHECK(lowbit_interpreter_output_by_name(interp.interpreter, lowbit_tensor_name(t)) == t);
  }
  CHECK(lowbit_interpreter_input(interp.interpreter, graph.inputs.size()) == nullptr);
  CHECK(lowbit_interpreter_output(interp.interpreter, graph.outputs.size()) == nullptr);
  CHECK(lowbit_interpreter_input_by_name(interp.interpreter, "no such tensor") == nullptr);
  CHECK(lowbit_interpreter_output_by_name(interp.interpreter, nullptr) == nullptr);
}

TEST_CASE("C API failures return a status and a message") {
  const Bytes model_bytes = block_model("int8", 3);
  lowbit_model* model = nullptr;

  SECTION("corrupt model") {
    Bytes corrupt = model_bytes;
    std::memset(corrupt.data(), 0x5A, 16);
    CHECK(lowbit_model_create_from_buffer(corrupt.data(), corrupt.size(), &model) ==
          LOWBIT_INVALID_MODEL);
    CHECK(model == nullptr);
    CHECK(std::strlen(lowbit_last_error()) > 0);
  }
  SECTION("missing file") {
    CHECK(lowbit_model_create_from_file("/nonexistent/model.lbm", &model) == LOWBIT_IO_ERROR);
    CHECK(std::string(lowbit_last_error()).find("/nonexistent/model.lbm") != std::string::npos);
  }
  SECTION("null arguments") {
    CHECK(lowbit_model_create_from_buffer(nullptr, 10, &model) == LOWBIT_INVALID_ARGUMENT);
    CHECK(std::string(lowbit_last_error()).find("data") != std::string::npos);
    CHECK(lowbit_model_create_from_buffer(model_bytes.data(), model_bytes.size(), nullptr) ==
          LOWBIT_INVALID_ARGUMENT);
    CHECK(lowbit_model_create_from_file(nullptr, &model) == LOWBIT_INVALID_ARGUMENT);
    lowbit_interpreter* interp = nullptr;
    CHECK(lowbit_interpreter_create(nullptr, nullptr, nullptr, 0, &interp) ==
          LOWBIT_INVALID_ARGUMENT);
    CHECK(interp == nullptr);
    size_t bytes = 1;
    CHECK(lowbit_arena_size(nullptr, nullptr, &bytes) == LOWBIT_INVALID_ARGUMENT);
    CHECK(bytes == 0);
    CHECK(lowbit_interpreter_invoke(nullptr) == LOWBIT_INVALID_ARGUMENT);
    CHECK(lowbit_interpreter_reset_state(nullptr) == LOWBIT_INVALID_ARGUMENT);
    CHECK(lowbit_interpreter_num_inputs(nullptr) == 0);
    CHECK(lowbit_tensor_data(nullptr) == nullptr);
    CHECK(lowbit_tensor_quantization(nullptr, nullptr, nullptr, nullptr) == 0);
    lowbit_model_destroy(nullptr);
    lowbit_interpreter_destroy(nullptr);
  }
  SECTION("bad options and a small arena") {
    REQUIRE(lowbit_model_create_from_buffer(model_bytes.data(), model_bytes.size(), &model) ==
            LOWBIT_OK);
    lowbit_interpreter_options options;
    lowbit_interpreter_options_init(&options);
    lowbit_interpreter* interp = nullptr;
    options.num_threads = 0;
    CHECK(lowbit_interpreter_create(model, &options, nullptr, 0, &interp) ==
          LOWBIT_INVALID_ARGUMENT);
    CHECK(std::string(lowbit_last_error()).find("num_threads") != std::string::npos);
    options.num_threads = 257;
    CHECK(lowbit_interpreter_create(model, &options, nullptr, 0, &interp) ==
          LOWBIT_INVALID_ARGUMENT);
    CHECK(std::string(lowbit_last_error()).find("num_threads must be 1 to 256") != std::string::npos);
    options.num_threads = 1;
    options.kernel = "no-such-isa";
    CHECK(lowbit_interpreter_create(model, &options, nullptr, 0, &interp) != LOWBIT_OK);
    options.kernel = nullptr;
    options.profile = LOWBIT_PROFILE_TFLITE_OPTIMIZED + 1;
    CHECK(lowbit_interpreter_create(model, &options, nullptr, 0, &interp) ==
          LOWBIT_INVALID_ARGUMENT);
    CHECK(std::string(lowbit_last_error()).find("profile") != std::string::npos);
    options.profile = LOWBIT_PROFILE_TFLITE_OPTIMIZED;
    REQUIRE(lowbit_interpreter_create(model, &options, nullptr, 0, &interp) == LOWBIT_OK);
    lowbit_interpreter_destroy(interp);
    interp = nullptr;
    lowbit_interpreter_options_init(&options);
    size_t needed = 0;
    REQUIRE(lowbit_arena_size(model, &options, &needed) == LOWBIT_OK);
    std::vector<uint8_t> arena(needed);
    CHECK(lowbit_interpreter_create(model, &options, arena.data(), needed - 1, &interp) ==
          LOWBIT_RESOURCE_EXHAUSTED);
    CHECK(std::string(lowbit_last_error()).find(std::to_string(needed)) != std::string::npos);
    CHECK(interp == nullptr);
    REQUIRE(lowbit_interpreter_create(model, &options, arena.data(), needed, &interp) == LOWBIT_OK);
    CHECK(std::string(lowbit_interpreter_error(interp)).empty());
    lowbit_interpreter_destroy(interp);
  }
  lowbit_model_destroy(model);
  for (int s = LOWBIT_OK; s <= LOWBIT_INTERNAL; ++s) {
    CHECK(std::string(lowbit_status_name(static_cast<lowbit_status>(s))) != "unknown status");
  }
}

TEST_CASE("C API float_kernels chooses who runs float operators") {
  const Bytes model_bytes = block_model("float", 11);
  CModel model;
  REQUIRE(lowbit_model_create_from_buffer(model_bytes.data(), model_bytes.size(), &model.model) ==
          LOWBIT_OK);
  // Built whole, not push_back onto a braced list: GCC 12 reports a false
  // -Warray-bounds inside std::string for that when Catch2 is precompiled.
  const std::vector<std::string> sources = lowbit::build_has_xnnpack()
                                               ? std::vector<std::string>{"own", "default", "xnnpack"}
                                               : std::vector<std::string>{"own", "default"};
  for (const std::string& source : sources) {
    INFO("float_kernels " << source);
    lowbit_interpreter_options options;
    lowbit_interpreter_options_init(&options);
    CHECK(options.float_kernels == nullptr);
    options.float_kernels = source.c_str();
    CInterpreter interp;
    REQUIRE(lowbit_interpreter_create(model.model, &options, nullptr, 0, &interp.interpreter) ==
            LOWBIT_OK);
    // The resolved source, as the C++ API resolves it; the float operators' kernels name it.
    lowbit::InterpreterOptions cpp_options;
    REQUIRE(lowbit::parse_float_kernels(source, &cpp_options.float_kernels));
    auto cpp_model = lowbit::Model::from_buffer(model_bytes.data(), model_bytes.size());
    REQUIRE(cpp_model.ok());
    lowbit::Interpreter cpp(cpp_model.value(), cpp_options);
    REQUIRE(cpp.prepare().ok());
    const std::string resolved = lowbit_interpreter_float_kernels(interp.interpreter);
    CHECK(resolved == lowbit::float_kernels_name(cpp.options().float_kernels));
    CHECK(resolved == (source != "default" ? source
                                           : (lowbit::build_has_xnnpack() ? "xnnpack" : "own")));
    bool named_xnnpack = false;
    for (size_t i = 0; i < lowbit_interpreter_num_operators(interp.interpreter); ++i) {
      const std::string kernel = lowbit_interpreter_kernel_name(interp.interpreter, i);
      CHECK(kernel == cpp.kernel_name(static_cast<int>(i)));
      named_xnnpack = named_xnnpack || kernel.find("__xnnpack") != std::string::npos;
    }
    CHECK(named_xnnpack == (resolved == "xnnpack"));
    // Same outputs as the C++ API with the same source.
    std::mt19937 rng(5);
    lowbit_tensor* in = lowbit_interpreter_input(interp.interpreter, 0);
    const Bytes input = random_input(rng, in);
    std::memcpy(lowbit_tensor_data(in), input.data(), input.size());
    std::memcpy(cpp.input(0).data, input.data(), input.size());
    REQUIRE(lowbit_interpreter_invoke(interp.interpreter) == LOWBIT_OK);
    REQUIRE(cpp.invoke().ok());
    lowbit_tensor* out = lowbit_interpreter_output(interp.interpreter, 0);
    REQUIRE(lowbit_tensor_bytes(out) == cpp.output(0).bytes);
    CHECK(std::memcmp(lowbit_tensor_data(out), cpp.output(0).data, cpp.output(0).bytes) == 0);
  }
  lowbit_interpreter_options options;
  lowbit_interpreter_options_init(&options);
  lowbit_interpreter* interp = nullptr;
  options.float_kernels = "fast";
  CHECK(lowbit_interpreter_create(model.model, &options, nullptr, 0, &interp) ==
        LOWBIT_INVALID_ARGUMENT);
  CHECK(std::string(lowbit_last_error()).find("float_kernels: 'fast'") != std::string::npos);
  CHECK(interp == nullptr);
  if (!lowbit::build_has_xnnpack()) {
    options.float_kernels = "xnnpack";
    CHECK(lowbit_interpreter_create(model.model, &options, nullptr, 0, &interp) ==
          LOWBIT_UNSUPPORTED);
    CHECK(std::string(lowbit_last_error()).find("no XNNPACK") != std::string::npos);
  }
  CHECK(std::string(lowbit_interpreter_float_kernels(nullptr)).empty());
}

TEST_CASE("C API float_precision: fp16 where the CPU can, else refused by name") {
  const Bytes model_bytes = block_model("float", 12);
  CModel model;
  REQUIRE(lowbit_model_create_from_buffer(model_bytes.data(), model_bytes.size(), &model.model) ==
          LOWBIT_OK);
  lowbit_interpreter_options options;
  lowbit_interpreter_options_init(&options);
  CHECK(options.float_precision == nullptr);
  CInterpreter fp32;
  REQUIRE(lowbit_interpreter_create(model.model, &options, nullptr, 0, &fp32.interpreter) ==
          LOWBIT_OK);
  CHECK(std::string(lowbit_interpreter_float_precision(fp32.interpreter)) == "fp32");
  lowbit_interpreter* interp = nullptr;
  options.float_precision = "fp8";
  CHECK(lowbit_interpreter_create(model.model, &options, nullptr, 0, &interp) ==
        LOWBIT_INVALID_ARGUMENT);
  CHECK(std::string(lowbit_last_error()).find("float_precision: 'fp8'") != std::string::npos);
  options.float_precision = "fp16";
  options.float_kernels = "own";
  CHECK(lowbit_interpreter_create(model.model, &options, nullptr, 0, &interp) ==
        LOWBIT_UNSUPPORTED);
  CHECK(std::string(lowbit_last_error()).find("float precision fp16") != std::string::npos);
  CHECK(interp == nullptr);
  options.float_kernels = nullptr;
  const lowbit_status status = lowbit_interpreter_create(model.model, &options, nullptr, 0, &interp);
  if (lowbit::build_has_xnnpack() && lowbit::cpu_has_fp16_arithmetic()) {
    REQUIRE(status == LOWBIT_OK);
    CHECK(std::string(lowbit_interpreter_float_precision(interp)) == "fp16");
    lowbit_interpreter_destroy(interp);
  } else {
    CHECK(status == LOWBIT_UNSUPPORTED);
  }
  CHECK(std::string(lowbit_interpreter_float_precision(nullptr)).empty());
}

TEST_CASE("C API lowbit_op_resolver_add_float_kernels runs float models through a resolver") {
  // Hosted builds always link the float kernels; the call must still accept a resolver, refuse
  // NULL by name, and leave float models loadable and runnable through that resolver (the
  // firmware build's linking is checked by scripts/check-firmware.sh).
  CHECK(lowbit_op_resolver_add_float_kernels(nullptr) == LOWBIT_INVALID_ARGUMENT);
  CHECK(std::string(lowbit_last_error()).find("resolver") != std::string::npos);
  lowbit_op_resolver ops;
  lowbit_op_resolver_init(&ops);
  REQUIRE(lowbit_op_resolver_add(&ops, lowbit_op_Conv2D()) == LOWBIT_OK);
  REQUIRE(lowbit_op_resolver_add(&ops, lowbit_op_DepthwiseConv2D()) == LOWBIT_OK);
  REQUIRE(lowbit_op_resolver_add(&ops, lowbit_op_Add()) == LOWBIT_OK);
  REQUIRE(lowbit_op_resolver_add_float_kernels(&ops) == LOWBIT_OK);
  const Bytes model_bytes = block_model("float", 13);
  CModel model;
  REQUIRE(lowbit_model_create_from_buffer_with_resolver(model_bytes.data(), model_bytes.size(),
                                                        &ops, &model.model) == LOWBIT_OK);
  lowbit_interpreter_options options;
  lowbit_interpreter_options_init(&options);
  options.float_kernels = "own";
  CInterpreter interp;
  REQUIRE(lowbit_interpreter_create(model.model, &options, nullptr, 0, &interp.interpreter) ==
          LOWBIT_OK);
  CHECK(lowbit_interpreter_invoke(interp.interpreter) == LOWBIT_OK);
  CHECK(std::string(lowbit_interpreter_float_kernels(interp.interpreter)) == "own");
}
