// A model may carry "accumulator_range.v1" prepared data: the converter's
// statement that no int32 accumulator of the layer can overflow, which lets
// prepare skip the pass over the weights. A file can state it falsely. Then
// the numbers are wrong, as wrong weights would make them, but every kernel
// set must still run without undefined behaviour (the sanitizer build runs
// this test: a signed overflow anywhere in a kernel aborts it) and all of
// them must agree, because every one accumulates modulo 2^32.
#include <catch2/catch.hpp>
#include <climits>
#include <cstring>
#include <memory>
#include <random>

#include "format/lbm_format.h"
#include "runtime/cpu_features.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {
namespace {

// Weights at +127 and biases at the ends of the int32 range: sums of a few
// products already leave it. One layer of each driver path that accumulates.
void build_overflowing_graph(ModelBuilder& b) {
  const int kChannels = 16;
  auto weights = [&](const std::string& name, Shape shape, int axis) {
    std::vector<int8_t> w(size_t(shape.num_elements()), 127);
    std::vector<float> scales(size_t(shape[axis]), 0.003f);
    return b.add_constant(name, DType::kInt8, shape, w, per_axis(scales, axis));
  };
  auto bias = [&](const std::string& name, int channels, float input_scale) {
    std::vector<int32_t> values(static_cast<size_t>(channels));
    for (int c = 0; c < channels; ++c) values[size_t(c)] = c % 2 ? INT32_MAX - 3000 : INT32_MIN + 3000;
    std::vector<float> scales(size_t(channels), input_scale * 0.003f);
    return b.add_constant(name, DType::kInt32, Shape{channels}, values, per_axis(scales, 0));
  };
  auto activation = [&](const std::string& name, Shape shape) {
    return b.add_tensor(name, DType::kInt8, shape, per_tensor(0.05f, -3));
  };
  const int x = activation("input", Shape{1, 6, 6, kChannels});
  Conv2DOptions same;
  same.padding = Padding::kSame;
  const int y1 = activation("conv3x3/out", Shape{1, 6, 6, kChannels});
  b.add_operator(OpType::kConv2D,
                 {x, weights("conv3x3/w", Shape{kChannels, 3, 3, kChannels}, 0),
                  bias("conv3x3/b", kChannels, 0.05f)},
                 {y1}, same, "conv3x3");
  DepthwiseConv2DOptions dw;
  dw.padding = Padding::kSame;
  const int y2 = activation("depthwise/out", Shape{1, 6, 6, kChannels});
  b.add_operator(OpType::kDepthwiseConv2D,
                 {y1, weights("depthwise/w", Shape{1, 3, 3, kChannels}, 3),
                  bias("depthwise/b", kChannels, 0.05f)},
                 {y2}, dw, "depthwise");
  const int y3 = activation("conv1x1/out", Shape{1, 6, 6, kChannels});
  b.add_operator(OpType::kConv2D,
                 {y2, weights("conv1x1/w", Shape{kChannels, 1, 1, kChannels}, 0),
                  bias("conv1x1/b", kChannels, 0.05f)},
                 {y3}, Conv2DOptions{}, "conv1x1");
  const int flat = activation("flat", Shape{1, 6 * 6 * kChannels});
  b.add_operator(OpType::kReshape, {y3}, {flat}, ReshapeOptions{{1, 6 * 6 * kChannels}},
                 "flatten");
  const int y4 = activation("fc/out", Shape{1, 10});
  b.add_operator(OpType::kFullyConnected,
                 {flat, weights("fc/w", Shape{10, 6 * 6 * kChannels}, 0), bias("fc/b", 10, 0.05f)},
                 {y4}, FullyConnectedOptions{}, "fc");
  b.set_inputs({x});
  b.set_outputs({y3, y4});
}

std::vector<uint8_t> serialized(const GraphDesc& graph) {
  Result<std::vector<uint8_t>> bytes = serialize_graph(graph);
  REQUIRE(bytes.ok());
  return bytes.value();
}

TEST_CASE("prepared data: a false accumulator-range fact runs without undefined behaviour") {
  ModelBuilder builder;  // owns the constants the graphs point at
  build_overflowing_graph(builder);
  const GraphDesc& honest = builder.graph();
  const std::vector<uint8_t> refused = serialized(honest);
  {
    auto model = Model::from_buffer(refused.data(), refused.size());
    REQUIRE(model.ok());
    Interpreter interp(model.value());
    const Status status = interp.prepare();
    REQUIRE_FALSE(status.ok());
    CHECK_THAT(status.message(), Catch::Contains("conv3x3"));
    CHECK_THAT(status.message(), Catch::Contains("can overflow"));
  }
  // Every accumulating layer claims its range was checked.
  GraphDesc lying = honest;
  alignas(64) static const uint8_t kEmpty[64] = {};
  for (OperatorDesc& op : lying.operators) {
    if (op.type == OpType::kReshape) continue;
    op.prepared.push_back(PreparedData{"accumulator_range.v1 int8 zx=-3", kEmpty, 0});
  }
  const std::vector<uint8_t> file = serialized(lying);
  std::mt19937 rng(test_seed());
  const Bytes input = random_ints<uint8_t>(rng, 6 * 6 * 16, 0, 255);

  auto run = [&](const InterpreterOptions& options, std::vector<Bytes>* outputs) {
    auto storage = std::make_shared<std::vector<uint8_t>>(file);
    auto model = Model::from_buffer(storage->data(), storage->size());
    REQUIRE(model.ok());
    Interpreter interp(model.value(), options);
    REQUIRE(interp.prepare().ok());
    std::memcpy(interp.input(0).data, input.data(), input.size());
    REQUIRE(interp.invoke().ok());
    outputs->clear();
    for (size_t i = 0; i < interp.num_outputs(); ++i) {
      const auto* p = static_cast<const uint8_t*>(interp.output(i).data);
      outputs->emplace_back(p, p + interp.output(i).bytes);
    }
  };
  for (RequantProfile profile : {RequantProfile::kTfliteReference, RequantProfile::kSingleRounding,
                                 RequantProfile::kTfliteOptimized, RequantProfile::kXnnpackFp32}) {
    INFO("profile " << requant_profile_name(profile) << ", seed " << test_seed());
    InterpreterOptions reference;
    reference.profile = profile;
    reference.kernel = "reference";
    std::vector<Bytes> expected;
    run(reference, &expected);
    for (int threads : {1, 2, 3}) {
      InterpreterOptions best;
      best.profile = profile;
      best.num_threads = threads;
      std::vector<Bytes> got;
      run(best, &got);
      CHECK(got == expected);
    }
    // The other kernel sets this CPU runs (the x86 fallbacks' scalar code).
    const CpuFeatures cpu = CpuFeatures::detect();
    for (const char* isa : {"avx2", "avxvnni", "avx512", "avx512vnni", "neon", "neondot", "i8mm"}) {
      const auto* set = find_isa(isa);
      if (set == nullptr || !cpu.has(set->features)) continue;
      INFO("kernel set " << isa);
      InterpreterOptions forced;
      forced.profile = profile;
      forced.kernel = isa;
      std::vector<Bytes> got;
      run(forced, &got);
      CHECK(got == expected);
    }
  }
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
