// What an operator implementation provides, one k<Name>Op per operator
// (src/ops/<operator>.cpp): a check that also infers output shapes, run when a
// model is loaded, and a kernel factory, run by the interpreter. Here rather
// than in src/ops/ so that graph validation needs nothing from the operators
// but what an OpResolver hands it.
#pragma once

#include <memory>

#include "lowbit/graph.h"
#include "lowbit/op_resolver.h"
#include "lowbit/status.h"

namespace lowbit {

class OpKernel;  // src/ops/op_kernel.h

// Checks an operator and writes the inferred shape of each output to
// output_shapes[0..op.outputs.size()). Messages need not name the operator:
// the caller prefixes it.
using ValidateFn = Status (*)(const GraphDesc& graph, const OperatorDesc& op,
                              Shape* output_shapes);
// Creates the kernel for a validated operator (choosing by precision). Returns
// an error Status when this build has no kernel for that combination.
using CreateFn = Result<std::unique_ptr<OpKernel>> (*)(const GraphDesc& graph,
                                                        const OperatorDesc& op);

struct OpRegistration {
  OpType type;
  ValidateFn validate;
  CreateFn create;
};

}  // namespace lowbit
