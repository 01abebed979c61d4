#include "float_lstm_graphs.h"

#include <random>

#include "support/model_runner.h"

namespace lowbit {
namespace testing {
namespace {

// Weights in [-spread, spread]: float, int8 with scale spread / 127, or
// those int8 values dequantized to float32.
int weights(ModelBuilder& b, const std::string& name, const Shape& shape,
            const FloatCellSpec& s, float spread, std::mt19937& rng) {
  const size_t n = size_t(shape.num_elements());
  if (!s.hybrid && !s.dequantized) {
    return b.add_constant(name, DType::kFloat32, shape, random_floats(rng, n, -spread, spread));
  }
  const float scale = spread / 127;
  const std::vector<int8_t> q = random_ints<int8_t>(rng, n, -127, 127);
  if (s.hybrid) return b.add_constant(name, DType::kInt8, shape, q, per_tensor(scale, 0));
  std::vector<float> values(n);
  for (size_t i = 0; i < n; ++i) values[i] = scale * static_cast<float>(q[i]);
  return b.add_constant(name, DType::kFloat32, shape, values);
}

}  // namespace

void add_float_cell(ModelBuilder& b, std::vector<int>& in, const LstmCellOperands& cell,
                    const FloatCellSpec& s, int batch, const std::string& prefix,
                    uint32_t seed) {
  std::mt19937 rng(seed);
  const int outputs = s.outputs();
  for (int g = 0; g < 4; ++g) {
    if (g == 0 && s.cifg) continue;
    const std::string gate = std::to_string(g);
    in[cell.input_weights + g] = weights(b, prefix + "w_in" + gate, {s.units, s.features},
                                         s, 0.6f, rng);
    in[cell.recurrent_weights + g] = weights(b, prefix + "w_rec" + gate, {s.units, outputs},
                                             s, 0.5f, rng);
    in[cell.gate_bias + g] = b.add_constant(prefix + "bias" + gate, DType::kFloat32, {s.units},
                                            random_floats(rng, size_t(s.units), -0.5f, 0.5f));
    if (s.layer_norm) {
      in[cell.layer_norm_weights + g] =
          b.add_constant(prefix + "layer_norm" + gate, DType::kFloat32, {s.units},
                         random_floats(rng, size_t(s.units), 0.5f, 1.5f));
    }
  }
  for (int k = 0; s.peephole && k < 3; ++k) {
    if (k == 0 && s.cifg) continue;
    in[cell.peephole_weights + k] = weights(b, prefix + "peephole" + std::to_string(k),
                                            {s.units}, s, 0.4f, rng);
  }
  if (s.projection > 0) {
    in[cell.projection_weights] = weights(b, prefix + "projection", {outputs, s.units}, s, 0.5f,
                                          rng);
    in[cell.projection_bias] = b.add_constant(prefix + "projection_bias", DType::kFloat32,
                                              {outputs},
                                              random_floats(rng, size_t(outputs), -0.2f, 0.2f));
  }
  in[cell.output_state] = b.add_variable(prefix + "h", DType::kFloat32, {batch, outputs});
  in[cell.cell_state] = b.add_variable(prefix + "c", DType::kFloat32, {batch, s.units});
}

}  // namespace testing
}  // namespace lowbit
