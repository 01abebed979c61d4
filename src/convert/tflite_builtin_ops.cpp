// TFLite builtin operators -> lowbit operators.
#include <cmath>
#include <cstring>

#include "convert/importer.h"

namespace lowbit {
namespace convert {
namespace {

Status expect_arity(const OpContext& ctx, size_t min_inputs, size_t max_inputs, size_t outputs) {
  if (ctx.inputs.size() < min_inputs || ctx.inputs.size() > max_inputs) {
    return invalid("has " + std::to_string(ctx.inputs.size()) + " inputs; expected " +
                   (min_inputs == max_inputs ? std::to_string(min_inputs)
                                             : std::to_string(min_inputs) + " to " +
                                                   std::to_string(max_inputs)));
  }
  for (size_t i = 0; i < min_inputs; ++i) {
    if (ctx.inputs[i] < 0) return invalid("required input " + std::to_string(i) + " is absent");
  }
  if (ctx.outputs.size() != outputs) {
    return invalid("has " + std::to_string(ctx.outputs.size()) + " outputs; expected " +
                   std::to_string(outputs));
  }
  return Status::Ok();
}

Result<Activation> fused_activation(int8_t code) {
  switch (code) {
    case 0: return Activation::kNone;
    case 1: return Activation::kRelu;
    case 2: return Activation::kReluN1To1;
    case 3: return Activation::kRelu6;
    case 4: return unsupported("fused activation TANH is not supported");
    case 5: return unsupported("fused activation SIGN_BIT is not supported");
    default: return invalid("unknown fused activation " + std::to_string(code));
  }
}

Result<Padding> padding_of(int8_t code) {
  if (code == 0) return Padding::kSame;
  if (code == 1) return Padding::kValid;
  return invalid("unknown padding " + std::to_string(code));
}

// The operator's builtin options when they have the expected tag; nullptr
// (defaults) when absent.
Result<const tfl::OptionsTable*> options_of(const OpContext& ctx, uint8_t tag) {
  const tfl::OptionsTable* options = ctx.op->builtin_options();
  if (options == nullptr) return static_cast<const tfl::OptionsTable*>(nullptr);
  if (ctx.op->builtin_options_type() != tag) {
    return invalid("builtin options have union type " +
                   std::to_string(ctx.op->builtin_options_type()) + ", expected " +
                   std::to_string(tag));
  }
  return options;
}

Status check_positive(int value, const char* what) {
  if (value <= 0) return invalid(std::string(what) + " is " + std::to_string(value) + "; must be > 0");
  return Status::Ok();
}

// Lowbit indices for all inputs and outputs, in order.
Status map_tensors(Importer& im, const OpContext& ctx, std::vector<int>* inputs,
                   std::vector<int>* outputs) {
  for (int t : ctx.inputs) {
    Result<int> r = im.optional_tensor(t);
    if (!r.ok()) return r.status();
    inputs->push_back(r.value());
  }
  for (int t : ctx.outputs) {
    Result<int> r = im.tensor(t);
    if (!r.ok()) return r.status();
    outputs->push_back(r.value());
  }
  return Status::Ok();
}

Status reject_bit_operands(const Importer& im, const OpContext& ctx) {
  for (const std::vector<int>* list : {&ctx.inputs, &ctx.outputs}) {
    for (int t : *list) {
      if (t >= 0 && t < im.num_tensors() && im.bit_channels(t) > 0) {
        return unsupported(im.tensor_label(t) +
                           " is an LCE bitpacked tensor, which only LCE operators can use");
      }
    }
  }
  return Status::Ok();
}

uint64_t elements(const Shape& s) { return static_cast<uint64_t>(s.num_elements()); }

// TFLite's INT4 weights (W4A8: INT8 activations) keep their packing, two
// values a byte, low nibble first, which is DType::kInt4's.
Status accept_int4_weights(Importer& im, const OpContext& ctx) {
  const int weights = ctx.inputs[1], input = ctx.inputs[0];
  if (weights < 0 || im.tfl_type(weights) != tfl::kInt4) return Status::Ok();
  size_t bytes = 0;
  if (im.constant_data(weights, &bytes) == nullptr) {
    return unsupported(im.tensor_label(weights) + " is INT4 but not constant; INT4 weights "
                                                  "must be constant");
  }
  if (im.tfl_type(input) != tfl::kInt8) {
    return unsupported(im.tensor_label(weights) + " is INT4, which needs INT8 input (W4A8); " +
                       im.tensor_label(input) + " is " + tfl::tensor_type_name(im.tfl_type(input)));
  }
  im.accept_int4(weights);
  return Status::Ok();
}

Status convert_conv(Importer& im, const OpContext& ctx, bool depthwise) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 2, 3, 1));
  auto opts = options_of(ctx, depthwise ? tfl::kDepthwiseConv2DOptions : tfl::kConv2DOptions);
  if (!opts.ok()) return opts.status();
  const tfl::OptionsTable* o = opts.value();
  // Field ids differ only in where depthwise puts depth_multiplier.
  const int act_id = depthwise ? 4 : 3, dil_w_id = depthwise ? 5 : 4, dil_h_id = depthwise ? 6 : 5;
  Result<Padding> padding = padding_of(o ? o->byte_field(0, 0) : 0);
  if (!padding.ok()) return padding.status();
  Result<Activation> act = fused_activation(o ? o->byte_field(act_id, 0) : 0);
  if (!act.ok()) return act.status();
  const int stride_w = o ? o->int_field(1, 0) : 0, stride_h = o ? o->int_field(2, 0) : 0;
  const int dil_w = o ? o->int_field(dil_w_id, 1) : 1, dil_h = o ? o->int_field(dil_h_id, 1) : 1;
  LOWBIT_RETURN_IF_ERROR(check_positive(stride_w, "stride_w"));
  LOWBIT_RETURN_IF_ERROR(check_positive(stride_h, "stride_h"));
  LOWBIT_RETURN_IF_ERROR(check_positive(dil_w, "dilation_w"));
  LOWBIT_RETURN_IF_ERROR(check_positive(dil_h, "dilation_h"));
  if (!depthwise) LOWBIT_RETURN_IF_ERROR(accept_int4_weights(im, ctx));
  LOWBIT_RETURN_IF_ERROR(fold_float_weights(im, ctx, 1));

  std::vector<int> inputs, outputs;
  LOWBIT_RETURN_IF_ERROR(map_tensors(im, ctx, &inputs, &outputs));
  Result<Shape> in = im.shape(ctx.inputs[0]), filter = im.shape(ctx.inputs[1]),
                out = im.shape(ctx.outputs[0]);
  if (!in.ok()) return in.status();
  if (!filter.ok()) return filter.status();
  if (!out.ok()) return out.status();
  if (in->rank != 4 || filter->rank != 4 || out->rank != 4) {
    return invalid("input, filter and output must be 4-D; got " + in->to_string() + ", " +
                   filter->to_string() + ", " + out->to_string());
  }
  const DType in_dtype = im.tfl_type(ctx.inputs[0]) == tfl::kFloat32 ? DType::kFloat32 : DType::kInt8;
  if (!depthwise) {
    im.count_macs(in_dtype, elements(out.value()) * filter->dims[1] * filter->dims[2] * filter->dims[3]);
    Conv2DOptions options;
    options.padding = padding.value();
    options.stride_h = stride_h;
    options.stride_w = stride_w;
    options.dilation_h = dil_h;
    options.dilation_w = dil_w;
    options.activation = act.value();
    im.add_operator(ctx, OpType::kConv2D, inputs, outputs, options);
    return Status::Ok();
  }
  // TFLite derives the multiplier from the shapes; some files carry a stale option.
  const int channels_in = in->dims[3], channels_out = filter->dims[3];
  if (channels_in <= 0 || channels_out % channels_in != 0) {
    return invalid("filter has " + std::to_string(channels_out) +
                   " channels, not a multiple of the input's " + std::to_string(channels_in));
  }
  im.count_macs(in_dtype, elements(out.value()) * filter->dims[1] * filter->dims[2]);
  DepthwiseConv2DOptions options;
  options.padding = padding.value();
  options.stride_h = stride_h;
  options.stride_w = stride_w;
  options.dilation_h = dil_h;
  options.dilation_w = dil_w;
  options.depth_multiplier = channels_out / channels_in;
  options.activation = act.value();
  im.add_operator(ctx, OpType::kDepthwiseConv2D, inputs, outputs, options);
  return Status::Ok();
}

Status convert_fully_connected(Importer& im, const OpContext& ctx) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 2, 3, 1));
  auto opts = options_of(ctx, tfl::kFullyConnectedOptions);
  if (!opts.ok()) return opts.status();
  const tfl::OptionsTable* o = opts.value();
  Result<Activation> act = fused_activation(o ? o->byte_field(0, 0) : 0);
  if (!act.ok()) return act.status();
  if (o && o->byte_field(1, 0) != 0) {
    return unsupported("weights_format " + std::to_string(o->byte_field(1, 0)) +
                       " (shuffled weights) is not supported; only DEFAULT is");
  }
  LOWBIT_RETURN_IF_ERROR(accept_int4_weights(im, ctx));
  LOWBIT_RETURN_IF_ERROR(fold_float_weights(im, ctx, 1));
  std::vector<int> inputs, outputs;
  LOWBIT_RETURN_IF_ERROR(map_tensors(im, ctx, &inputs, &outputs));
  Result<Shape> weights = im.shape(ctx.inputs[1]), out = im.shape(ctx.outputs[0]);
  if (!weights.ok()) return weights.status();
  if (!out.ok()) return out.status();
  if (weights->rank != 2) return invalid("weights must be 2-D; got " + weights->to_string());
  const DType in_dtype = im.tfl_type(ctx.inputs[0]) == tfl::kFloat32 ? DType::kFloat32 : DType::kInt8;
  im.count_macs(in_dtype, elements(out.value()) * weights->dims[1]);
  FullyConnectedOptions options;
  options.activation = act.value();
  options.keep_num_dims = o ? o->bool_field(2, false) : false;
  im.add_operator(ctx, OpType::kFullyConnected, inputs, outputs, options);
  return Status::Ok();
}

Status convert_pool(Importer& im, const OpContext& ctx, OpType type) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 1, 1, 1));
  auto opts = options_of(ctx, tfl::kPool2DOptions);
  if (!opts.ok()) return opts.status();
  const tfl::OptionsTable* o = opts.value();
  if (o == nullptr) return invalid("has no Pool2DOptions");
  Pool2DOptions options;
  Result<Padding> padding = padding_of(o->byte_field(0, 0));
  if (!padding.ok()) return padding.status();
  Result<Activation> act = fused_activation(o->byte_field(5, 0));
  if (!act.ok()) return act.status();
  options.padding = padding.value();
  options.stride_w = o->int_field(1, 0);
  options.stride_h = o->int_field(2, 0);
  options.filter_w = o->int_field(3, 0);
  options.filter_h = o->int_field(4, 0);
  options.activation = act.value();
  LOWBIT_RETURN_IF_ERROR(check_positive(options.stride_w, "stride_w"));
  LOWBIT_RETURN_IF_ERROR(check_positive(options.stride_h, "stride_h"));
  LOWBIT_RETURN_IF_ERROR(check_positive(options.filter_w, "filter_w"));
  LOWBIT_RETURN_IF_ERROR(check_positive(options.filter_h, "filter_h"));
  std::vector<int> inputs, outputs;
  LOWBIT_RETURN_IF_ERROR(map_tensors(im, ctx, &inputs, &outputs));
  im.add_operator(ctx, type, inputs, outputs, options);
  return Status::Ok();
}

Status convert_elementwise(Importer& im, const OpContext& ctx, OpType type, uint8_t tag) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 2, 2, 1));
  auto opts = options_of(ctx, tag);
  if (!opts.ok()) return opts.status();
  Result<Activation> act = fused_activation(opts.value() ? opts.value()->byte_field(0, 0) : 0);
  if (!act.ok()) return act.status();
  std::vector<int> inputs, outputs;
  LOWBIT_RETURN_IF_ERROR(map_tensors(im, ctx, &inputs, &outputs));
  ElementwiseOptions options;
  options.activation = act.value();
  // AddOptions/SubOptions field 1, pot_scale_int16 (TFLite's default true;
  // TensorFlow's 16x8 converter writes false). Only int16 operands read it.
  options.pot_scale_int16 = type != OpType::kMul &&
                            im.lowbit_tensor(inputs[0]).dtype == DType::kInt16 &&
                            (opts.value() ? opts.value()->bool_field(1, true) : true);
  im.add_operator(ctx, type, inputs, outputs, options);
  return Status::Ok();
}

// The same tensor as int8: zero point shifted by -128, so q_int8 = q_uint8 - 128
// exactly and every real value is unchanged.
int int8_twin(Importer& im, int lowbit_index) {
  const TensorDesc& t = im.lowbit_tensor(lowbit_index);
  Quantization q = t.quant;
  for (int32_t& zp : q.zero_points) zp -= 128;
  return im.add_extra_tensor(t.name + "/int8", DType::kInt8, t.shape, q);
}

// Legacy uint8 SOFTMAX/LOGISTIC run as int8 between two exact QUANTIZE shifts:
// the int8 kernels are the ones every runtime profile defines.
void add_via_int8(Importer& im, const OpContext& ctx, OpType type, int input, int output,
                  const OpOptions& options) {
  const int input8 = int8_twin(im, input), output8 = int8_twin(im, output);
  im.add_operator(ctx, OpType::kQuantize, {input}, {input8});
  im.add_operator(ctx, type, {input8}, {output8}, options);
  im.add_operator(ctx, OpType::kQuantize, {output8}, {output});
  im.note("operator " + std::to_string(ctx.index) + " (" + ctx.kind +
          "): uint8 computed as int8 between two QUANTIZE operators");
}

bool is_uint8_op(const Importer& im, const OpContext& ctx) {
  return im.tfl_type(ctx.inputs[0]) == tfl::kUInt8 && im.tfl_type(ctx.outputs[0]) == tfl::kUInt8;
}

// Operators with one input, one output and no options.
Status convert_unary(Importer& im, const OpContext& ctx, OpType type) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 1, 1, 1));
  std::vector<int> inputs, outputs;
  LOWBIT_RETURN_IF_ERROR(map_tensors(im, ctx, &inputs, &outputs));
  if (type == OpType::kLogistic && is_uint8_op(im, ctx)) {
    add_via_int8(im, ctx, type, inputs[0], outputs[0], OpOptions{});
    return Status::Ok();
  }
  im.add_operator(ctx, type, inputs, outputs, OpOptions{});
  return Status::Ok();
}

// An operator without options whose TFLite inputs are all data (CAST's
// CastOptions only repeat the tensors' types).
Status convert_plain(Importer& im, const OpContext& ctx, OpType type, size_t inputs_count) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, inputs_count, inputs_count, 1));
  std::vector<int> inputs, outputs;
  LOWBIT_RETURN_IF_ERROR(map_tensors(im, ctx, &inputs, &outputs));
  im.add_operator(ctx, type, inputs, outputs, OpOptions{});
  return Status::Ok();
}

Status convert_dequantize(Importer& im, const OpContext& ctx, const std::vector<int>& graph_outputs) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 1, 1, 1));
  const int out = ctx.outputs[0];
  bool is_graph_output = false;
  for (int t : graph_outputs) is_graph_output = is_graph_output || t == out;
  if (!is_graph_output && im.tfl_type(out) == tfl::kFloat32) {
    Result<std::vector<float>> values = dequantize_constant(im, ctx.inputs[0]);
    if (!values.ok()) return values.status();
    if (!values->empty() && im.tfl_tensor(out)->is_variable()) {
      // TensorFlow's float16 models give recurrent state (an LSTM's) its
      // initial value this way. LiteRT dequantizes a constant once, so the
      // variable starts at that value and then carries state; lowbit's state
      // starts (and resets) at zero, which is all Keras writes there.
      for (float v : values.value()) {
        if (v != 0.0f) {
          return Status(StatusCode::kUnsupported,
                        "operator " + std::to_string(ctx.index) + " (DEQUANTIZE) gives the state " +
                            im.tensor_label(out) +
                            " a non-zero initial value; lowbit's recurrent state starts at zero");
        }
      }
      im.note("operator " + std::to_string(ctx.index) + " (DEQUANTIZE) of zeros into the state " +
              im.tensor_label(out) + " dropped: state starts at zero");
      return Status::Ok();
    }
    if (!values->empty()) {
      im.note("operator " + std::to_string(ctx.index) + " (DEQUANTIZE) of a constant folded into " +
              im.tensor_label(out));
      return im.define_float_constant(out, values.value());
    }
  }
  return convert_unary(im, ctx, OpType::kDequantize);
}

// MEAN, SUM, REDUCE_MAX, REDUCE_MIN: the constant axes operand becomes
// MeanOptions (normalized; duplicates stay, the operator ignores them).
Status convert_reducer(Importer& im, const OpContext& ctx, OpType type) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 2, 2, 1));
  auto opts = options_of(ctx, tfl::kReducerOptions);
  if (!opts.ok()) return opts.status();
  Result<std::vector<int32_t>> axes = im.constant_ints(ctx.inputs[1]);
  if (!axes.ok()) return axes.status();
  Result<Shape> in = im.shape(ctx.inputs[0]);
  if (!in.ok()) return in.status();
  MeanOptions options;
  for (int32_t axis : axes.value()) {
    const int32_t normalized = axis < 0 ? axis + in->rank : axis;
    if (normalized < 0 || normalized >= in->rank) {
      return invalid("axis " + std::to_string(axis) + " is out of range for input shape " +
                     in->to_string());
    }
    options.axes.push_back(normalized);
  }
  options.keep_dims = opts.value() ? opts.value()->bool_field(0, false) : false;
  Result<int> x = im.tensor(ctx.inputs[0]), y = im.tensor(ctx.outputs[0]);
  if (!x.ok()) return x.status();
  if (!y.ok()) return y.status();
  im.add_operator(ctx, type, {x.value()}, {y.value()}, options);
  return Status::Ok();
}

Status convert_softmax(Importer& im, const OpContext& ctx) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 1, 1, 1));
  auto opts = options_of(ctx, tfl::kSoftmaxOptions);
  if (!opts.ok()) return opts.status();
  SoftmaxOptions options;
  options.beta = opts.value() ? opts.value()->float_field(0, 0.0f) : 0.0f;
  if (!(options.beta > 0.0f) || !std::isfinite(options.beta)) {
    return invalid("beta is " + std::to_string(options.beta) + "; must be finite and > 0");
  }
  std::vector<int> inputs, outputs;
  LOWBIT_RETURN_IF_ERROR(map_tensors(im, ctx, &inputs, &outputs));
  if (is_uint8_op(im, ctx)) {
    add_via_int8(im, ctx, OpType::kSoftmax, inputs[0], outputs[0], options);
    return Status::Ok();
  }
  im.add_operator(ctx, OpType::kSoftmax, inputs, outputs, options);
  return Status::Ok();
}

// LEAKY_RELU's alpha (TFLite's default when absent is 0).
Status convert_leaky_relu(Importer& im, const OpContext& ctx) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 1, 1, 1));
  auto opts = options_of(ctx, tfl::kLeakyReluOptions);
  if (!opts.ok()) return opts.status();
  std::vector<int> inputs, outputs;
  LOWBIT_RETURN_IF_ERROR(map_tensors(im, ctx, &inputs, &outputs));
  // Validation names a non-finite alpha.
  const float alpha = opts.value() ? opts.value()->float_field(0, 0.0f) : 0.0f;
  im.add_operator(ctx, OpType::kLeakyRelu, inputs, outputs, LeakyReluOptions{alpha});
  return Status::Ok();
}

// SVDF (SVDFOptions: rank, activation, asymmetric_quantize_inputs) and
// UNIDIRECTIONAL_SEQUENCE_RNN (SequenceRNNOptions: time_major, activation,
// asymmetric_quantize_inputs): five operands each, the last the state;
// validation checks the activation code, which stays TFLite's.
Status convert_recurrent(Importer& im, const OpContext& ctx, bool svdf) {
  // SVDF's bias (input 3) is optional; the state (input 4) never is.
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 3, 5, 1));
  if (ctx.inputs.size() != 5 || ctx.inputs[4] < 0) {
    return invalid("needs 5 inputs, the last the state (the bias, input 3, may be absent)");
  }
  auto opts = options_of(ctx, svdf ? tfl::kSvdfOptions : tfl::kSequenceRnnOptions);
  if (!opts.ok()) return opts.status();
  const tfl::OptionsTable* o = opts.value();
  RecurrentOptions options;
  if (o != nullptr) {
    options.rank = svdf ? o->int_field(0, 0) : 1;
    options.time_major = !svdf && o->bool_field(0, false);
    options.fused_activation = o->byte_field(1, 0);
    options.asymmetric_quantize_inputs = o->bool_field(2, false);
  } else if (svdf) {
    options.rank = 0;  // TFLite's default, refused by validation
  }
  std::vector<int> inputs, outputs;
  LOWBIT_RETURN_IF_ERROR(map_tensors(im, ctx, &inputs, &outputs));
  im.add_operator(ctx, svdf ? OpType::kSvdf : OpType::kUnidirectionalSequenceRnn, inputs, outputs,
                  options);
  return Status::Ok();
}

Status convert_pad(Importer& im, const OpContext& ctx) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 2, 2, 1));
  Result<std::vector<int32_t>> paddings = im.constant_ints(ctx.inputs[1]);
  if (!paddings.ok()) return paddings.status();
  Result<Shape> in = im.shape(ctx.inputs[0]);
  if (!in.ok()) return in.status();
  if (paddings->size() != static_cast<size_t>(2 * in->rank)) {
    return invalid("paddings has " + std::to_string(paddings->size()) + " values; input " +
                   in->to_string() + " needs " + std::to_string(2 * in->rank));
  }
  Result<int> x = im.tensor(ctx.inputs[0]), y = im.tensor(ctx.outputs[0]);
  if (!x.ok()) return x.status();
  if (!y.ok()) return y.status();
  PadOptions options;
  options.paddings = paddings.value();
  im.add_operator(ctx, OpType::kPad, {x.value()}, {y.value()}, options);
  return Status::Ok();
}

Status convert_concatenation(Importer& im, const OpContext& ctx) {
  if (ctx.inputs.empty()) return invalid("has no inputs");
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, ctx.inputs.size(), ctx.inputs.size(), 1));
  auto opts = options_of(ctx, tfl::kConcatenationOptions);
  if (!opts.ok()) return opts.status();
  const tfl::OptionsTable* o = opts.value();
  Result<Activation> act = fused_activation(o ? o->byte_field(1, 0) : 0);
  if (!act.ok()) return act.status();
  Result<Shape> out = im.shape(ctx.outputs[0]);
  if (!out.ok()) return out.status();
  ConcatenationOptions options;
  options.axis = o ? o->int_field(0, 0) : 0;
  if (options.axis < 0) options.axis += out->rank;
  if (options.axis < 0 || options.axis >= out->rank) {
    return invalid("axis " + std::to_string(o ? o->int_field(0, 0) : 0) +
                   " is out of range for output shape " + out->to_string());
  }
  options.activation = act.value();
  std::vector<int> inputs, outputs;
  LOWBIT_RETURN_IF_ERROR(map_tensors(im, ctx, &inputs, &outputs));
  im.add_operator(ctx, OpType::kConcatenation, inputs, outputs, options);
  return Status::Ok();
}

// RESHAPE: the output's static shape is the new shape, so the
// optional shape tensor (often computed by SHAPE/PACK chains) is not needed.
Status convert_reshape(Importer& im, const OpContext& ctx) {
  if (ctx.inputs.empty() || ctx.inputs[0] < 0) return invalid("input 0 is absent");
  if (ctx.outputs.size() != 1) return invalid("must have exactly one output");
  Result<Shape> out = im.shape(ctx.outputs[0]);
  if (!out.ok()) return out.status();
  Result<int> x = im.tensor(ctx.inputs[0]), y = im.tensor(ctx.outputs[0]);
  if (!x.ok()) return x.status();
  if (!y.ok()) return y.status();
  ReshapeOptions options;
  options.new_shape = out->to_vector();
  im.add_operator(ctx, OpType::kReshape, {x.value()}, {y.value()}, options);
  return Status::Ok();
}

// ---- Data movement. TFLite's index tensors (perm, begin/end/strides, size,
// axis, size_splits, multiples) must be constants and become options
// (src/ops/data_movement_util.h says why); only the data tensors stay inputs.

// Adds `type` with the first `data_inputs` inputs and every output.
Status add_moving(Importer& im, const OpContext& ctx, OpType type, OpOptions options,
                  size_t data_inputs = 1) {
  std::vector<int> inputs, outputs;
  for (size_t i = 0; i < data_inputs; ++i) {
    Result<int> r = im.tensor(ctx.inputs[i]);
    if (!r.ok()) return r.status();
    inputs.push_back(r.value());
  }
  for (int t : ctx.outputs) {
    Result<int> r = im.tensor(t);
    if (!r.ok()) return r.status();
    outputs.push_back(r.value());
  }
  im.add_operator(ctx, type, inputs, outputs, std::move(options));
  return Status::Ok();
}

// The single value of a constant scalar (or one-element) index tensor.
Result<int32_t> constant_scalar(const Importer& im, int index, const char* what) {
  Result<std::vector<int32_t>> values = im.constant_ints(index);
  if (!values.ok()) return values.status();
  if (values->size() != 1) {
    return invalid(std::string(what) + " " + im.tensor_label(index) + " must hold one value, not " +
                   std::to_string(values->size()));
  }
  return values.value()[0];
}

// options_of() for callers that return Status: *options is null when absent.
Status read_options(const OpContext& ctx, uint8_t tag, const tfl::OptionsTable** options) {
  auto opts = options_of(ctx, tag);
  *options = opts.ok() ? opts.value() : nullptr;
  return opts.status();
}

Status convert_transpose(Importer& im, const OpContext& ctx) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 2, 2, 1));
  Result<std::vector<int32_t>> perm = im.constant_ints(ctx.inputs[1]);
  if (!perm.ok()) return perm.status();
  return add_moving(im, ctx, OpType::kTranspose, TransposeOptions{perm.value()});
}

Status convert_slice(Importer& im, const OpContext& ctx) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 3, 3, 1));
  Result<std::vector<int32_t>> begin = im.constant_ints(ctx.inputs[1]);
  if (!begin.ok()) return begin.status();
  Result<std::vector<int32_t>> size = im.constant_ints(ctx.inputs[2]);
  if (!size.ok()) return size.status();
  return add_moving(im, ctx, OpType::kSlice, SliceOptions{begin.value(), size.value()});
}

Status convert_strided_slice(Importer& im, const OpContext& ctx) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 3, 4, 1));
  const tfl::OptionsTable* o = nullptr;
  LOWBIT_RETURN_IF_ERROR(read_options(ctx, tfl::kStridedSliceOptions, &o));
  StridedSliceOptions options;
  Result<std::vector<int32_t>> begin = im.constant_ints(ctx.inputs[1]);
  if (!begin.ok()) return begin.status();
  Result<std::vector<int32_t>> end = im.constant_ints(ctx.inputs[2]);
  if (!end.ok()) return end.status();
  options.begin = begin.value();
  options.end = end.value();
  if (ctx.inputs.size() > 3 && ctx.inputs[3] >= 0) {
    Result<std::vector<int32_t>> strides = im.constant_ints(ctx.inputs[3]);
    if (!strides.ok()) return strides.status();
    options.strides = strides.value();
  } else {
    options.strides.assign(options.begin.size(), 1);
  }
  if (o != nullptr) {
    options.begin_mask = o->int_field(0, 0);
    options.end_mask = o->int_field(1, 0);
    options.ellipsis_mask = o->int_field(2, 0);
    options.new_axis_mask = o->int_field(3, 0);
    options.shrink_axis_mask = o->int_field(4, 0);
    options.offset = o->bool_field(5, false);
  }
  return add_moving(im, ctx, OpType::kStridedSlice, options);
}

// SPLIT: (axis, input). SPLIT_V: (input, size_splits, axis).
Status convert_split(Importer& im, const OpContext& ctx, bool variable) {
  if (ctx.outputs.empty()) return invalid("has no outputs");
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, variable ? 3 : 2, variable ? 3 : 2, ctx.outputs.size()));
  const tfl::OptionsTable* o = nullptr;
  const uint8_t tag = variable ? tfl::kSplitVOptions : tfl::kSplitOptions;
  LOWBIT_RETURN_IF_ERROR(read_options(ctx, tag, &o));
  if (o != nullptr && o->int_field(0, 0) != static_cast<int32_t>(ctx.outputs.size())) {
    return invalid("num_splits is " + std::to_string(o->int_field(0, 0)) + " but there are " +
                   std::to_string(ctx.outputs.size()) + " outputs");
  }
  Result<int32_t> axis = constant_scalar(im, ctx.inputs[variable ? 2 : 0], "axis");
  if (!axis.ok()) return axis.status();
  SplitOptions options;
  options.axis = axis.value();
  if (variable) {
    Result<std::vector<int32_t>> sizes = im.constant_ints(ctx.inputs[1]);
    if (!sizes.ok()) return sizes.status();
    options.size_splits = sizes.value();
  }
  OpContext data = ctx;
  if (!variable) data.inputs = {ctx.inputs[1]};
  return add_moving(im, data, variable ? OpType::kSplitV : OpType::kSplit, options);
}

// PACK: N inputs, PackOptions(values_count, axis); UNPACK: N outputs,
// UnpackOptions(num, axis).
Status convert_pack(Importer& im, const OpContext& ctx, bool pack) {
  const size_t n = pack ? ctx.inputs.size() : ctx.outputs.size();
  if (n == 0) return invalid(pack ? "has no inputs" : "has no outputs");
  LOWBIT_RETURN_IF_ERROR(pack ? expect_arity(ctx, n, n, 1) : expect_arity(ctx, 1, 1, n));
  const tfl::OptionsTable* o = nullptr;
  LOWBIT_RETURN_IF_ERROR(read_options(ctx, pack ? tfl::kPackOptions : tfl::kUnpackOptions, &o));
  if (o != nullptr && o->int_field(0, 0) != static_cast<int32_t>(n)) {
    return invalid(std::string(pack ? "values_count" : "num") + " is " +
                   std::to_string(o->int_field(0, 0)) + " but there are " + std::to_string(n) +
                   (pack ? " inputs" : " outputs"));
  }
  return add_moving(im, ctx, pack ? OpType::kPack : OpType::kUnpack,
                    AxisOptions{o ? o->int_field(1, 0) : 0}, pack ? n : 1);
}

Status convert_squeeze(Importer& im, const OpContext& ctx) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 1, 1, 1));
  const tfl::OptionsTable* o = nullptr;
  LOWBIT_RETURN_IF_ERROR(read_options(ctx, tfl::kSqueezeOptions, &o));
  SqueezeOptions options;
  const tfl::Vec<int32_t>* dims = o ? o->int_vector(0) : nullptr;
  if (dims != nullptr) options.axes.assign(dims->begin(), dims->end());
  return add_moving(im, ctx, OpType::kSqueeze, options);
}

Status convert_expand_dims(Importer& im, const OpContext& ctx) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 2, 2, 1));
  Result<int32_t> axis = constant_scalar(im, ctx.inputs[1], "axis");
  if (!axis.ok()) return axis.status();
  return add_moving(im, ctx, OpType::kExpandDims, AxisOptions{axis.value()});
}

Status convert_gather(Importer& im, const OpContext& ctx) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 2, 2, 1));
  const tfl::OptionsTable* o = nullptr;
  LOWBIT_RETURN_IF_ERROR(read_options(ctx, tfl::kGatherOptions, &o));
  GatherOptions options{o ? o->int_field(0, 0) : 0, o ? o->int_field(1, 0) : 0};
  return add_moving(im, ctx, OpType::kGather, options, 2);
}

Status convert_tile(Importer& im, const OpContext& ctx) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 2, 2, 1));
  Result<std::vector<int32_t>> multiples = im.constant_ints(ctx.inputs[1]);
  if (!multiples.ok()) return multiples.status();
  return add_moving(im, ctx, OpType::kTile, TileOptions{multiples.value()});
}

Status convert_depth_space(Importer& im, const OpContext& ctx, bool to_space) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 1, 1, 1));
  const tfl::OptionsTable* o = nullptr;
  const uint8_t tag = to_space ? tfl::kDepthToSpaceOptions : tfl::kSpaceToDepthOptions;
  LOWBIT_RETURN_IF_ERROR(read_options(ctx, tag, &o));
  if (o == nullptr) return invalid("has no block_size options");
  return add_moving(im, ctx, to_space ? OpType::kDepthToSpace : OpType::kSpaceToDepth,
                    BlockSizeOptions{o->int_field(0, 0)});
}

// ARG_MAX, ARG_MIN: the constant axis operand becomes AxisOptions; output_type
// (field 0, INT32 or INT64) must be the output tensor's type, which carries it.
Status convert_arg_reduce(Importer& im, const OpContext& ctx, OpType type) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 2, 2, 1));
  const tfl::OptionsTable* o = nullptr;
  const bool max = type == OpType::kArgMax;
  LOWBIT_RETURN_IF_ERROR(read_options(ctx, max ? tfl::kArgMaxOptions : tfl::kArgMinOptions, &o));
  const int8_t output_type = im.tfl_type(ctx.outputs[0]);
  if (output_type != tfl::kInt32 && output_type != tfl::kInt64) {
    return invalid("output " + im.tensor_label(ctx.outputs[0]) + " must be INT32 or INT64, not " +
                   tfl::tensor_type_name(output_type));
  }
  if (o != nullptr && o->byte_field(0, output_type) != output_type) {
    return invalid(std::string("output_type ") + tfl::tensor_type_name(o->byte_field(0, 0)) +
                   " differs from output " + im.tensor_label(ctx.outputs[0]) + "'s type " +
                   tfl::tensor_type_name(output_type));
  }
  Result<int32_t> axis = constant_scalar(im, ctx.inputs[1], "axis");
  if (!axis.ok()) return axis.status();
  return add_moving(im, ctx, type, AxisOptions{axis.value()});
}

// RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR: the size operand must be a constant
// [2] (height, width); it becomes ResizeOptions with the two coordinate flags.
Status convert_resize(Importer& im, const OpContext& ctx, OpType type) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 2, 2, 1));
  const bool bilinear = type == OpType::kResizeBilinear;
  auto opts = options_of(ctx, bilinear ? tfl::kResizeBilinearOptions
                                       : tfl::kResizeNearestNeighborOptions);
  if (!opts.ok()) return opts.status();
  if (im.tfl_type(ctx.inputs[1]) != tfl::kInt32) {
    return invalid("size " + im.tensor_label(ctx.inputs[1]) + " must be INT32, not " +
                   tfl::tensor_type_name(im.tfl_type(ctx.inputs[1])));
  }
  Result<std::vector<int32_t>> size = im.constant_ints(ctx.inputs[1]);
  if (!size.ok()) return size.status();
  if (size->size() != 2 || size.value()[0] <= 0 || size.value()[1] <= 0) {
    return invalid("size " + im.tensor_label(ctx.inputs[1]) +
                   " must hold two positive values (height, width)");
  }
  const tfl::OptionsTable* o = opts.value();
  ResizeOptions options;
  options.new_height = size.value()[0];
  options.new_width = size.value()[1];
  // Field ids: bilinear keeps two deprecated size fields before the flags.
  options.align_corners = o ? o->bool_field(bilinear ? 2 : 0, false) : false;
  options.half_pixel_centers = o ? o->bool_field(bilinear ? 3 : 1, false) : false;
  if (bilinear && options.align_corners && options.half_pixel_centers) {
    return invalid("align_corners and half_pixel_centers cannot both be set (TFLite refuses it)");
  }
  Result<int> x = im.tensor(ctx.inputs[0]), y = im.tensor(ctx.outputs[0]);
  if (!x.ok()) return x.status();
  if (!y.ok()) return y.status();
  im.add_operator(ctx, type, {x.value()}, {y.value()}, options);
  return Status::Ok();
}


// TRANSPOSE_CONV: TFLite's [output_shape, weights, input, bias?] becomes
// [input, weights, bias?] with the output's height and width in the options.
// A constant output_shape must equal the output's shape; one computed at run
// time (a graph input in the seanet models) becomes the fourth operand, which
// the operator never reads: the output keeps its declared shape, as TFLite
// Micro plans it.
Status convert_transpose_conv(Importer& im, const OpContext& ctx) {
  LOWBIT_RETURN_IF_ERROR(expect_arity(ctx, 3, 4, 1));
  auto opts = options_of(ctx, tfl::kTransposeConvOptions);
  if (!opts.ok()) return opts.status();
  const tfl::OptionsTable* o = opts.value();
  Result<Padding> padding = padding_of(o ? o->byte_field(0, 0) : 0);
  if (!padding.ok()) return padding.status();
  Result<Activation> act = fused_activation(o ? o->byte_field(3, 0) : 0);
  if (!act.ok()) return act.status();
  TransposeConvOptions options;
  options.padding = padding.value();
  options.stride_w = o ? o->int_field(1, 0) : 0;
  options.stride_h = o ? o->int_field(2, 0) : 0;
  options.activation = act.value();
  LOWBIT_RETURN_IF_ERROR(check_positive(options.stride_w, "stride_w"));
  LOWBIT_RETURN_IF_ERROR(check_positive(options.stride_h, "stride_h"));
  const int shape_tensor = ctx.inputs[0];
  if (im.tfl_type(shape_tensor) != tfl::kInt32) {
    return invalid("output_shape " + im.tensor_label(shape_tensor) + " must be INT32, not " +
                   tfl::tensor_type_name(im.tfl_type(shape_tensor)));
  }
  size_t shape_bytes = 0;
  const bool computed_shape = im.constant_data(shape_tensor, &shape_bytes) == nullptr;
  Result<std::vector<int32_t>> shape =
      computed_shape ? Result<std::vector<int32_t>>(std::vector<int32_t>())
                     : im.constant_ints(shape_tensor);
  if (!shape.ok()) return shape.status();
  Result<Shape> out = im.shape(ctx.outputs[0]);
  if (!out.ok()) return out.status();
  if (!computed_shape && Shape::from_vector(shape.value()) != out.value()) {
    return invalid("output_shape " + im.tensor_label(shape_tensor) + " holds " +
                   Shape::from_vector(shape.value()).to_string() + " but the output is " +
                   out->to_string());
  }
  if (out->rank != 4) return invalid("output must be 4-D; got " + out->to_string());
  options.output_height = out->dims[1];
  options.output_width = out->dims[2];
  LOWBIT_RETURN_IF_ERROR(fold_float_weights(im, ctx, 1));
  std::vector<int> inputs;
  for (size_t i : {size_t{2}, size_t{1}, size_t{3}}) {
    if (i >= ctx.inputs.size()) break;
    Result<int> t = im.optional_tensor(ctx.inputs[i]);
    if (!t.ok()) return t.status();
    inputs.push_back(t.value());
  }
  if (computed_shape) {
    Result<int> fed = im.tensor(shape_tensor);
    if (!fed.ok()) return fed.status();
    inputs.resize(3, kAbsentInput);
    inputs.push_back(fed.value());
  }
  Result<int> y = im.tensor(ctx.outputs[0]);
  if (!y.ok()) return y.status();
  Result<Shape> in = im.shape(ctx.inputs[2]), filter = im.shape(ctx.inputs[1]);
  if (!in.ok()) return in.status();
  if (!filter.ok()) return filter.status();
  if (filter->rank != 4) return invalid("weights must be 4-D; got " + filter->to_string());
  const DType in_dtype = im.tfl_type(ctx.inputs[2]) == tfl::kFloat32 ? DType::kFloat32 : DType::kInt8;
  im.count_macs(in_dtype, elements(in.value()) * filter->dims[0] * filter->dims[1] * filter->dims[2]);
  im.add_operator(ctx, OpType::kTransposeConv, inputs, {y.value()}, options);
  return Status::Ok();
}

// L2_NORMALIZATION: TFLite runs it only without a fused activation.
Status convert_l2_normalization(Importer& im, const OpContext& ctx) {
  auto opts = options_of(ctx, tfl::kL2NormOptions);
  if (!opts.ok()) return opts.status();
  Result<Activation> act = fused_activation(opts.value() ? opts.value()->byte_field(0, 0) : 0);
  if (!act.ok()) return act.status();
  if (act.value() != Activation::kNone) {
    return unsupported("a fused activation (TFLite's L2_NORMALIZATION accepts none)");
  }
  return convert_plain(im, ctx, OpType::kL2Normalization, 1);
}

}  // namespace

Status convert_builtin(Importer& im, const OpContext& ctx, int32_t code) {
  LOWBIT_RETURN_IF_ERROR(reject_bit_operands(im, ctx));
  switch (code) {
    case tfl::kConv2D: return convert_conv(im, ctx, false);
    case tfl::kDepthwiseConv2D: return convert_conv(im, ctx, true);
    case tfl::kFullyConnected: return convert_fully_connected(im, ctx);
    case tfl::kAdd: return convert_elementwise(im, ctx, OpType::kAdd, tfl::kAddOptions);
    case tfl::kSub: return convert_elementwise(im, ctx, OpType::kSub, tfl::kSubOptions);
    case tfl::kMul: return convert_elementwise(im, ctx, OpType::kMul, tfl::kMulOptions);
    case tfl::kAveragePool2D: return convert_pool(im, ctx, OpType::kAveragePool2D);
    case tfl::kMaxPool2D: return convert_pool(im, ctx, OpType::kMaxPool2D);
    case tfl::kMean: return convert_reducer(im, ctx, OpType::kMean);
    case tfl::kSoftmax: return convert_softmax(im, ctx);
    case tfl::kLogistic: return convert_unary(im, ctx, OpType::kLogistic);
    case tfl::kHardSwish: return convert_unary(im, ctx, OpType::kHardSwish);
    case tfl::kRelu: return convert_unary(im, ctx, OpType::kRelu);
    case tfl::kRelu6: return convert_unary(im, ctx, OpType::kRelu6);
    case tfl::kQuantize: return convert_unary(im, ctx, OpType::kQuantize);
    case tfl::kDequantize: return convert_dequantize(im, ctx, im.graph_outputs());
    case tfl::kPad: return convert_pad(im, ctx);
    case tfl::kConcatenation: return convert_concatenation(im, ctx);
    case tfl::kReshape: return convert_reshape(im, ctx);
    case tfl::kSqueeze: return convert_squeeze(im, ctx);
    case tfl::kTranspose: return convert_transpose(im, ctx);
    case tfl::kSlice: return convert_slice(im, ctx);
    case tfl::kStridedSlice: return convert_strided_slice(im, ctx);
    case tfl::kSplit: return convert_split(im, ctx, false);
    case tfl::kSplitV: return convert_split(im, ctx, true);
    case tfl::kPack: return convert_pack(im, ctx, true);
    case tfl::kUnpack: return convert_pack(im, ctx, false);
    case tfl::kExpandDims: return convert_expand_dims(im, ctx);
    case tfl::kGather: return convert_gather(im, ctx);
    case tfl::kTile: return convert_tile(im, ctx);
    case tfl::kDepthToSpace: return convert_depth_space(im, ctx, true);
    case tfl::kSpaceToDepth: return convert_depth_space(im, ctx, false);
    case tfl::kResizeBilinear: return convert_resize(im, ctx, OpType::kResizeBilinear);
    case tfl::kResizeNearestNeighbor: return convert_resize(im, ctx, OpType::kResizeNearestNeighbor);
    case tfl::kArgMax: return convert_arg_reduce(im, ctx, OpType::kArgMax);
    case tfl::kArgMin: return convert_arg_reduce(im, ctx, OpType::kArgMin);
    case tfl::kCast: return convert_plain(im, ctx, OpType::kCast, 1);
    case tfl::kGatherNd: return convert_plain(im, ctx, OpType::kGatherNd, 2);
    case tfl::kDiv: return convert_elementwise(im, ctx, OpType::kDiv, tfl::kDivOptions);
    case tfl::kFloorDiv: return convert_plain(im, ctx, OpType::kFloorDiv, 2);
    case tfl::kSqrt: return convert_plain(im, ctx, OpType::kSqrt, 1);
    case tfl::kRsqrt: return convert_plain(im, ctx, OpType::kRsqrt, 1);
    case tfl::kMaximum: return convert_plain(im, ctx, OpType::kMaximum, 2);
    case tfl::kMinimum: return convert_plain(im, ctx, OpType::kMinimum, 2);
    case tfl::kFloorMod: return convert_plain(im, ctx, OpType::kFloorMod, 2);
    case tfl::kAbs: return convert_plain(im, ctx, OpType::kAbs, 1);
    case tfl::kNeg: return convert_plain(im, ctx, OpType::kNeg, 1);
    case tfl::kSquaredDifference: return convert_plain(im, ctx, OpType::kSquaredDifference, 2);
    case tfl::kTransposeConv: return convert_transpose_conv(im, ctx);
    case tfl::kL2Normalization: return convert_l2_normalization(im, ctx);
    case tfl::kTanh: return convert_plain(im, ctx, OpType::kTanh, 1);
    case tfl::kExp: return convert_plain(im, ctx, OpType::kExp, 1);
    case tfl::kLog: return convert_plain(im, ctx, OpType::kLog, 1);
    case tfl::kLeakyRelu: return convert_leaky_relu(im, ctx);
    case tfl::kPrelu: return convert_plain(im, ctx, OpType::kPrelu, 2);
    case tfl::kSum: return convert_reducer(im, ctx, OpType::kSum);
    case tfl::kReduceMax: return convert_reducer(im, ctx, OpType::kReduceMax);
    case tfl::kReduceMin: return convert_reducer(im, ctx, OpType::kReduceMin);
    case tfl::kSpaceToBatchNd: return convert_plain(im, ctx, OpType::kSpaceToBatchNd, 3);
    case tfl::kBatchToSpaceNd: return convert_plain(im, ctx, OpType::kBatchToSpaceNd, 3);
    case tfl::kUnidirectionalSequenceLstm: return convert_sequence_lstm(im, ctx);
    case tfl::kBidirectionalSequenceLstm: return convert_bidirectional_lstm(im, ctx);
    case tfl::kSvdf: return convert_recurrent(im, ctx, true);
    case tfl::kUnidirectionalSequenceRnn: return convert_recurrent(im, ctx, false);
    default: return im.unsupported_operator(ctx);
  }
}

}  // namespace convert
}  // namespace lowbit
