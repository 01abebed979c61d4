#include "graph/scale_bounds.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace lowbit {
namespace {

struct ScaledTensor {
  int index;
  std::string role;  // "input 0", "output 1"
  double min_scale, max_scale;
  bool constant;
};

bool rescaled_dtype(DType dtype) {
  return dtype == DType::kInt8 || dtype == DType::kUInt8 || dtype == DType::kInt4;
}

std::vector<ScaledTensor> scaled(const GraphDesc& graph, const std::vector<int>& tensors,
                                 const char* role) {
  std::vector<ScaledTensor> out;
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i] == kAbsentInput) continue;
    const TensorDesc& t = graph.tensors[tensors[i]];
    if (!rescaled_dtype(t.dtype) || t.quant.scales.empty()) continue;
    const auto [lo, hi] = std::minmax_element(t.quant.scales.begin(), t.quant.scales.end());
    out.push_back({tensors[i], std::string(role) + " " + std::to_string(i), *lo, *hi,
                   t.is_constant()});
  }
  return out;
}

std::string log2_text(double ratio) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "2^%.1f", std::log2(ratio));
  return buf;
}

Status out_of_bounds(const GraphDesc& graph, const std::string& what, double ratio,
                     const ScaledTensor& output) {
  return Status(StatusCode::kInvalidModel,
                "quantization scales too far apart: " + what + " against " + output.role + " " +
                    describe_tensor(graph, output.index) + " gives a rescale factor of " +
                    log2_text(ratio) + ", outside [2^-" + std::to_string(kMaxScaleRatioLog2) +
                    ", 2^" + std::to_string(kMaxScaleRatioLog2) + "]");
}

bool within(double ratio) {
  return std::isfinite(ratio) && std::fabs(std::log2(ratio)) <= kMaxScaleRatioLog2;
}

}  // namespace

Status check_scale_ratios(const GraphDesc& graph, const OperatorDesc& op) {
  if (op.type == OpType::kMul) return Status::Ok();
  const std::vector<ScaledTensor> inputs = scaled(graph, op.inputs, "input");
  // ADD and SUB only multiply by factors of at most 1/2 and by the output's
  // rescale: tiny ones flush to zero, so only the upper bound applies.
  const bool tiny_flushes = op.type == OpType::kAdd || op.type == OpType::kSub;
  const std::vector<ScaledTensor> outputs = scaled(graph, op.outputs, "output");
  for (const ScaledTensor& out : outputs) {
    for (const ScaledTensor& in : inputs) {
      if (in.constant) continue;  // weights only count multiplied by an activation
      for (double ratio : {in.min_scale / out.max_scale, in.max_scale / out.min_scale}) {
        if (!within(ratio) && !(tiny_flushes && ratio < 1.0)) {
          return out_of_bounds(graph, in.role + " " + describe_tensor(graph, in.index), ratio, out);
        }
      }
    }
    // Convolutions and fully connected layers rescale activation x weights.
    // Only the upper bound: a dead channel's tiny weight scale (2^-35 in
    // MLPerf Tiny's VWW) just gives a zero multiplier.
    for (const ScaledTensor& act : inputs) {
      if (act.constant) continue;
      for (const ScaledTensor& weights : inputs) {
        if (!weights.constant) continue;
        const double ratio = act.max_scale * weights.max_scale / out.min_scale;
        if (!within(ratio) && !(ratio < 1.0)) {
          return out_of_bounds(graph,
                               act.role + " x " + weights.role + " " +
                                   describe_tensor(graph, weights.index),
                               ratio, out);
        }
      }
    }
  }
  return Status::Ok();
}

}  // namespace lowbit
