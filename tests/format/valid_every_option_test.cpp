// A graph that passes full verification (every operator's own rules) and
// still uses every options kind: loading it through the public API must
// give back exactly what was built.
#include <catch2/catch.hpp>

#include "format_test_util.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {
namespace {

void build_valid_every_option_graph(ModelBuilder& b) {
  b.set_description("valid graph, every options kind");
  const DType f32 = DType::kFloat32;
  const int x = b.add_tensor("x", f32, {1, 8, 8, 4});

  Conv2DOptions conv;
  conv.padding = Padding::kSame;
  conv.activation = Activation::kRelu;
  const int conv_w = b.add_constant("conv/w", f32, {4, 3, 3, 4}, std::vector<float>(144, 0.01f));
  const int conv_b = b.add_constant("conv/b", f32, {4}, std::vector<float>{0.1f, 0.2f, 0.3f, 0.4f});
  const int c = b.add_tensor("conv", f32, {1, 8, 8, 4});
  b.add_operator(OpType::kConv2D, {x, conv_w, conv_b}, {c}, conv, "conv");

  DepthwiseConv2DOptions dw;
  dw.padding = Padding::kSame;
  dw.stride_h = dw.stride_w = 2;
  dw.depth_multiplier = 2;
  dw.activation = Activation::kRelu6;
  const int dw_w = b.add_constant("dw/w", f32, {1, 3, 3, 8}, std::vector<float>(72, -0.02f));
  const int dw_b = b.add_constant("dw/b", f32, {8}, std::vector<float>(8, 0.5f));
  const int d = b.add_tensor("dw", f32, {1, 4, 4, 8});
  b.add_operator(OpType::kDepthwiseConv2D, {c, dw_w, dw_b}, {d}, dw, "dw");

  Pool2DOptions pool;
  pool.filter_h = pool.filter_w = pool.stride_h = pool.stride_w = 2;
  const int p = b.add_tensor("pool", f32, {1, 2, 2, 8});
  b.add_operator(OpType::kAveragePool2D, {d}, {p}, pool, "pool");

  const int a = b.add_tensor("add", f32, {1, 2, 2, 8});
  b.add_operator(OpType::kAdd, {p, p}, {a}, ElementwiseOptions{Activation::kRelu}, "add");

  MeanOptions mean;
  mean.axes = {1, 2};
  mean.keep_dims = true;
  const int m = b.add_tensor("mean", f32, {1, 1, 1, 8});
  b.add_operator(OpType::kMean, {a}, {m}, mean, "mean");

  const int r = b.add_tensor("reshape", f32, {1, 8});
  b.add_operator(OpType::kReshape, {m}, {r}, ReshapeOptions{{1, -1}}, "reshape");

  FullyConnectedOptions fc;
  fc.activation = Activation::kReluN1To1;
  const int fc_w = b.add_constant("fc/w", f32, {4, 8}, std::vector<float>(32, 0.125f));
  const int fc_b = b.add_constant("fc/b", f32, {4}, std::vector<float>(4, -0.25f));
  const int f = b.add_tensor("fc", f32, {1, 4});
  b.add_operator(OpType::kFullyConnected, {r, fc_w, fc_b}, {f}, fc, "fc");

  const int s = b.add_tensor("softmax", f32, {1, 4});
  b.add_operator(OpType::kSoftmax, {f}, {s}, SoftmaxOptions{0.5f}, "softmax");

  const int cat = b.add_tensor("concat", f32, {1, 8});
  b.add_operator(OpType::kConcatenation, {s, f}, {cat}, ConcatenationOptions{1, Activation::kNone},
                 "concat");

  const int padded = b.add_tensor("pad", f32, {1, 10});
  b.add_operator(OpType::kPad, {cat}, {padded}, PadOptions{{0, 0, 1, 1}}, "pad");

  // Binary branch: pack the input, binary conv, binary max pool, binary FC.
  const int bits = b.add_tensor("bits", DType::kBit, {1, 8, 8, 4});
  b.add_operator(OpType::kBitpack, {x}, {bits}, {}, "pack");
  BConv2DOptions bconv;
  bconv.padding = Padding::kSame;
  bconv.pad_values = 1;
  const int bconv_w = b.add_constant("bconv/w", DType::kBit, {2, 3, 3, 4},
                                     std::vector<uint32_t>(18, 0x5u));
  const int bconv_mul = b.add_constant("bconv/mul", f32, {2}, std::vector<float>{0.5f, -1.0f});
  const int bconv_bias = b.add_constant("bconv/bias", f32, {2}, std::vector<float>{0.0f, 1.0f});
  const int bc = b.add_tensor("bconv", f32, {1, 8, 8, 2});
  b.add_operator(OpType::kBConv2D, {bits, bconv_w, bconv_mul, bconv_bias}, {bc}, bconv, "bconv");
  const int bp = b.add_tensor("bmaxpool", DType::kBit, {1, 4, 4, 4});
  b.add_operator(OpType::kBMaxPool2D, {bits}, {bp}, pool, "bmaxpool");
  const int flat_bits = b.add_tensor("flat", f32, {1, 8});
  b.add_operator(OpType::kRelu, {r}, {flat_bits}, {}, "relu");
  const int packed_flat = b.add_tensor("packed_flat", DType::kBit, {1, 8});
  b.add_operator(OpType::kBitpack, {flat_bits}, {packed_flat}, {}, "pack_flat");
  const int bfc_w = b.add_constant("bfc/w", DType::kBit, {3, 8}, std::vector<uint32_t>{1, 2, 3});
  const int bfc_mul = b.add_constant("bfc/mul", f32, {3}, std::vector<float>{1, 1, 1});
  const int bfc_bias = b.add_constant("bfc/bias", f32, {3}, std::vector<float>{0, 0, 0});
  const int bfc = b.add_tensor("bfc", f32, {1, 3});
  b.add_operator(OpType::kBFullyConnected, {packed_flat, bfc_w, bfc_mul, bfc_bias}, {bfc},
                 BFullyConnectedOptions{Activation::kNone}, "bfc");

  b.set_inputs({x});
  b.set_outputs({padded, bc, bp, bfc});
}

TEST_CASE("a fully valid graph with every options kind loads unchanged") {
  ModelBuilder builder;
  build_valid_every_option_graph(builder);
  std::vector<bool> kinds_seen(std::variant_size_v<OpOptions>, false);
  for (const OperatorDesc& op : builder.graph().operators) kinds_seen[op.options.index()] = true;
  for (size_t k = 0; k < kinds_seen.size(); ++k) {
    INFO("options kind " << k);
    CHECK(kinds_seen[k]);
  }

  Result<std::vector<uint8_t>> bytes = builder.finish();
  REQUIRE(bytes.ok());
  const PlacedBytes file(bytes.value(), 0);
  auto model = Model::from_buffer(file.data(), file.size());
  INFO(model.status().to_string());
  REQUIRE(model.ok());
  CHECK(graph_difference(builder.graph(), model.value()->graph()) == "");
  for (const TensorDesc& t : model.value()->graph().tensors) {
    if (t.is_constant()) CHECK(file.contains(t.data));
  }
}

}  // namespace
}  // namespace testing
}  // namespace lowbit

namespace lowbit {
namespace testing {
namespace {

TEST_CASE("the valid every-options graph runs end to end") {
  ModelBuilder builder;
  build_valid_every_option_graph(builder);
  std::mt19937 rng(test_seed());
  const RunResult run = run_model(builder, {to_bytes(random_floats(rng, 256, -1.0f, 1.0f))});
  INFO(run.status.to_string());
  REQUIRE(run.status.ok());
  REQUIRE(run.outputs.size() == 4);
  CHECK(run.outputs[0].size() == 10 * sizeof(float));
  // pad's border columns are zero.
  const std::vector<float> padded = from_bytes<float>(run.outputs[0]);
  CHECK(padded.front() == 0.0f);
  CHECK(padded.back() == 0.0f);
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
