// The graph checks lowbit micro's plan relies on (graph_check.h).
#include "micro/graph_check.h"

#include "micro/op.h"
#include "micro/runtime.h"

namespace lowbit {
namespace micro {
namespace {

bool written_before(const ModelView& model, int32_t tensor, uint32_t op_end) {
  for (uint32_t i = 0; i < op_end; ++i) {
    const OperatorView op = model.op(i);
    for (uint32_t o = 0; o < op.outputs.count; ++o) {
      if (model.op_output(op, o) == tensor) return true;
    }
  }
  return false;
}

}  // namespace

// Every tensor an operator reads exists by then, every one it writes is
// written once and is no constant, every model output is written (or it
// would be whatever the arena held): what the plan relies on.
lowbit_status check_graph(const ModelView& model, Message& error) {
  for (uint32_t i = 0; i < model.num_tensors(); ++i) {
    const TensorView t = model.tensor(int32_t(i));
    if (t.is_variable) {
      append_part(error, t);
      error.append(" is a variable (recurrent state): lowbit micro runs stateless models only");
      return LOWBIT_UNSUPPORTED;
    }
  }
  for (uint32_t i = 0; i < model.num_inputs(); ++i) {
    const TensorView t = model.tensor(model.input(i));
    if (t.constant != nullptr) {
      error.append_all("model input ", i, " is constant ");
      append_part(error, t);
      return LOWBIT_INVALID_MODEL;
    }
  }
  for (uint32_t i = 0; i < model.num_operators(); ++i) {
    const OperatorView op = model.op(i);
    for (uint32_t k = 0; k < op.inputs.count; ++k) {
      const int32_t index = model.op_input(op, k);
      if (index < 0 || model.tensor(index).constant != nullptr || is_model_input(model, index) ||
          written_before(model, index, i)) {
        continue;
      }
      error.append_all(op_type_name(op.type), " (operator ", i, ") reads ");
      append_part(error, model.tensor(index));
      error.append(" before any operator writes it");
      return LOWBIT_INVALID_MODEL;
    }
    for (uint32_t k = 0; k < op.outputs.count; ++k) {
      const int32_t index = model.op_output(op, k);
      if (model.tensor(index).constant == nullptr && !is_model_input(model, index) &&
          !written_before(model, index, i)) {
        continue;
      }
      error.append_all(op_type_name(op.type), " (operator ", i, ") writes ");
      append_part(error, model.tensor(index));
      error.append(", which is constant, a model input or written before");
      return LOWBIT_INVALID_MODEL;
    }
  }
  for (uint32_t i = 0; i < model.num_outputs(); ++i) {
    const int32_t index = model.output(i);
    if (model.tensor(index).constant != nullptr || is_model_input(model, index) ||
        written_before(model, index, model.num_operators())) {
      continue;
    }
    error.append_all("model output ", i, " ");
    append_part(error, model.tensor(index));
    error.append(" is written by no operator");
    return LOWBIT_INVALID_MODEL;
  }
  return LOWBIT_OK;
}

}  // namespace micro
}  // namespace lowbit
