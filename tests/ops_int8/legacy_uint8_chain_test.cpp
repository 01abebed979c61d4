// Legacy uint8 activations stored sign-flipped between the operators that
// share them (runtime/flipped_uint8.h): a chain of uint8 layers in every
// weight form, with a layer left on the reference kernel in the middle and a
// residual ADD, gives the reference set's bytes (which flips nothing) on
// every kernel set and thread count, and the SIMD sets store exactly the
// inner tensors flipped.
#include <catch2/catch.hpp>

#include <random>

#include "int8_test_util.h"
#include "runtime/cpu_features.h"

namespace lowbit {
namespace {

class ChainBuilder {
 public:
  explicit ChainBuilder(std::mt19937& rng) : rng_(rng) {}

  int activation(const std::string& name, int32_t channels, int32_t zero_point) {
    return builder_.add_tensor(name, DType::kUInt8, Shape{1, 8, 8, channels},
                                     testing::per_tensor(0.08f, zero_point));
  }
  // CONV_2D (kernel x kernel, channels in -> out) or, with out 0,
  // DEPTHWISE_CONV_2D; weights drawn from [lo, hi] around `weight_zero_point`.
  void layer(int in, int out, int32_t in_c, int32_t out_c, int32_t kernel,
             int32_t weight_zero_point, int lo, int hi) {
    ModelBuilder& b = builder_;
    const bool dw = out_c == 0;
    const int32_t oc = dw ? in_c : out_c;
    const Shape w_shape = dw ? Shape{1, kernel, kernel, oc} : Shape{oc, kernel, kernel, in_c};
    const std::string name = "layer" + std::to_string(layers_++);
    const int w = b.add_constant(
        name + "/weights", DType::kUInt8, w_shape,
        testing::random_ints<uint8_t>(rng_, size_t(w_shape.num_elements()), lo, hi),
        testing::per_tensor(0.01f, weight_zero_point));
    const int bias = b.add_constant(name + "/bias", DType::kInt32, Shape{oc},
                                    testing::random_ints<int32_t>(rng_, size_t(oc), -2000, 2000),
                                    testing::per_tensor(0.08f * 0.01f, 0));
    if (dw) {
      DepthwiseConv2DOptions opt;
      opt.padding = Padding::kSame;
      opt.activation = Activation::kRelu6;
      b.add_operator(OpType::kDepthwiseConv2D, {in, w, bias}, {out}, opt, name);
    } else {
      Conv2DOptions opt;
      opt.padding = Padding::kSame;
      opt.activation = Activation::kNone;
      b.add_operator(OpType::kConv2D, {in, w, bias}, {out}, opt, name);
    }
  }
  ModelBuilder& builder() { return builder_; }

 private:
  std::mt19937& rng_;
  ModelBuilder builder_;
  int layers_ = 0;
};

// One run under `kernel_set` (which tensors it stored flipped, its kernels).
testing::RunResult run_with(const ModelBuilder& b, const testing::Bytes& input,
                            const char* kernel_set) {
  InterpreterOptions options;
  options.kernel = kernel_set;
  testing::RunResult r = testing::run_model(b, {input}, options);
  REQUIRE(r.status.ok());
  return r;
}

TEST_CASE("legacy uint8 tensors stored flipped between layers keep every byte",
          "[uint8][legacy_uint8][conv2d][depthwise][add]") {
  std::mt19937 rng(testing::test_seed());
  ChainBuilder c(rng);
  ModelBuilder& b = c.builder();
  const int input = c.activation("input", 16, 37);
  const int t1 = c.activation("t1", 24, 120);
  const int t2 = c.activation("t2", 16, 128);
  const int t3 = c.activation("t3", 16, 5);
  const int t4 = c.activation("t4", 16, 130);
  const int t5 = c.activation("t5", 16, 99);
  const int output = c.activation("output", 8, 140);
  // 3x3, full-range weights: row sums gathered per tap from the graph input
  // the layer flips itself.
  c.layer(input, t1, 16, 24, 3, 128, 1, 255);
  // 1x1 on a flipped input: pixel sums without a flip.
  c.layer(t1, t2, 24, 16, 1, 200, 1, 255);
  // Depthwise whose w - zw fit int8 (the shifted form).
  c.layer(t2, t3, 16, 0, 3, 100, 0, 227);
  // Depthwise no int8 form holds (w - zw up to 255): the uint8 reference
  // kernel between two flipped tensors.
  c.layer(t3, t4, 16, 0, 3, 0, 250, 255);
  ElementwiseOptions add;
  b.add_operator(OpType::kAdd, {t4, t2}, {t5}, add, "residual");
  c.layer(t5, output, 16, 8, 1, 60, 1, 255);
  b.set_inputs({input});
  b.set_outputs({output});

  const testing::Bytes in = testing::random_ints<uint8_t>(rng, 8 * 8 * 16, 0, 255);
  for (RequantProfile profile : {RequantProfile::kTfliteReference, RequantProfile::kXnnpackFp32}) {
    CAPTURE(requant_profile_name(profile));
    int8_test::run_all_thread_counts(b, {in}, profile, "qu8_conv2d__reference");
  }
  for (const char* kernel_set : {"reference", "auto"}) {
    const testing::RunResult r = run_with(b, in, kernel_set);
    const bool simd = std::string(kernel_set) != "reference";
    CAPTURE(kernel_set);
    for (int t : {t1, t2, t3, t4, t5}) CHECK(r.sign_flipped.at(size_t(t)) == simd);
    CHECK_FALSE(r.sign_flipped.at(size_t(input)));
    CHECK_FALSE(r.sign_flipped.at(size_t(output)));
    // The layer no int8 form holds keeps the reference kernel either way.
    CHECK(r.kernels.at(3) == "qu8_depthwise_conv2d__reference");
  }
}

// ADD and SUB take their uint8 operands all flipped or none: a SUB of a
// graph input (never flipped) keeps its other operand and its output
// unflipped too, and so the layers around them convert at that edge.
TEST_CASE("a SUB of the graph input keeps its operands unflipped", "[uint8][legacy_uint8][add]") {
  std::mt19937 rng(testing::test_seed());
  for (const bool add_graph_input : {false, true}) {
    CAPTURE(add_graph_input);
    ChainBuilder c(rng);
    ModelBuilder& b = c.builder();
    const int input = c.activation("input", 16, 37);
    const int t1 = c.activation("t1", 16, 120);
    const int t2 = c.activation("t2", 16, 128);
    const int t3 = c.activation("t3", 16, 99);
    const int output = c.activation("output", 8, 140);
    c.layer(input, t1, 16, 16, 1, 128, 1, 255);
    c.layer(t1, t2, 16, 16, 3, 90, 1, 255);
    ElementwiseOptions add;
    b.add_operator(OpType::kSub, {t2, add_graph_input ? input : t1}, {t3}, add, "sub");
    c.layer(t3, output, 16, 8, 1, 60, 1, 255);
    b.set_inputs({input});
    b.set_outputs({output});
    const testing::Bytes in = testing::random_ints<uint8_t>(rng, 8 * 8 * 16, 0, 255);
    int8_test::run_all_thread_counts(b, {in}, RequantProfile::kTfliteReference,
                                     "qu8_conv2d__reference");
    const std::vector<bool> flipped = run_with(b, in, "auto").sign_flipped;
    // t1 runs between two convolutions either way.
    CHECK(flipped.at(size_t(t1)));
    CHECK(flipped.at(size_t(t2)) == !add_graph_input);
    CHECK(flipped.at(size_t(t3)) == !add_graph_input);
  }
}

}  // namespace
}  // namespace lowbit
