// Graph-level verification shared by the model loader and builder graphs.
//
// validate_graph() = validate_graph_structure() + validate_operators().
// Structure checks (tensors, quantization, indices, execution order) run over
// the whole graph first, so a malformed graph is reported by its structural
// fault even when some operator is not implemented in this build.
#pragma once

#include <vector>

#include "lowbit/graph.h"
#include "lowbit/model.h"
#include "lowbit/op_resolver.h"
#include "lowbit/status.h"

#include "graph/op_list.h"  // default_options(), options_kind_name()

namespace lowbit {

// Tensors (dtype, rank, dims, byte size, constant data size, quantization),
// operators (known type, options match, operand indices, no constant or
// graph-input outputs, single producer, inputs defined earlier) and the
// graph's input/output lists. Every failure is kInvalidModel, except the
// configured limits of `options` (kResourceExhausted).
Status validate_graph_structure(const GraphDesc& graph, const LoadOptions& options);

// Looks each operator up in `resolver` (kUnsupported when it lacks one), runs
// its validate() and compares the inferred output shapes to the declared
// ones. Assumes validate_graph_structure() passed. When `registrations` is
// given, it receives what the resolver found, one per operator.
Status validate_operators(const GraphDesc& graph, const OpResolver& resolver,
                          std::vector<const OpRegistration*>* registrations = nullptr);

// Both, with options.op_resolver (default_op_resolver() when null).
Status validate_graph(const GraphDesc& graph, const LoadOptions& options,
                      std::vector<const OpRegistration*>* registrations = nullptr);

}  // namespace lowbit
