// Bad operands give a Status naming the operand at fault, never a crash; and
// XNNPACK failures are translated into messages naming the operator type.
#include "ops/float/float_kernels.h"
#include "ops/float/xnn_kernel.h"
#include "test_common.h"

namespace lowbit {
namespace testing {
namespace {

// A conv graph with the pieces each case then breaks.
struct ConvPieces {
  Shape input = {1, 6, 6, 4};
  Shape filter = {8, 3, 3, 4};
  size_t filter_values = 8 * 3 * 3 * 4;
  bool filter_constant = true;
  Shape bias = {8};
  size_t bias_values = 8;
  Shape output = {1, 4, 4, 8};
  DType input_dtype = DType::kFloat32;
  OpOptions options = Conv2DOptions{};
};

KernelRun run_conv(const ConvPieces& p) {
  SingleOpGraph g;
  const int in = g.add_input(p.input, p.input_dtype);
  const int f = p.filter_constant
                    ? g.add_constant(p.filter, std::vector<float>(p.filter_values, 0.5f))
                    : g.add_input(p.filter);
  const int b = g.add_constant(p.bias, std::vector<float>(p.bias_values, 0.0f));
  g.add_output(p.output);
  g.set_op(OpType::kConv2D, {in, f, b}, p.options);
  std::vector<std::vector<float>> inputs = {std::vector<float>(144, 1.0f)};
  if (!p.filter_constant) inputs.push_back(std::vector<float>(p.filter_values, 0.5f));
  return g.run(inputs);
}

void expect_error(const KernelRun& run, const std::vector<std::string>& fragments) {
  INFO(run.status.to_string());
  REQUIRE_FALSE(run.status.ok());
  for (const std::string& f : fragments) CHECK_THAT(run.status.message(), Catch::Contains(f));
}

TEST_CASE("float conv2d reports bad operands by name", "[float][errors]") {
  REQUIRE(run_conv(ConvPieces{}).status.ok());  // the unbroken graph works

  ConvPieces p;
  p.filter_constant = false;
  expect_error(run_conv(p), {"input 1", "constant"});

  p = ConvPieces{};
  p.filter = {8, 3, 3, 3};  // 3 does not divide 4 input channels
  p.filter_values = 8 * 3 * 3 * 3;
  expect_error(run_conv(p), {"input 1", "divide"});

  p = ConvPieces{};
  p.input = {1, 6, 6, 0};  // no channels to group
  expect_error(run_conv(p), {"input 1", "divide"});

  p = ConvPieces{};
  p.bias = {7};
  p.bias_values = 7;
  expect_error(run_conv(p), {"input 2"});

  p = ConvPieces{};
  p.filter_values = 10;  // shape says 288 values
  expect_error(run_conv(p), {"input 1"});

  p = ConvPieces{};
  p.output = {1, 6, 6, 8};  // VALID 3x3 gives 4x4
  expect_error(run_conv(p), {"output 0", "[1,4,4,8]"});

  p = ConvPieces{};
  p.input_dtype = DType::kInt8;
  expect_error(run_conv(p), {"input 0", "float32"});

  p = ConvPieces{};
  p.options = Pool2DOptions{};
  expect_error(run_conv(p), {"options", "CONV_2D"});

  p = ConvPieces{};
  Conv2DOptions zero_stride;
  zero_stride.stride_h = 0;
  p.options = zero_stride;
  expect_error(run_conv(p), {"stride"});
}

TEST_CASE("float depthwise, fully connected, pool and softmax report bad operands",
          "[float][errors]") {
  {
    SingleOpGraph g;  // 10 filter channels are not a multiple of 4 input channels
    const int in = g.add_input({1, 5, 5, 4});
    const int f = g.add_constant({1, 3, 3, 10}, std::vector<float>(90, 1.0f));
    g.add_output({1, 3, 3, 10});
    g.set_op(OpType::kDepthwiseConv2D, {in, f}, DepthwiseConv2DOptions{});
    expect_error(g.run({std::vector<float>(100)}), {"input 1", "depth_multiplier"});
  }
  {
    SingleOpGraph g;  // 10 input values do not split into rows of 4
    const int in = g.add_input({2, 5});
    const int wt = g.add_constant({3, 4}, std::vector<float>(12, 1.0f));
    g.add_output({2, 3});
    g.set_op(OpType::kFullyConnected, {in, wt});
    expect_error(g.run({std::vector<float>(10)}), {"input 0", "depth 4"});
  }
  {
    SingleOpGraph g;  // a VALID 5x5 window does not fit a 4x4 image
    const int in = g.add_input({1, 4, 4, 2});
    g.add_output({1, 1, 1, 2});
    Pool2DOptions o;
    o.filter_h = o.filter_w = 5;
    g.set_op(OpType::kMaxPool2D, {in}, o);
    expect_error(g.run({std::vector<float>(32)}), {"height", "exceeds"});
  }
  {
    SingleOpGraph g;
    const int in = g.add_input({2, 4});
    g.add_output({2, 4});
    SoftmaxOptions o;
    o.beta = std::numeric_limits<float>::infinity();
    g.set_op(OpType::kSoftmax, {in}, o);
    expect_error(g.run({std::vector<float>(8)}), {"beta"});
  }
  {
    SingleOpGraph g;  // output shape differs from the input's
    const int in = g.add_input({2, 4});
    g.add_output({4, 2});
    g.set_op(OpType::kLogistic, {in});
    expect_error(g.run({std::vector<float>(8)}), {"output 0", "[2,4]"});
  }
}

TEST_CASE("float kernels refuse operator types they do not implement", "[float][errors]") {
  OperatorDesc op;
  op.type = OpType::kPad;
  const Result<std::unique_ptr<OpKernel>> k = create_float_kernel(GraphDesc{}, op);
  REQUIRE_FALSE(k.ok());
  CHECK(k.status().code() == StatusCode::kUnsupported);
  CHECK_THAT(k.status().message(), Catch::Contains("PAD"));
}

// Exposes the status translation of the kernel base class.
class ProbeKernel final : public XnnKernel {
 public:
  explicit ProbeKernel(const OperatorDesc& op) : XnnKernel(op, "f32_probe__xnnpack") {}
  Status prepare(PrepareContext&) override { return Status::Ok(); }
  using XnnKernel::check;
};

TEST_CASE("XNNPACK failures become Status errors naming the operator and the step",
          "[float][errors]") {
  OperatorDesc op;
  op.type = OpType::kAveragePool2D;
  const ProbeKernel probe(op);
  CHECK(probe.check(xnn_status_success, "anything").ok());
  const Status invalid = probe.check(xnn_status_invalid_parameter, "creating the average pooling");
  CHECK(invalid.code() == StatusCode::kUnsupported);
  CHECK_THAT(invalid.message(), Catch::Contains("AVERAGE_POOL_2D") &&
                                    Catch::Contains("creating the average pooling") &&
                                    Catch::Contains("invalid parameter"));
  CHECK(probe.check(xnn_status_out_of_memory, "setting up").code() ==
        StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
