// Standalone RELU / RELU6 after an operator the int8 kernels can clamp
// themselves (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, SUB, MUL)
// become that operator's fused activation before calibration, as the
// runtime runs them. Calibrated apart, the producer's output would get a
// range holding its negative values too, and an int8 step twice as coarse
// on what the RELU keeps.
#pragma once

#include <vector>

#include "lowbit/graph.h"

namespace lowbit {
namespace quantize {

struct FoldedActivations {
  GraphDesc graph;  // constants still point into the original model
  // Per operator of the original graph: its index in `graph`, or -1 for a
  // folded RELU / RELU6.
  std::vector<int> new_index;
  int folded = 0;
};

// Operators marked in `keep` (per operator of `graph`) are left as they are,
// and so are activations whose input has other readers or is a graph output.
FoldedActivations fold_standalone_activations(const GraphDesc& graph,
                                              const std::vector<bool>& keep);

}  // namespace quantize
}  // namespace lowbit
