// Structure-aware fuzzing: random edits of valid graphs (indices, shapes,
// dtypes, quantization, option values) go through the writer, the reader and
// every operator's validation; what is accepted is also prepared and invoked.
// The only requirement is a clean outcome (no crash, no sanitizer report).
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <cstring>
#include <random>

#include "format/lbm_format.h"
#include "format_test_util.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {
namespace {

int32_t odd_value(std::mt19937& rng) {
  static const int32_t kValues[] = {-1, 0, 1, 2, 3, 4, 7, 33, 65536, INT32_MAX, INT32_MIN};
  return kValues[rng() % (sizeof(kValues) / sizeof(kValues[0]))];
}

void mutate_options(OpOptions& options, std::mt19937& rng) {
  std::visit(
      [&](auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, Conv2DOptions> || std::is_same_v<T, BConv2DOptions> ||
                      std::is_same_v<T, DepthwiseConv2DOptions>) {
          o.stride_h = odd_value(rng);
          o.dilation_w = odd_value(rng);
        } else if constexpr (std::is_same_v<T, Pool2DOptions>) {
          o.filter_h = odd_value(rng);
          o.stride_w = odd_value(rng);
        } else if constexpr (std::is_same_v<T, MeanOptions>) {
          o.axes = {odd_value(rng), odd_value(rng)};
        } else if constexpr (std::is_same_v<T, ReshapeOptions>) {
          o.new_shape = {odd_value(rng), odd_value(rng)};
        } else if constexpr (std::is_same_v<T, PadOptions>) {
          o.paddings.assign(rng() % 10, odd_value(rng));
        } else if constexpr (std::is_same_v<T, ConcatenationOptions>) {
          o.axis = odd_value(rng);
        } else if constexpr (std::is_same_v<T, SoftmaxOptions>) {
          o.beta = static_cast<float>(odd_value(rng));
        }
      },
      options);
}

void mutate(GraphDesc& g, std::mt19937& rng) {
  const int n = static_cast<int>(g.tensors.size());
  switch (rng() % 7) {
    case 0: {
      TensorDesc& t = g.tensors[rng() % n];
      if (t.shape.rank > 0) t.shape.dims[rng() % t.shape.rank] = odd_value(rng);
      break;
    }
    case 1: {
      TensorDesc& t = g.tensors[rng() % n];
      if (!t.is_constant()) t.dtype = static_cast<DType>(rng() % 5);
      break;
    }
    case 2: {
      TensorDesc& t = g.tensors[rng() % n];
      if (!t.is_constant()) t.shape.rank = static_cast<int>(rng() % 6);
      break;
    }
    case 3: {
      OperatorDesc& op = g.operators[rng() % g.operators.size()];
      if (!op.inputs.empty()) op.inputs[rng() % op.inputs.size()] = static_cast<int>(rng() % (n + 1)) - 1;
      break;
    }
    case 4: {
      OperatorDesc& op = g.operators[rng() % g.operators.size()];
      if (rng() % 2) op.inputs.push_back(static_cast<int>(rng() % n));
      else if (!op.inputs.empty()) op.inputs.pop_back();
      break;
    }
    case 5:
      mutate_options(g.operators[rng() % g.operators.size()].options, rng);
      break;
    default: {
      TensorDesc& t = g.tensors[rng() % n];
      t.quant = rng() % 2 ? per_tensor(0.125f, static_cast<int32_t>(rng() % 300) - 150)
                          : Quantization();
      break;
    }
  }
}

TEST_CASE("random graph mutations are always a clean Status") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  ModelBuilder rich;
  build_every_option_graph(rich);
  ModelBuilder valid;
  build_valid_every_option_graph(valid);

  // A runnable chain: int8 conv-free pool → pool, plus a float add.
  ModelBuilder runnable;
  const Quantization q = per_tensor(0.5f, -1);
  const int in = runnable.add_tensor("in", DType::kInt8, {1, 4, 4, 2}, q);
  const int mid = runnable.add_tensor("mid", DType::kInt8, {1, 2, 2, 2}, q);
  const int out = runnable.add_tensor("out", DType::kInt8, {1, 1, 1, 2}, q);
  Pool2DOptions pool;
  pool.filter_h = pool.filter_w = pool.stride_h = pool.stride_w = 2;
  runnable.add_operator(OpType::kMaxPool2D, {in}, {mid}, pool);
  runnable.add_operator(OpType::kMaxPool2D, {mid}, {out}, pool);
  runnable.set_inputs({in});
  runnable.set_outputs({out});

  int accepted = 0, rejected = 0;
  for (const ModelBuilder* base : {&rich, &runnable, &valid}) {
    for (int i = 0; i < scaled_iterations(1500); ++i) {
      CAPTURE(i);
      GraphDesc g = base->graph();
      const int edits = 1 + static_cast<int>(rng() % 3);
      for (int k = 0; k < edits; ++k) mutate(g, rng);
      Result<std::vector<uint8_t>> bytes = serialize_graph(g);
      if (!bytes.ok()) continue;
      const PlacedBytes file(bytes.value(), 0);
      auto model = Model::from_buffer(file.data(), file.size());
      if (model.ok()) {
        ++accepted;
        Interpreter interp(model.value());
        if (interp.prepare().ok()) {
          for (size_t k = 0; k < interp.num_inputs(); ++k) {
            TensorView v = interp.input(k);
            if (v.bytes) std::memset(v.data, 0x5a, v.bytes);
          }
          (void)interp.invoke();
        }
      } else {
        ++rejected;
        CHECK_FALSE(model.status().message().empty());
      }
    }
  }
  INFO("accepted " << accepted << ", rejected " << rejected);
  CHECK(rejected > 0);
  CHECK(accepted > 0);
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
