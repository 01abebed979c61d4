// Seeds of the layers with weights: CONV_2D, DEPTHWISE_CONV_2D,
// FULLY_CONNECTED and TRANSPOSE_CONV (int8 per-channel weights, legacy uint8
// per-tensor weights with a zero point, float32, 16x8; W4A8 int4 weights for
// CONV_2D and FULLY_CONNECTED), the pools, the integer LSTM
// (int8 with its int16 cell state: plain, CIFG with peepholes and clipping,
// time-major) and the binary (LCE) operators.
#include "op_seeds.h"

namespace lowbit::fuzz_seeds {
namespace {

const DType f32 = DType::kFloat32, s8 = DType::kInt8, u8 = DType::kUInt8, bit = DType::kBit;

// Packed bit weights: `rows` rows of `depth` bits, pad bits clear.
std::vector<uint32_t> bit_rows(int rows, int depth) {
  const int words = (depth + 31) / 32;
  std::vector<uint32_t> packed(size_t(rows) * words);
  for (size_t i = 0; i < packed.size(); ++i) {
    const int valid = depth - int(i % words) * 32;
    packed[i] = (0x9E3779B9u * uint32_t(i + 1)) & (valid >= 32 ? ~0u : (1u << valid) - 1u);
  }
  return packed;
}

struct WeightsAndBias {
  int weights, bias;
};

// Weights for an input of `dtype`: int8 per-channel along `channel_axis`
// (per-tensor when it is -1), uint8 per-tensor with a zero point, or float32;
// the int32 bias scale is the input scale times each weight scale.
WeightsAndBias add_weights(ModelBuilder& b, DType dtype, Shape shape, int channels, int channel_axis) {
  const size_t count = static_cast<size_t>(shape.num_elements());
  if (dtype == f32) {
    std::vector<float> weights(count);
    for (size_t i = 0; i < count; ++i) weights[i] = 0.05f * float(int(i % 7) - 3);
    return {b.add_constant("weights", f32, shape, weights),
            b.add_constant("bias", f32, {channels}, spread<float>(size_t(channels), -2, 2))};
  }
  Quantization wq = per_tensor(0.02f, 120);
  int weights;
  if (dtype == s8) {
    wq = per_tensor(0.01f, 0);
    if (channel_axis >= 0) {
      wq = {{}, {}, channel_axis};
      for (int c = 0; c < channels; ++c) {
        wq.scales.push_back(0.01f * float(c + 1));
        wq.zero_points.push_back(0);
      }
    }
    weights = b.add_constant("weights", s8, shape, spread<int8_t>(count, -127, 127), wq);
  } else {
    weights = b.add_constant("weights", u8, shape, spread<uint8_t>(count, 0, 255), wq);
  }
  Quantization bq{{}, {}, 0};
  for (float scale : wq.scales) {
    bq.scales.push_back(shared_quantization(dtype).scales[0] * scale);
    bq.zero_points.push_back(0);
  }
  return {weights, b.add_constant("bias", DType::kInt32, {channels},
                                  spread<int32_t>(size_t(channels), -500, 500), bq)};
}

// CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV: input, weights, bias.
template <typename Options>
void weighted(ModelBuilder& b, OpType type, DType dtype, Shape in, Shape weights_shape,
              int channel_axis, Shape out, Options options) {
  const int x = tensor(b, "in", dtype, in);
  const int channels = out[out.rank - 1];
  const WeightsAndBias w = add_weights(b, dtype, weights_shape, channels, channel_axis);
  const int y = tensor(b, "out", dtype, out);
  b.add_operator(type, {x, w.weights, w.bias}, {y}, options);
  b.set_inputs({x});
  b.set_outputs({y});
}

// The 16x8 form of a weighted layer (TFLite's int16 activations with zero
// point 0, int8 per-channel weights along `channel_axis`, int64 bias);
// TRANSPOSE_CONV also gets its output_shape operand as a constant.
template <typename Options>
void weighted_16x8(ModelBuilder& b, OpType type, Shape in, Shape weights_shape, int channel_axis,
                   Shape out, Options options) {
  const int x = b.add_tensor("in", DType::kInt16, in, per_tensor(1.0f / 4096, 0));
  const int channels = out[out.rank - 1];
  Quantization wq{{}, {}, channel_axis};
  for (int c = 0; c < channels; ++c) {
    wq.scales.push_back(0.01f * float(c + 1));
    wq.zero_points.push_back(0);
  }
  const int w = b.add_constant("weights", s8, weights_shape,
                               spread<int8_t>(size_t(weights_shape.num_elements()), -127, 127), wq);
  const int bias = b.add_constant("bias", DType::kInt64, {channels},
                                  spread<int64_t>(size_t(channels), -40000, 40000));
  std::vector<int> inputs = {x, w, bias};
  if (type == OpType::kTransposeConv) {
    inputs.push_back(b.add_constant("output_shape", DType::kInt32, {4}, out.to_vector()));
  }
  const int y = b.add_tensor("out", DType::kInt16, out, per_tensor(1.0f / 2048, 0));
  b.add_operator(type, inputs, {y}, options);
  b.set_inputs({x});
  b.set_outputs({y});
}

// W4A8: int8 activations, int4 weights per-channel along axis 0 (packed two a
// byte, spread over [-8, 7]; an odd count leaves the last high nibble 0).
template <typename Options>
void weighted_w4a8(ModelBuilder& b, OpType type, Shape in, Shape weights_shape, Shape out,
                   Options options) {
  const int x = tensor(b, "in", s8, in);
  const int channels = weights_shape[0];
  const size_t count = static_cast<size_t>(weights_shape.num_elements());
  std::vector<uint8_t> packed((count + 1) / 2, 0);
  const std::vector<int8_t> values = spread<int8_t>(count, -8, 7);
  for (size_t i = 0; i < count; ++i) {
    packed[i / 2] |= static_cast<uint8_t>((values[i] & 0x0f) << (i % 2 ? 4 : 0));
  }
  Quantization wq{{}, {}, 0}, bq{{}, {}, 0};
  for (int c = 0; c < channels; ++c) {
    wq.scales.push_back(0.1f * float(c + 1));
    wq.zero_points.push_back(0);
    bq.scales.push_back(shared_quantization(s8).scales[0] * wq.scales.back());
    bq.zero_points.push_back(0);
  }
  const int w = b.add_constant("weights", DType::kInt4, weights_shape, packed.data(),
                               packed.size(), wq);
  const int bias = b.add_constant("bias", DType::kInt32, {channels},
                                  spread<int32_t>(size_t(channels), -500, 500), bq);
  const int y = tensor(b, "out", s8, out);
  b.add_operator(type, {x, w, bias}, {y}, options);
  b.set_inputs({x});
  b.set_outputs({y});
}

// Square windows and strides.
Pool2DOptions pool(Padding padding, int size, int stride) {
  return {padding, stride, stride, size, size, Activation::kNone};
}

TransposeConvOptions transpose_conv(Padding padding, int stride, int out_size) {
  return {padding, stride, stride, Activation::kNone, out_size, out_size};
}

// The float32 LSTM with CIFG, peephole and layer-norm weights and a
// projection narrower than the cell (24 inputs), time-major, batch 2.
void lstm_float(ModelBuilder& b) {
  const int units = 4, features = 3, steps = 2, batch = 2, width = 3;
  const auto floats = [](size_t count) {
    std::vector<float> v = spread<float>(count, -6, 6);
    for (float& x : v) x *= 0.125f;
    return v;
  };
  std::vector<int> in(24, kAbsentInput);
  in[0] = b.add_tensor("x", f32, {steps, batch, features});
  for (int gate = 1; gate < 4; ++gate) {  // CIFG: no input gate
    const std::string g = std::to_string(gate);
    in[1 + gate] = b.add_constant("input_weights" + g, f32, {units, features},
                                  floats(size_t(units * features)));
    in[5 + gate] = b.add_constant("recurrent_weights" + g, f32, {units, width},
                                  floats(size_t(units * width)));
    in[12 + gate] = b.add_constant("gate_bias" + g, f32, {units}, floats(size_t(units)));
    in[20 + gate] = b.add_constant("layer_norm" + g, f32, {units}, floats(size_t(units)));
  }
  for (int i : {10, 11}) {
    in[i] = b.add_constant("peephole" + std::to_string(i), f32, {units}, floats(size_t(units)));
  }
  in[16] = b.add_constant("projection", f32, {width, units}, floats(size_t(width * units)));
  in[18] = b.add_variable("output_state", f32, {batch, width});
  in[19] = b.add_variable("cell_state", f32, {batch, units});
  SequenceLstmOptions o;
  o.time_major = true;
  o.cell_clip = 2.0f;
  o.proj_clip = 0.5f;
  const int y = b.add_tensor("y", f32, {steps, batch, width});
  b.add_operator(OpType::kUnidirectionalSequenceLstm, in, {y}, o);
  b.set_inputs({in[0]});
  b.set_outputs({y});
}

// One float32 or hybrid (int8 weights, scale 1/64) LSTM cell's weights,
// biases and states at `first` (1 for UNIDIRECTIONAL_SEQUENCE_LSTM and the
// forward cell of BIDIRECTIONAL_SEQUENCE_LSTM, 18 for its backward cell).
void float_cell(ModelBuilder& b, std::vector<int>& in, size_t first, size_t states, bool hybrid,
                bool peephole, const std::string& prefix) {
  const int units = 4, features = 3, batch = 2;
  auto weights = [&](const std::string& name, const Shape& shape) {
    const size_t n = size_t(shape.num_elements());
    if (hybrid) return b.add_constant(prefix + name, DType::kInt8, shape,
                                      spread<int8_t>(n, -127, 127), per_tensor(1.0f / 64, 0));
    std::vector<float> v = spread<float>(n, -6, 6);
    for (float& x : v) x *= 0.125f;
    return b.add_constant(prefix + name, f32, shape, v);
  };
  for (size_t gate = 0; gate < 4; ++gate) {
    const std::string g = std::to_string(gate);
    in[first + gate] = weights("input_weights" + g, {units, features});
    in[first + 4 + gate] = weights("recurrent_weights" + g, {units, units});
    in[first + 11 + gate] = b.add_constant(prefix + "gate_bias" + g, f32, {units},
                                           spread<float>(size_t(units), -1, 1));
  }
  for (size_t k = 0; peephole && k < 3; ++k) {
    in[first + 8 + k] = weights("peephole" + std::to_string(k), {units});
  }
  in[states] = b.add_variable(prefix + "output_state", f32, {batch, units});
  in[states + 1] = b.add_variable(prefix + "cell_state", f32, {batch, units});
}

// The hybrid UNIDIRECTIONAL_SEQUENCE_LSTM (int8 weights and peephole weights,
// float activations quantized asymmetrically per row), batch-major, batch 2.
void lstm_hybrid(ModelBuilder& b) {
  std::vector<int> in(20, kAbsentInput);
  in[0] = b.add_tensor("x", f32, {2, 3, 3});
  float_cell(b, in, 1, 18, true, true, "");
  SequenceLstmOptions o;
  o.asymmetric_quantize_inputs = true;
  o.cell_clip = 2.0f;
  const int y = b.add_tensor("y", f32, {2, 3, 4});
  b.add_operator(OpType::kUnidirectionalSequenceLstm, in, {y}, o);
  b.set_inputs({in[0]});
  b.set_outputs({y});
}

// BIDIRECTIONAL_SEQUENCE_LSTM, batch 2: float32 time-major with two outputs,
// or hybrid batch-major with one merged output.
void bidirectional_lstm(ModelBuilder& b, bool hybrid) {
  const int steps = 3, batch = 2, features = 3, units = 4;
  std::vector<int> in(48, kAbsentInput);
  const bool time_major = !hybrid;
  const Shape x_shape = time_major ? Shape{steps, batch, features} : Shape{batch, steps, features};
  in[0] = b.add_tensor("x", f32, x_shape);
  float_cell(b, in, 1, 35, hybrid, !hybrid, "fw/");
  float_cell(b, in, 18, 37, hybrid, false, "bw/");
  SequenceLstmOptions o;
  o.time_major = time_major;
  o.merge_outputs = hybrid;
  std::vector<int> outs;
  if (hybrid) {
    outs.push_back(b.add_tensor("y", f32, {x_shape[0], x_shape[1], 2 * units}));
  } else {
    outs.push_back(b.add_tensor("y_fw", f32, {x_shape[0], x_shape[1], units}));
    outs.push_back(b.add_tensor("y_bw", f32, {x_shape[0], x_shape[1], units}));
  }
  b.add_operator(OpType::kBidirectionalSequenceLstm, in, outs, o);
  b.set_inputs({in[0]});
  b.set_outputs(outs);
}

// TFLite's fully-integer LSTM in its 24-input layout: int8 input, weights and
// hidden state, int32 gate biases, int16 cell state; the states are variables.
// layer_norm_projection adds int16 layer-norm weights (with the gates'
// intermediate scales) and a square int8 projection with an int32 bias.
void lstm(ModelBuilder& b, bool cifg_peephole, bool time_major, int batch,
          bool layer_norm_projection = false) {
  const int units = 4, features = 3, steps = 2;
  const Quantization hidden = per_tensor(1.0f / 128, -1);
  std::vector<int> in(24, kAbsentInput);
  in[0] = b.add_tensor("x", s8, time_major ? Shape{steps, batch, features} : Shape{batch, steps, features},
                       per_tensor(1.0f / 64, 3));
  for (int gate = cifg_peephole ? 1 : 0; gate < 4; ++gate) {  // CIFG: no input gate
    const std::string g = std::to_string(gate);
    in[1 + gate] = b.add_constant("input_weights" + g, s8, {units, features},
                                  spread<int8_t>(size_t(units * features), -127 + gate, 127),
                                  per_tensor(0.01f, 0));
    in[5 + gate] = b.add_constant("recurrent_weights" + g, s8, {units, units},
                                  spread<int8_t>(size_t(units * units), -127, 127),
                                  per_tensor(0.008f, 0));
    in[12 + gate] = b.add_constant("gate_bias" + g, DType::kInt32, {units},
                                   spread<int32_t>(size_t(units), -3000, 3000), per_tensor(1e-4f, 0));
  }
  for (int i : {10, 11}) {  // peepholes of the forget and output gates
    if (cifg_peephole) {
      in[i] = b.add_constant("peephole" + std::to_string(i), DType::kInt16, {units},
                             spread<int16_t>(size_t(units), -30000, 30000), per_tensor(1e-5f, 0));
    }
  }
  if (layer_norm_projection) {
    for (int gate = cifg_peephole ? 1 : 0; gate < 4; ++gate) {
      in[20 + gate] = b.add_constant("layer_norm" + std::to_string(gate), DType::kInt16, {units},
                                     spread<int16_t>(size_t(units), -20000, 30000),
                                     per_tensor(5e-5f, 0));
    }
    in[16] = b.add_constant("projection", s8, {units, units},
                            spread<int8_t>(size_t(units * units), -100, 120), per_tensor(0.02f, 0));
    in[17] = b.add_constant("projection_bias", DType::kInt32, {units},
                            spread<int32_t>(size_t(units), -500, 500), per_tensor(1e-4f, 0));
  }
  in[18] = b.add_variable("output_state", s8, {batch, units}, hidden);
  in[19] = b.add_variable("cell_state", DType::kInt16, {batch, units}, per_tensor(1.0f / 4096, 0));
  SequenceLstmOptions o;
  o.time_major = time_major;
  o.hidden_scale = hidden.scales[0];
  o.hidden_zero_point = hidden.zero_points[0];
  o.cell_clip = cifg_peephole ? 0.5f : 0.0f;
  if (layer_norm_projection) {
    o.input_gate_scale = 3e-4f, o.forget_gate_scale = 2e-4f;
    o.cell_gate_scale = 5e-4f, o.output_gate_scale = 4e-4f;
    o.hidden_zero_point = 5;  // before a projection: the hidden state's own
    o.proj_clip = 0.75f;
  }
  const int y = b.add_tensor("y", s8, time_major ? Shape{steps, batch, units} : Shape{batch, steps, units},
                             hidden);
  b.add_operator(OpType::kUnidirectionalSequenceLstm, in, {y}, o);
  b.set_inputs({in[0]});
  b.set_outputs({y});
}

// BCONV2D on 32 input channels: float output scaled by multiplier and bias,
// or (with thresholds) bit output.
void bconv2d(ModelBuilder& b, bool bit_output) {
  const int out_channels = bit_output ? 32 : 8;
  const int x = b.add_tensor("in", bit, {1, 4, 4, 32});
  const int filter = b.add_constant("filter", bit, {out_channels, 3, 3, 32}, bit_rows(out_channels * 9, 32));
  std::vector<int> inputs = {x, filter, kAbsentInput, kAbsentInput, kAbsentInput};
  BConv2DOptions o;
  int y;
  if (bit_output) {
    o.padding = Padding::kSame;
    inputs[4] = b.add_constant("thresholds", DType::kInt32, {out_channels},
                               spread<int32_t>(size_t(out_channels), 130, 160));
    y = b.add_tensor("out", bit, {1, 4, 4, out_channels});
  } else {
    o.stride_h = o.stride_w = 2;
    inputs[2] = b.add_constant("multiplier", f32, {out_channels}, spread<float>(size_t(out_channels), 1, 3));
    inputs[3] = b.add_constant("bias", f32, {out_channels}, spread<float>(size_t(out_channels), -2, 2));
    y = b.add_tensor("out", f32, {1, 1, 1, out_channels});
  }
  b.add_operator(OpType::kBConv2D, inputs, {y}, o);
  b.set_inputs({x});
  b.set_outputs({y});
}

void bfully_connected(ModelBuilder& b) {
  const int x = b.add_tensor("in", bit, {2, 64});
  const int w = b.add_constant("weights", bit, {5, 64}, bit_rows(5, 64));
  const int mul = b.add_constant("multiplier", f32, {5}, spread<float>(5, 1, 3));
  const int bias = b.add_constant("bias", f32, {5}, spread<float>(5, -2, 2));
  const int y = b.add_tensor("out", f32, {2, 5});
  b.add_operator(OpType::kBFullyConnected, {x, w, mul, bias}, {y}, BFullyConnectedOptions{});
  b.set_inputs({x});
  b.set_outputs({y});
}

}  // namespace

std::vector<OpSeed> layer_seeds() {
  Conv2DOptions same_stride2;
  same_stride2.padding = Padding::kSame;
  same_stride2.stride_h = same_stride2.stride_w = 2;
  same_stride2.activation = Activation::kRelu;
  Conv2DOptions dilated;
  dilated.dilation_h = dilated.dilation_w = 2;
  DepthwiseConv2DOptions multiplier2;
  multiplier2.depth_multiplier = 2;
  DepthwiseConv2DOptions same;
  same.padding = Padding::kSame;
  same.activation = Activation::kRelu6;
  return {
      {"conv2d_int8_same_stride2", [=](ModelBuilder& b) {
         weighted(b, OpType::kConv2D, s8, {1, 5, 5, 3}, {4, 3, 3, 3}, 0, {1, 3, 3, 4}, same_stride2);
       }},
      {"conv2d_uint8", [](ModelBuilder& b) {
         weighted(b, OpType::kConv2D, u8, {1, 4, 4, 2}, {3, 2, 2, 2}, -1, {1, 3, 3, 3}, Conv2DOptions{});
       }},
      {"conv2d_float_dilated", [=](ModelBuilder& b) {
         weighted(b, OpType::kConv2D, f32, {1, 6, 6, 2}, {2, 3, 3, 2}, 0, {1, 2, 2, 2}, dilated);
       }},
      {"depthwise_int8_multiplier2", [=](ModelBuilder& b) {
         weighted(b, OpType::kDepthwiseConv2D, s8, {1, 4, 4, 2}, {1, 3, 3, 4}, 3, {1, 2, 2, 4}, multiplier2);
       }},
      {"depthwise_uint8_same", [=](ModelBuilder& b) {
         weighted(b, OpType::kDepthwiseConv2D, u8, {1, 3, 3, 3}, {1, 3, 3, 3}, -1, {1, 3, 3, 3}, same);
       }},
      {"depthwise_float", [=](ModelBuilder& b) {
         weighted(b, OpType::kDepthwiseConv2D, f32, {1, 3, 3, 3}, {1, 3, 3, 3}, 3, {1, 3, 3, 3}, same);
       }},
      {"fully_connected_int8", [](ModelBuilder& b) {
         weighted(b, OpType::kFullyConnected, s8, {2, 5}, {3, 5}, -1, {2, 3}, FullyConnectedOptions{});
       }},
      {"fully_connected_uint8", [](ModelBuilder& b) {
         weighted(b, OpType::kFullyConnected, u8, {2, 5}, {3, 5}, -1, {2, 3}, FullyConnectedOptions{});
       }},
      {"fully_connected_float_keep_dims", [](ModelBuilder& b) {
         weighted(b, OpType::kFullyConnected, f32, {2, 2, 5}, {3, 5}, 0, {2, 2, 3},
                  FullyConnectedOptions{Activation::kRelu, true});
       }},
      {"transpose_conv_int8_valid_stride2", [](ModelBuilder& b) {
         weighted(b, OpType::kTransposeConv, s8, {1, 2, 2, 3}, {4, 3, 3, 3}, 0, {1, 5, 5, 4},
                  transpose_conv(Padding::kValid, 2, 5));
       }},
      {"transpose_conv_uint8_same_stride2", [](ModelBuilder& b) {
         weighted(b, OpType::kTransposeConv, u8, {1, 2, 2, 3}, {4, 3, 3, 3}, -1, {1, 4, 4, 4},
                  transpose_conv(Padding::kSame, 2, 4));
       }},
      {"transpose_conv_float", [](ModelBuilder& b) {
         weighted(b, OpType::kTransposeConv, f32, {1, 3, 3, 2}, {2, 2, 2, 2}, 0, {1, 4, 4, 2},
                  transpose_conv(Padding::kValid, 1, 4));
       }},
      {"conv2d_16x8_same_stride2", [=](ModelBuilder& b) {
         weighted_16x8(b, OpType::kConv2D, {1, 5, 5, 3}, {4, 3, 3, 3}, 0, {1, 3, 3, 4}, same_stride2);
       }},
      {"depthwise_16x8_multiplier2", [=](ModelBuilder& b) {
         weighted_16x8(b, OpType::kDepthwiseConv2D, {1, 4, 4, 2}, {1, 3, 3, 4}, 3, {1, 2, 2, 4},
                       multiplier2);
       }},
      {"conv2d_int4_weights_same_stride2", [=](ModelBuilder& b) {
         weighted_w4a8(b, OpType::kConv2D, {1, 5, 5, 3}, {4, 3, 3, 3}, {1, 3, 3, 4}, same_stride2);
       }},
      {"fully_connected_int4_weights_odd_count", [](ModelBuilder& b) {
         weighted_w4a8(b, OpType::kFullyConnected, {2, 5}, {3, 5}, {2, 3}, FullyConnectedOptions{});
       }},
      {"fully_connected_16x8", [](ModelBuilder& b) {
         weighted_16x8(b, OpType::kFullyConnected, {2, 5}, {3, 5}, 0, {2, 3}, FullyConnectedOptions{});
       }},
      {"transpose_conv_16x8_output_shape", [](ModelBuilder& b) {
         weighted_16x8(b, OpType::kTransposeConv, {1, 2, 2, 3}, {4, 3, 3, 3}, 0, {1, 5, 5, 4},
                       transpose_conv(Padding::kValid, 2, 5));
       }},
      {"average_pool_int8", [](ModelBuilder& b) {
         single(b, OpType::kAveragePool2D, {{s8, {1, 4, 4, 2}}}, {{s8, {1, 2, 2, 2}}}, pool(Padding::kValid, 2, 2));
       }},
      {"average_pool_float_same", [](ModelBuilder& b) {
         single(b, OpType::kAveragePool2D, {{f32, {1, 5, 5, 2}}}, {{f32, {1, 3, 3, 2}}}, pool(Padding::kSame, 3, 2));
       }},
      {"max_pool_uint8_same", [](ModelBuilder& b) {
         single(b, OpType::kMaxPool2D, {{u8, {1, 5, 5, 3}}}, {{u8, {1, 3, 3, 3}}}, pool(Padding::kSame, 3, 2));
       }},
      {"lstm_int8", [](ModelBuilder& b) { lstm(b, false, false, 1); }},
      {"lstm_int8_cifg_peephole_clip", [](ModelBuilder& b) { lstm(b, true, false, 1); }},
      {"lstm_int8_time_major_batch2", [](ModelBuilder& b) { lstm(b, false, true, 2); }},
      {"lstm_float_cifg_peephole_layer_norm_projection", lstm_float},
      {"lstm_hybrid_asymmetric_peephole", lstm_hybrid},
      {"bidirectional_sequence_lstm_float", [](ModelBuilder& b) { bidirectional_lstm(b, false); }},
      {"bidirectional_sequence_lstm_hybrid_merged",
       [](ModelBuilder& b) { bidirectional_lstm(b, true); }},
      {"lstm_int8_layer_norm_projection", [](ModelBuilder& b) { lstm(b, false, false, 2, true); }},
      {"lstm_int8_cifg_layer_norm_projection", [](ModelBuilder& b) { lstm(b, true, true, 1, true); }},
      {"bitpack_float", [](ModelBuilder& b) {
         single(b, OpType::kBitpack, {{f32, {1, 2, 2, 40}}}, {{bit, {1, 2, 2, 40}}}, NoOptions{});
       }},
      {"bitpack_int8", [](ModelBuilder& b) {
         single(b, OpType::kBitpack, {{s8, {2, 64}}}, {{bit, {2, 64}}}, NoOptions{});
       }},
      {"bit_unpack_int8", [](ModelBuilder& b) {
         single(b, OpType::kBitUnpack, {{bit, {2, 32}}}, {{s8, {2, 32}}}, NoOptions{});
       }},
      {"bit_unpack_float", [](ModelBuilder& b) {
         single(b, OpType::kBitUnpack, {{bit, {3, 32}}}, {{f32, {3, 32}}}, NoOptions{});
       }},
      {"bmaxpool2d", [](ModelBuilder& b) {
         single(b, OpType::kBMaxPool2D, {{bit, {1, 4, 4, 32}}}, {{bit, {1, 2, 2, 32}}}, pool(Padding::kValid, 2, 2));
       }},
      {"bconv2d_float_output", [](ModelBuilder& b) { bconv2d(b, false); }},
      {"bconv2d_bit_output_same", [](ModelBuilder& b) { bconv2d(b, true); }},
      {"bfully_connected", bfully_connected},
  };
}

}  // namespace lowbit::fuzz_seeds
