// A random float CONV_2D or DEPTHWISE_CONV_2D case with its reference,
// shared by the sweeps and the thread-count tests.
#pragma once

#include <random>
#include <vector>

#include "test_common.h"

namespace lowbit {
namespace testing {

// Conv2DOptions or DepthwiseConv2DOptions with the window of p.
template <typename Options>
Options window_options(const ConvParams& p, Activation act) {
  Options o;
  o.padding = p.same ? Padding::kSame : Padding::kValid;
  o.stride_h = p.stride_h, o.stride_w = p.stride_w;
  o.dilation_h = p.dilation_h, o.dilation_w = p.dilation_w;
  o.activation = act;
  return o;
}

struct ConvCase {
  SingleOpGraph graph;
  std::vector<float> input, filter, bias;
  Expected expected;
};

inline ConvCase build_conv_case(std::mt19937& rng, const ConvParams& p0, Activation act,
                                bool has_bias) {
  ConvCase c;
  ConvParams p = p0;
  p.act_min = act_range(act).lo;
  p.act_max = act_range(act).hi;
  const bool depthwise = p.depth_multiplier > 0;
  const int out_c = depthwise ? p.in_c * p.depth_multiplier : p.out_c;
  const Dim h = padded_dim(p.in_h, p.kernel_h, p.stride_h, p.dilation_h, p.same);
  const Dim w = padded_dim(p.in_w, p.kernel_w, p.stride_w, p.dilation_w, p.same);
  const int filter_in = depthwise ? 1 : p.in_c / p.groups;
  c.input = random_floats(rng, size_t(p.batch) * p.in_h * p.in_w * p.in_c, -2.0f, 2.0f);
  c.filter = random_floats(rng, size_t(out_c) * p.kernel_h * p.kernel_w * filter_in, -1.0f, 1.0f);
  if (has_bias) c.bias = random_floats(rng, out_c, -1.0f, 1.0f);

  const int in = c.graph.add_input({p.batch, p.in_h, p.in_w, p.in_c});
  const Shape filter_shape = depthwise ? Shape{1, p.kernel_h, p.kernel_w, out_c}
                                       : Shape{out_c, p.kernel_h, p.kernel_w, filter_in};
  const int filter = c.graph.add_constant(filter_shape, c.filter);
  const int bias = has_bias ? c.graph.add_constant({out_c}, c.bias) : kAbsentInput;
  c.graph.add_output({p.batch, h.out, w.out, out_c});
  if (depthwise) {
    auto o = window_options<DepthwiseConv2DOptions>(p, act);
    o.depth_multiplier = p.depth_multiplier;
    c.graph.set_op(OpType::kDepthwiseConv2D, {in, filter, bias}, o);
  } else {
    c.graph.set_op(OpType::kConv2D, {in, filter, bias}, window_options<Conv2DOptions>(p, act));
  }
  c.expected = conv_reference(p, c.input, c.filter, c.bias);
  return c;
}

}  // namespace testing
}  // namespace lowbit
