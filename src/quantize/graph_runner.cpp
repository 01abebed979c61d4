#include "quantize/graph_runner.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace lowbit {
namespace quantize {

void copy_graph(const GraphDesc& graph, ModelBuilder* builder) {
  builder->set_description(graph.description);
  for (const TensorDesc& t : graph.tensors) {
    if (t.is_constant()) {
      builder->add_constant(t.name, t.dtype, t.shape, t.data, t.data_bytes, t.quant);
    } else if (t.is_variable) {
      builder->add_variable(t.name, t.dtype, t.shape, t.quant);
    } else {
      builder->add_tensor(t.name, t.dtype, t.shape, t.quant);
    }
  }
  for (const OperatorDesc& op : graph.operators) {
    builder->add_operator(op.type, op.inputs, op.outputs, op.options, op.name);
  }
  builder->set_inputs(graph.inputs);
  builder->set_outputs(graph.outputs);
}

std::vector<int> float_activation_tensors(const GraphDesc& graph) {
  std::vector<bool> written(graph.tensors.size(), false);
  for (int i : graph.inputs) written[i] = true;
  for (const OperatorDesc& op : graph.operators) {
    for (int o : op.outputs) written[o] = true;
  }
  std::vector<int> result;
  for (size_t i = 0; i < graph.tensors.size(); ++i) {
    const TensorDesc& t = graph.tensors[i];
    if (written[i] && !t.is_constant() && t.dtype == DType::kFloat32) {
      result.push_back(static_cast<int>(i));
    }
  }
  return result;
}

Result<std::unique_ptr<GraphRunner>> GraphRunner::create(const ModelBuilder& builder,
                                                         const InterpreterOptions& options) {
  Result<std::vector<uint8_t>> bytes = builder.finish();
  if (!bytes.ok()) return bytes.status();
  auto runner = std::unique_ptr<GraphRunner>(new GraphRunner());
  // from_buffer may use the bytes in place: the runner keeps them.
  runner->bytes_ = std::move(bytes.value());
  Result<std::shared_ptr<const Model>> model =
      Model::from_buffer(runner->bytes_.data(), runner->bytes_.size());
  if (!model.ok()) return model.status();
  runner->model_ = model.value();
  runner->interp_ = std::make_unique<Interpreter>(runner->model_, options);
  LOWBIT_RETURN_IF_ERROR(runner->interp_->prepare());
  return runner;
}

Status GraphRunner::run(const std::vector<std::vector<uint8_t>>& inputs) {
  if (inputs.size() != interp_->num_inputs()) {
    return Status(StatusCode::kInvalidArgument, "wrong number of inputs");
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorView view = interp_->input(i);
    if (inputs[i].size() != view.bytes) {
      return Status(StatusCode::kInvalidArgument, "input " + std::to_string(i) + " has " +
                                                      std::to_string(inputs[i].size()) +
                                                      " bytes, expected " +
                                                      std::to_string(view.bytes));
    }
    std::memcpy(view.data, inputs[i].data(), view.bytes);
  }
  return interp_->invoke();
}

Status GraphRunner::run_float(const Sample& sample) {
  std::vector<std::vector<uint8_t>> inputs;
  for (size_t i = 0; i < sample.size() && i < interp_->num_inputs(); ++i) {
    const TensorView view = interp_->input(i);
    std::vector<uint8_t> bytes;
    if (view.dtype() == DType::kInt8) {
      const Quantization& q = view.desc->quant;
      for (float x : sample[i]) {
        bytes.push_back(static_cast<uint8_t>(quantize_value(x, q.scales[0], q.zero_points[0])));
      }
    } else {
      bytes.resize(sample[i].size() * sizeof(float));
      std::memcpy(bytes.data(), sample[i].data(), bytes.size());
    }
    inputs.push_back(std::move(bytes));
  }
  return run(inputs);
}

std::vector<float> GraphRunner::output_as_float(size_t i) const {
  const TensorView view = interp_->output(i);
  const size_t count = static_cast<size_t>(view.shape().num_elements());
  if (view.dtype() == DType::kInt8) {
    return dequantize_int8(view.as<int8_t>(), count, view.desc->quant);
  }
  if (view.dtype() == DType::kInt32) {  // class indices (ARG_MAX) compare as numbers
    const int32_t* data = view.as<int32_t>();
    return std::vector<float>(data, data + count);
  }
  if (view.dtype() != DType::kFloat32) return {};
  const float* data = view.as<float>();
  return std::vector<float>(data, data + count);
}

std::vector<float> dequantize_int8(const int8_t* data, size_t count, const Quantization& quant) {
  std::vector<float> out(count);
  const float scale = quant.scales.empty() ? 1.0f : quant.scales[0];
  const int32_t zp = quant.zero_points.empty() ? 0 : quant.zero_points[0];
  for (size_t i = 0; i < count; ++i) out[i] = scale * static_cast<float>(data[i] - zp);
  return out;
}

int8_t quantize_value(float x, float scale, int32_t zero_point) {
  const float q = std::round(x / scale) + static_cast<float>(zero_point);
  if (!(q > -128.0f)) return -128;  // NaN too
  return static_cast<int8_t>(std::min(q, 127.0f));
}

}  // namespace quantize
}  // namespace lowbit
