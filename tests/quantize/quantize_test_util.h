// Small float models and helpers for the lowbit-quantize tests.
#pragma once

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "lowbit/lowbit.h"
#include "quantize/quantizer.h"

namespace lowbit {
namespace quantize_test {

using quantize::Sample;

// The float models the tests quantize (random weights from `seed`).
void build_conv_pool_fc_softmax(ModelBuilder* b, uint32_t seed);  // [1,8,8,3] -> [1,10]
void build_residual_add(ModelBuilder* b, uint32_t seed);          // [1,6,6,4] -> [1,4] (MEAN)
void build_depthwise(ModelBuilder* b, uint32_t seed);             // [1,8,8,4] -> [1,4,4,6]
void build_concat_pad(ModelBuilder* b, uint32_t seed);            // [1,4,4,2] -> [1,6,6,8]
// conv, HARD_SWISH, RELU, RELU6, MUL, SUB, TANH, LOGISTIC, CONCATENATION,
// MEAN (keep_dims), SQUEEZE: [1,4,4,4] -> [1,16].
void build_activations(ModelBuilder* b, uint32_t seed);
void build_with_exp(ModelBuilder* b, uint32_t seed);
// conv -> RELU -> conv -> RELU6 -> ADD(with the first RELU's output), the
// activations as operators of their own (as exporters other than TFLite's write).
void build_standalone_activations(ModelBuilder* b, uint32_t seed);  // [1,6,6,3] -> [1,6,6,4]              // conv -> EXP -> conv
// FULLY_CONNECTED [1,16] -> [1,8] whose channels have very different weight
// magnitudes, so per-tensor weights shift the small channels' means.
void build_fc_mixed_magnitudes(ModelBuilder* b, uint32_t seed);

// Uniform [lo, hi] samples for every graph input of `graph`.
std::vector<Sample> random_samples(const GraphDesc& graph, size_t count, float lo, float hi,
                                   uint32_t seed);

// The float graph's outputs for each sample (own float kernels).
std::vector<std::vector<std::vector<float>>> run_float(const ModelBuilder& b,
                                                       const std::vector<Sample>& samples);

// The quantized model's outputs for each sample as raw bytes, and dequantized.
struct QuantizedRun {
  std::vector<std::vector<std::vector<uint8_t>>> bytes;     // per sample, per output
  std::vector<std::vector<std::vector<float>>> dequantized;
};
QuantizedRun run_quantized(const std::vector<uint8_t>& lbm, const std::vector<Sample>& samples,
                           const std::string& kernel);

double sqnr_db(const std::vector<std::vector<std::vector<float>>>& reference,
               const std::vector<std::vector<std::vector<float>>>& measured);

}  // namespace quantize_test
}  // namespace lowbit
