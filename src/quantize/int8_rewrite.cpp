#include "quantize/int8_rewrite.h"

#include <cstring>

#include "quantize/graph_runner.h"
#include "quantize/weight_quant.h"

namespace lowbit {
namespace quantize {
namespace {

Quantization per_tensor_quant(const ActQuant& q) {
  return Quantization{{q.scale}, {q.zero_point}, 0};
}

class Rewriter {
 public:
  Rewriter(const GraphDesc& graph, const QuantPlan& plan, const RewriteOptions& options,
           ModelBuilder* builder)
      : g_(graph),
        plan_(plan),
        opt_(options),
        b_(builder),
        int8_id_(graph.tensors.size(), -1),
        float_id_(graph.tensors.size(), -1),
        other_id_(graph.tensors.size(), -1) {}

  Status run(std::vector<int>* extra_outputs) {
    b_->set_description(g_.description + " (int8: lowbit-quantize)");
    std::vector<int> inputs;
    for (int t : g_.inputs) {
      const TensorDesc& d = g_.tensors[t];
      if (opt_.float_io) {
        float_id_[t] = b_->add_tensor(d.name, DType::kFloat32, d.shape);
        inputs.push_back(float_id_[t]);
      } else {
        int8_id_[t] = b_->add_tensor(d.name, DType::kInt8, d.shape, per_tensor_quant(plan_.act[t]));
        inputs.push_back(int8_id_[t]);
      }
    }
    std::vector<int> primary(g_.tensors.size(), -1);  // what the producing operator writes
    for (size_t o = 0; o < g_.operators.size(); ++o) {
      const OperatorDesc& op = g_.operators[o];
      if (plan_.keep_float[o]) {
        add_float_op(op);
      } else if (is_weighted_op(op.type)) {
        LOWBIT_RETURN_IF_ERROR(add_weighted_op(static_cast<int>(o), op));
      } else {
        add_int8_op(op);
      }
      for (int t : op.outputs) {
        if (is_float(t)) primary[t] = plan_.keep_float[o] ? float_id_[t] : int8_id_[t];
      }
    }
    std::vector<int> outputs;
    for (int t : g_.outputs) {
      outputs.push_back(!is_float(t) ? get_other(t) : opt_.float_io ? get_float(t) : get_int8(t));
    }
    if (opt_.expose_activations) {
      for (const OperatorDesc& op : g_.operators) {
        for (int t : op.outputs) {
          if (primary[t] < 0) continue;
          bool listed = false;
          for (int x : outputs) listed = listed || x == primary[t];
          if (listed) continue;
          outputs.push_back(primary[t]);
          if (extra_outputs != nullptr) extra_outputs->push_back(t);
        }
      }
    }
    b_->set_inputs(inputs);
    b_->set_outputs(outputs);
    return Status::Ok();
  }

 private:
  bool is_float(int t) const { return g_.tensors[t].dtype == DType::kFloat32; }

  // The int8 version of float tensor t, made by QUANTIZE (or, for a constant,
  // quantized here) the first time an int8 operator reads it.
  int get_int8(int t) {
    if (int8_id_[t] >= 0) return int8_id_[t];
    const TensorDesc& d = g_.tensors[t];
    const ActQuant& q = plan_.act[t];
    if (d.is_constant()) {
      const size_t count = static_cast<size_t>(d.shape.num_elements());
      std::vector<float> values(count);
      if (count > 0) std::memcpy(values.data(), d.data, count * sizeof(float));
      std::vector<int8_t> quantized(count);
      for (size_t i = 0; i < count; ++i) {
        quantized[i] = quantize_value(values[i], q.scale, q.zero_point);
      }
      int8_id_[t] = b_->add_constant(d.name, DType::kInt8, d.shape, quantized, per_tensor_quant(q));
      return int8_id_[t];
    }
    const int source = get_float(t);
    int8_id_[t] = b_->add_tensor(d.name + "/quantized", DType::kInt8, d.shape, per_tensor_quant(q));
    b_->add_operator(OpType::kQuantize, {source}, {int8_id_[t]}, {}, d.name + "/quantize");
    return int8_id_[t];
  }

  // The float version of float tensor t (DEQUANTIZE of its int8 version when
  // an int8 operator wrote it).
  int get_float(int t) {
    if (float_id_[t] >= 0) return float_id_[t];
    const TensorDesc& d = g_.tensors[t];
    if (d.is_constant()) {
      float_id_[t] = b_->add_constant(d.name, d.dtype, d.shape, d.data, d.data_bytes, d.quant);
      return float_id_[t];
    }
    const int source = int8_id_[t];
    float_id_[t] = b_->add_tensor(d.name + "/dequantized", DType::kFloat32, d.shape);
    b_->add_operator(OpType::kDequantize, {source}, {float_id_[t]}, {}, d.name + "/dequantize");
    return float_id_[t];
  }

  // Tensors neither side converts (int32 shapes and the like): copied once.
  int get_other(int t) {
    if (other_id_[t] >= 0) return other_id_[t];
    const TensorDesc& d = g_.tensors[t];
    other_id_[t] = d.is_constant()
                       ? b_->add_constant(d.name, d.dtype, d.shape, d.data, d.data_bytes, d.quant)
                       : b_->add_tensor(d.name, d.dtype, d.shape, d.quant);
    return other_id_[t];
  }

  void add_float_op(const OperatorDesc& op) {
    std::vector<int> inputs;
    for (int t : op.inputs) inputs.push_back(t < 0 ? t : is_float(t) ? get_float(t) : get_other(t));
    std::vector<int> outputs;
    for (int t : op.outputs) {
      const TensorDesc& d = g_.tensors[t];
      if (is_float(t)) {
        float_id_[t] = b_->add_tensor(d.name, DType::kFloat32, d.shape);
        outputs.push_back(float_id_[t]);
      } else {
        outputs.push_back(get_other(t));  // ARG_MAX's int32 and the like
      }
    }
    b_->add_operator(op.type, inputs, outputs, op.options, op.name);
  }

  void add_int8_op(const OperatorDesc& op) {
    std::vector<int> inputs;
    for (int t : op.inputs) inputs.push_back(t < 0 ? t : is_float(t) ? get_int8(t) : get_other(t));
    b_->add_operator(op.type, inputs, int8_outputs(op), op.options, op.name);
  }

  std::vector<int> int8_outputs(const OperatorDesc& op) {
    std::vector<int> outputs;
    for (int t : op.outputs) {
      const TensorDesc& d = g_.tensors[t];
      int8_id_[t] = b_->add_tensor(d.name, DType::kInt8, d.shape, per_tensor_quant(plan_.act[t]));
      outputs.push_back(int8_id_[t]);
    }
    return outputs;
  }

  Status add_weighted_op(int o, const OperatorDesc& op) {
    const int x = get_int8(op.inputs[0]);
    const float input_scale = plan_.act[op.inputs[0]].scale;
    const TensorDesc& w = g_.tensors[op.inputs[1]];
    const bool int4 = opt_.weight_bits == 4 && op.type != OpType::kDepthwiseConv2D &&
                      !plan_.int8_weights[o];
    const int channels = w.shape[weight_channel_axis(op.type)];
    std::vector<float> bias = float_bias(g_, op, channels);
    if (static_cast<size_t>(o) < plan_.bias_delta.size() && !plan_.bias_delta[o].empty()) {
      for (int c = 0; c < channels; ++c) bias[c] += plan_.bias_delta[o][c];
    }
    const QuantizedWeights qw = quantize_weights(w, op.type, int4 ? 4 : 8, opt_.per_tensor_weights,
                                                 bias_limited_scales(bias, input_scale));
    Quantization wq{qw.scales, std::vector<int32_t>(qw.scales.size(), 0),
                    qw.scales.size() > 1 ? qw.axis : 0};
    int w_id = -1;
    if (int4 && !opt_.int4_as_int8) {
      w_id = b_->add_constant(w.name, DType::kInt4, w.shape, pack_int4(qw.values), wq);
    } else {
      w_id = b_->add_constant(w.name, DType::kInt8, w.shape, qw.values, wq);
    }
    std::vector<float> bias_scales;
    for (float s : qw.scales) bias_scales.push_back(input_scale * s);
    const bool has_bias = op.inputs.size() > 2 && op.inputs[2] >= 0;
    const std::string bias_name = has_bias ? g_.tensors[op.inputs[2]].name : op.name + "/bias";
    const int b_id = b_->add_constant(bias_name, DType::kInt32, Shape{channels},
                                      quantize_bias(bias, input_scale, qw),
                                      Quantization{bias_scales,
                                                   std::vector<int32_t>(bias_scales.size(), 0), 0});
    b_->add_operator(op.type, {x, w_id, b_id}, int8_outputs(op), op.options, op.name);
    return Status::Ok();
  }

  const GraphDesc& g_;
  const QuantPlan& plan_;
  const RewriteOptions& opt_;
  ModelBuilder* b_;
  std::vector<int> int8_id_, float_id_, other_id_;
};

}  // namespace

Status build_quantized_graph(const GraphDesc& graph, const QuantPlan& plan,
                             const RewriteOptions& options, ModelBuilder* builder,
                             std::vector<int>* extra_outputs) {
  Rewriter rewriter(graph, plan, options, builder);
  return rewriter.run(extra_outputs);
}

}  // namespace quantize
}  // namespace lowbit
