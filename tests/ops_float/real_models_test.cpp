// The shared, trained float models (../shared/models): converted, then run
// through the float kernels on 1, 2 and 4 threads, which must agree bit for bit.
#include <fstream>
#include <iterator>

#include "convert/tflite_importer.h"
#include "test_common.h"

namespace lowbit {
namespace testing {
namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

TEST_CASE("shared float models give identical outputs on 1, 2 and 4 threads",
          "[float][models][threads]") {
  const std::string dir = shared_models_dir();
  if (dir.empty()) {
    WARN("../shared/models is absent ($LOWBIT_MODELS_DIR unset): real float models not tested");
    return;
  }
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (const char* name : {"mlperf_tiny/vww_96_float.tflite",
                           "mlperf_tiny/kws_ref_model_float32.tflite",
                           "mlperf_tiny/ad01_fp32.tflite"}) {
    INFO(name);
    const std::vector<uint8_t> tflite = read_file(dir + "/" + name);
    REQUIRE(!tflite.empty());
    ModelBuilder builder;
    ConversionSummary summary;
    const Status converted = import_tflite(tflite.data(), tflite.size(), &builder, &summary);
    INFO(converted.to_string());
    REQUIRE(converted.ok());
    const GraphDesc& g = builder.graph();
    REQUIRE(g.inputs.size() == 1);
    const std::vector<float> input =
        random_floats(rng, size_t(g.tensors[g.inputs[0]].shape.num_elements()), -1, 1);
    std::vector<uint8_t> first;
    for (int threads : {1, 2, 4}) {
      InterpreterOptions options;
      options.num_threads = threads;
      const RunResult r = run_model(builder, {to_bytes(input)}, options);
      INFO("threads " << threads << ": " << r.status.to_string());
      REQUIRE(r.status.ok());
      REQUIRE(r.outputs.size() == 1);
      size_t float_kernels = 0;
      for (const std::string& k : r.kernels) float_kernels += k.rfind("f32_", 0) == 0;
      CHECK(float_kernels > 0);
      for (float v : from_bytes<float>(r.outputs[0])) CHECK(std::isfinite(v));
      if (threads == 1) {
        first = r.outputs[0];
      } else {
        CHECK(r.outputs[0] == first);
      }
    }
  }
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
