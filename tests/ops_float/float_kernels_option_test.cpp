// InterpreterOptions::float_kernels through the interpreter: each source runs
// and reports itself, kDefault resolves to what the build links, and a bad
// $LOWBIT_FLOAT_KERNELS is refused by name.
#include <cstdlib>

#include "test_common.h"

namespace lowbit {
namespace testing {
namespace {

// One RELU6 over [2, 5].
void build_relu6(ModelBuilder& b) {
  const int in = b.add_tensor("x", DType::kFloat32, {2, 5});
  const int out = b.add_tensor("y", DType::kFloat32, {2, 5});
  b.add_operator(OpType::kRelu6, {in}, {out});
  b.set_inputs({in});
  b.set_outputs({out});
}

TEST_CASE("float_kernels picks who runs a float operator", "[float][options]") {
  const std::vector<float> x = {-3, -0.5f, 0, 0.5f, 2, 5.5f, 6, 6.5f, 100, -100};
  const std::vector<float> expected = {0, 0, 0, 0.5f, 2, 5.5f, 6, 6, 6, 0};
  ModelBuilder model;
  build_relu6(model);
  InterpreterOptions options;
  options.float_kernels = FloatKernels::kOwn;
  const RunResult own = run_model(model, {to_bytes(x)}, options);
  INFO(own.status.to_string());
  REQUIRE(own.status.ok());
  // The best f32_clamp row this CPU runs (f32_clamp__avx512, ...__neon, ...).
  REQUIRE(own.kernels.size() == 1);
  CHECK(own.kernels[0].rfind("f32_clamp__", 0) == 0);
  CHECK(own.kernels[0].find("xnnpack") == std::string::npos);
  CHECK(from_bytes<float>(own.outputs[0]) == expected);

  options.float_kernels = FloatKernels::kXnnpack;
  const RunResult xnn = run_model(model, {to_bytes(x)}, options);
  if (build_has_xnnpack()) {
    INFO(xnn.status.to_string());
    REQUIRE(xnn.status.ok());
    CHECK(xnn.kernels == std::vector<std::string>{"f32_relu6__xnnpack"});
    CHECK(from_bytes<float>(xnn.outputs[0]) == expected);
  } else {
    CHECK(xnn.status.code() == StatusCode::kUnsupported);
    CHECK(xnn.status.message().find("has no XNNPACK") != std::string::npos);
  }
}

TEST_CASE("float_kernels default resolves to XNNPACK when the build has it, else own",
          "[float][options]") {
  const char* env = std::getenv("LOWBIT_FLOAT_KERNELS");
  if (env != nullptr && *env != '\0') {
    WARN("$LOWBIT_FLOAT_KERNELS is set: the default is not tested");
    return;
  }
  FloatKernels resolved = FloatKernels::kDefault;
  REQUIRE(resolve_float_kernels(&resolved).ok());
  CHECK(resolved == (build_has_xnnpack() ? FloatKernels::kXnnpack : FloatKernels::kOwn));
  FloatKernels parsed = FloatKernels::kDefault;
  CHECK(parse_float_kernels("own", &parsed));
  CHECK(parsed == FloatKernels::kOwn);
  CHECK_FALSE(parse_float_kernels("fast", &parsed));
  CHECK(std::string(float_kernels_name(FloatKernels::kXnnpack)) == "xnnpack");
}

TEST_CASE("an unknown $LOWBIT_FLOAT_KERNELS is refused by name", "[float][options]") {
  const char* env = std::getenv("LOWBIT_FLOAT_KERNELS");
  const std::string saved = env != nullptr ? env : "";
  setenv("LOWBIT_FLOAT_KERNELS", "fastest", 1);
  FloatKernels resolved = FloatKernels::kDefault;
  const Status status = resolve_float_kernels(&resolved);
  if (env != nullptr) {
    setenv("LOWBIT_FLOAT_KERNELS", saved.c_str(), 1);
  } else {
    unsetenv("LOWBIT_FLOAT_KERNELS");
  }
  CHECK(status.code() == StatusCode::kInvalidArgument);
  CHECK(status.message().find("fastest") != std::string::npos);
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
