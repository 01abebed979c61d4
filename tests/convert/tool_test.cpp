// The lowbit-convert command line: exit codes, summary, --quiet, and that the
// file it writes loads. The tool sits next to this test binary in build/bin.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "convert_test_util.h"
#include "tflite_writer.h"

namespace lowbit {
namespace testing {
namespace {

std::string tool_path() {
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n <= 0) return "";
  std::string path(self, static_cast<size_t>(n));
  return path.substr(0, path.rfind('/') + 1) + "lowbit-convert";
}

struct ToolRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

ToolRun run_tool(const std::string& args) {
  const std::string tool = tool_path();
  std::ifstream probe(tool);
  if (!probe.good()) {
    FAIL("lowbit-convert is not built next to this test (" << tool
                                                          << "); build the lowbit-convert target");
  }
  ToolRun run;
  FILE* pipe = popen(("'" + tool + "' " + args + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.output.append(buffer, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string temp_path(const std::string& name) {
  return "/tmp/lowbit_convert_test_" + std::to_string(getpid()) + "_" + name;
}

}  // namespace

TEST_CASE("lowbit-convert writes a loadable model and prints a summary", "[convert][tool]") {
  const std::string in = require_models_dir() + "/tflite_micro/person_detect.tflite";
  const std::string out = temp_path("person.lbm");
  const ToolRun run = run_tool("'" + in + "' '" + out + "'");
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.output, Catch::Contains("CONV_2D x14") && Catch::Contains("DEPTHWISE_CONV_2D x14") &&
                             Catch::Contains("MACs: int8 7,157,888"));
  Result<std::shared_ptr<const Model>> model = Model::from_file(out);
  INFO(model.status().to_string());
  CHECK(model.ok());
  std::remove(out.c_str());

  const ToolRun quiet = run_tool("--quiet '" + in + "' '" + out + "'");
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.output.empty());
  std::remove(out.c_str());
}

TEST_CASE("lowbit-convert fails clearly on bad input", "[convert][tool]") {
  SECTION("missing file") {
    const ToolRun run = run_tool("/nonexistent/model.tflite " + temp_path("x.lbm"));
    CHECK(run.exit_code != 0);
    CHECK_THAT(run.output, Catch::Contains("cannot open"));
  }
  SECTION("wrong usage") {
    CHECK(run_tool("only_one_argument.tflite").exit_code != 0);
    CHECK(run_tool("--bogus a b").exit_code != 0);
  }
  SECTION("unsupported operators are listed") {
    TfliteWriter w;
    const int x = w.add_tensor("x", kTflFloat32, {1, 4});
    const int y = w.add_tensor("y", kTflFloat32, {1, 4});
    const int z = w.add_tensor("z", kTflFloat32, {1, 4});
    w.add_operator(w.builtin_code(77), {x}, {y});     // SHAPE
    w.add_operator(w.builtin_code(39), {y}, {z});     // TRANSPOSE
    w.set_inputs({x});
    w.set_outputs({z});
    const std::vector<uint8_t> bytes = w.finish();
    const std::string in = temp_path("unsupported.tflite");
    std::ofstream(in, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
    const std::string out = temp_path("unsupported.lbm");
    const ToolRun run = run_tool("'" + in + "' '" + out + "'");
    INFO(run.output);
    CHECK(run.exit_code != 0);
    CHECK_THAT(run.output, Catch::Contains("operator 0 (SHAPE)") && Catch::Contains("operator 1 (TRANSPOSE)"));
    std::ifstream written(out);
    CHECK(!written.good());
    std::remove(in.c_str());
  }
}

}  // namespace testing
}  // namespace lowbit
