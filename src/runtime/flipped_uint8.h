// Which legacy uint8 activations stay sign-flipped between operators.
//
// The int8 microkernels run legacy uint8 layers on flipped bytes (x ^ 0x80,
// the same values as int8 with every zero point lowered by 128; see
// ops/legacy_uint8.h). A layer that flipped its own input and output would
// read and write every activation twice more than its int8 twin; instead a
// tensor both of whose ends can work on flipped bytes is stored flipped, and
// only the graph's edges (its inputs and outputs, operators without a flipped
// form) convert.
#pragma once

#include <vector>

#include "lowbit/graph.h"

namespace lowbit {

// Per tensor: whether it is stored flipped. A tensor is when it is a uint8
// activation (not constant, not a graph input or output, not variable) whose
// producer and consumers all take flipped operands: CONV_2D,
// DEPTHWISE_CONV_2D and FULLY_CONNECTED take any mix, ADD and SUB only all
// of their uint8 operands flipped or none (their kernels flip all three
// alike).
std::vector<bool> plan_flipped_uint8(const GraphDesc& graph);

}  // namespace lowbit
