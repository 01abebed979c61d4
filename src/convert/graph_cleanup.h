// Graph-level clean-up after a TFLite import: TRANSPOSE pairs that cancel,
// then operators, tensors and constants no graph output depends on.
#pragma once

#include "convert/tflite_importer.h"
#include "lowbit/graph.h"
#include "lowbit/model_builder.h"

namespace lowbit {
namespace convert {

// Removes pairs TRANSPOSE(perm p) -> TRANSPOSE(perm q) with p[q[d]] == d for
// every d, whose middle tensor nothing else reads and whose ends share dtype
// and quantization: readers of the second output read the first input
// instead. A lone TRANSPOSE (a PyTorch export's NCHW <-> NHWC at the graph's
// ends) stays a real operator. Returns the number of pairs removed.
int cancel_transpose_pairs(GraphDesc* graph);

// Writes into the empty `out` the operators some graph output depends on, the
// tensors they use and the graph inputs, in their original order, and
// refreshes the counts in *summary (operators, tensors, constant bytes).
void emit_live_graph(const GraphDesc& graph, ModelBuilder* out, ConversionSummary* summary);

}  // namespace convert
}  // namespace lowbit
