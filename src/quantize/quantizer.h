// lowbit-quantize's pipeline: calibrate a float graph on representative
// inputs, rewrite it to int8 (or W4A8), measure what precision was lost.
// docs/quantization.md describes each stage.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lowbit/lowbit.h"
#include "quantize/calibration_data.h"
#include "quantize/range_observer.h"

namespace lowbit {
namespace quantize {

struct QuantizeOptions {
  CalibratorOptions calibrator;
  bool per_tensor_weights = false;
  int weight_bits = 8;  // 8, or 4 for CONV_2D/FULLY_CONNECTED weights (W4A8)
  bool float_io = false;
  std::vector<std::string> keep_float;  // operator name, output tensor name or index
  bool bias_correction = false;
  // Keeps the most sensitive operators float (int8 weights under
  // weight_bits 4) until the final output SQNR reaches min_sqnr_db.
  bool auto_keep_float = false;
  double min_sqnr_db = 30.0;
  // Kernel set the measuring runs use ("" = auto).
  std::string kernel;
};

// One operator output tensor of the report.
struct TensorReport {
  int op_index = -1;
  std::string op_type;
  std::string tensor;
  std::string precision;  // "int8", "int8 (int4 weights)", "float"
  float min = 0, max = 0, scale = 0;  // representable range of the int8 tensor
  int32_t zero_point = 0;
  double sqnr_db = 0;  // float activation vs dequantized quantized activation
};

struct LayerSensitivity {
  int op_index = -1;
  std::string op_name;
  double output_sqnr_db = 0;  // final output SQNR when only this operator is kept
};

struct QuantizeReport {
  std::string calibrator;
  size_t samples = 0;
  int weight_bits = 8;
  bool bias_correction = false;
  // Standalone RELU / RELU6 operators made their producer's fused activation.
  int folded_activations = 0;
  std::vector<TensorReport> tensors;
  double output_sqnr_db = 0;
  double min_sqnr_db = 0;  // the budget (auto mode)
  bool auto_keep_float = false;
  bool budget_met = true;
  std::vector<LayerSensitivity> sensitivity;  // auto mode, most helpful first
  std::vector<std::string> kept_float;        // operators left float (given and automatic)
  std::vector<std::string> kept_int8;         // under weight_bits 4: int8 weights instead
};

struct QuantizeResult {
  std::vector<uint8_t> model;  // the .lbm bytes
  QuantizeReport report;
};

Result<QuantizeResult> quantize_graph(const GraphDesc& float_graph,
                                      const std::vector<Sample>& samples,
                                      const QuantizeOptions& options);

// Loads, checks, quantizes, and writes OUT only on success (through a
// temporary file in the same folder, renamed at the end).
Status write_model_atomically(const std::string& path, const std::vector<uint8_t>& bytes);

std::string report_text(const QuantizeReport& report);
std::string report_json(const QuantizeReport& report);

// 10 log10(signal / noise); capped at kMaxSqnrDb when the noise is zero.
constexpr double kMaxSqnrDb = 200.0;
double sqnr_db(double signal_power, double noise_power);

}  // namespace quantize
}  // namespace lowbit
