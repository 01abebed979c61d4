// Running graph variants during quantization: copies of a GraphDesc with
// extra outputs or operators, serialized, loaded and prepared once, then
// invoked once per calibration sample.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lowbit/lowbit.h"
#include "quantize/calibration_data.h"

namespace lowbit {
namespace quantize {

// Adds every tensor and operator of `graph` to `builder` with the same
// indices (the builder must be empty), and the graph's inputs and outputs.
void copy_graph(const GraphDesc& graph, ModelBuilder* builder);

// Tensors holding float32 activations: not constant, float32, written by an
// operator or a graph input. In index order.
std::vector<int> float_activation_tensors(const GraphDesc& graph);

// A prepared interpreter over a built graph.
class GraphRunner {
 public:
  static Result<std::unique_ptr<GraphRunner>> create(const ModelBuilder& builder,
                                                     const InterpreterOptions& options = {});
  // Copies each graph input's bytes (raw, of the input's dtype) and invokes.
  Status run(const std::vector<std::vector<uint8_t>>& inputs);
  // Float32 inputs, each converted to the input's dtype first (int8: quantized
  // with the input's scale and zero point).
  Status run_float(const Sample& sample);
  // Graph output i as float values (int8 dequantized with its quantization,
  // int32 converted; empty for other dtypes).
  std::vector<float> output_as_float(size_t i) const;
  const Interpreter& interpreter() const { return *interp_; }

 private:
  std::vector<uint8_t> bytes_;
  std::shared_ptr<const Model> model_;
  std::unique_ptr<Interpreter> interp_;
};

// real = scale * (q - zero_point) for every value of an int8 tensor.
std::vector<float> dequantize_int8(const int8_t* data, size_t count, const Quantization& quant);
// q = clamp(round(x / scale) + zero_point, -128, 127).
int8_t quantize_value(float x, float scale, int32_t zero_point);

}  // namespace quantize
}  // namespace lowbit
