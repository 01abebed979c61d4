// What lowbit micro checks of a model's graph before preparing it: no
// variables, every tensor an operator reads written before (or constant, or
// a model input), every tensor written once and no constant, every model
// output written. (Operator arity is checked once the operator is known to
// run, in prepare.)
#pragma once

#include <cstdint>

#include "lowbit/micro.h"
#include "micro/lbm_view.h"
#include "micro/message.h"

namespace lowbit {
namespace micro {

lowbit_status check_graph(const ModelView& model, Message& error);
inline bool is_model_input(const ModelView& model, int32_t tensor) {
  for (uint32_t i = 0; i < model.num_inputs(); ++i) {
    if (model.input(i) == tensor) return true;
  }
  return false;
}

inline bool is_model_output(const ModelView& model, int32_t tensor) {
  for (uint32_t i = 0; i < model.num_outputs(); ++i) {
    if (model.output(i) == tensor) return true;
  }
  return false;
}

}  // namespace micro
}  // namespace lowbit
