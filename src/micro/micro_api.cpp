// The rest of lowbit/micro.h: resolvers, invoke and the accessors.
#include <cstring>

#include "micro/op.h"
#include "micro/runtime.h"

using lowbit::micro::InvokeArgs;
using lowbit::micro::kMaxOpInputs;
using lowbit::micro::kMaxOpOutputs;
using lowbit::micro::OperatorView;
using lowbit::micro::TensorView;

namespace {

lowbit_status describe(const lowbit_micro* micro, int32_t index, lowbit_micro_tensor* out) {
  const TensorView t = micro->model.tensor(index);
  *out = lowbit_micro_tensor{};
  out->data = micro->tensor_data[index];
  out->bytes = t.bytes;
  out->dtype = static_cast<lowbit_dtype>(t.dtype);
  out->rank = t.rank;
  for (int i = 0; i < t.rank; ++i) out->dims[i] = t.dims[i];
  if (t.scales == 1) {
    out->scale = micro->model.scale(t, 0);
    out->zero_point = int32_t(micro->model.zero_point(t, 0));
  }
  return LOWBIT_OK;
}

}  // namespace

extern "C" {

void lowbit_micro_resolver_init(lowbit_micro_resolver* resolver) {
  if (resolver != nullptr) std::memset(resolver, 0, sizeof *resolver);
}

lowbit_status lowbit_micro_resolver_add(lowbit_micro_resolver* resolver, const lowbit_micro_op* op) {
  if (resolver == nullptr || op == nullptr || resolver->count > LOWBIT_MICRO_MAX_OPS) {
    return LOWBIT_INVALID_ARGUMENT;
  }
  for (size_t i = 0; i < resolver->count; ++i) {
    if (resolver->ops[i]->type == op->type) {
      resolver->ops[i] = op;
      return LOWBIT_OK;
    }
  }
  if (resolver->count == LOWBIT_MICRO_MAX_OPS) return LOWBIT_RESOURCE_EXHAUSTED;
  resolver->ops[resolver->count++] = op;
  return LOWBIT_OK;
}

lowbit_status lowbit_micro_invoke(lowbit_micro* micro) {
  if (micro == nullptr) return LOWBIT_INVALID_ARGUMENT;
  const lowbit::micro::ModelView& model = micro->model;
  for (uint32_t i = 0; i < model.num_operators(); ++i) {
    const OperatorView op = model.op(i);
    const void* inputs[kMaxOpInputs] = {};
    void* outputs[kMaxOpOutputs] = {};
    for (uint32_t k = 0; k < op.inputs.count; ++k) {
      const int32_t t = model.op_input(op, k);
      inputs[k] = t >= 0 ? micro->tensor_data[t] : nullptr;
    }
    for (uint32_t k = 0; k < op.outputs.count; ++k) outputs[k] = micro->tensor_data[model.op_output(op, k)];
    const lowbit::micro::OpRecord& record = micro->ops[i];
    record.op->invoke(InvokeArgs{record.state, inputs, outputs, record.scratch});
  }
  micro->message[0] = '\0';
  return LOWBIT_OK;
}

const char* lowbit_micro_message(const lowbit_micro* micro) {
  return micro != nullptr ? micro->message : "";
}

size_t lowbit_micro_num_inputs(const lowbit_micro* micro) {
  return micro != nullptr ? micro->model.num_inputs() : 0;
}
size_t lowbit_micro_num_outputs(const lowbit_micro* micro) {
  return micro != nullptr ? micro->model.num_outputs() : 0;
}

lowbit_status lowbit_micro_input(const lowbit_micro* micro, size_t index, lowbit_micro_tensor* tensor) {
  if (micro == nullptr || tensor == nullptr || index >= micro->model.num_inputs()) {
    return LOWBIT_INVALID_ARGUMENT;
  }
  return describe(micro, micro->model.input(uint32_t(index)), tensor);
}

lowbit_status lowbit_micro_output(const lowbit_micro* micro, size_t index, lowbit_micro_tensor* tensor) {
  if (micro == nullptr || tensor == nullptr || index >= micro->model.num_outputs()) {
    return LOWBIT_INVALID_ARGUMENT;
  }
  return describe(micro, micro->model.output(uint32_t(index)), tensor);
}

size_t lowbit_micro_num_operators(const lowbit_micro* micro) {
  return micro != nullptr ? micro->model.num_operators() : 0;
}

const char* lowbit_micro_kernel_name(const lowbit_micro* micro, size_t op_index) {
  if (micro == nullptr || op_index >= micro->model.num_operators()) return "";
  return micro->ops[op_index].kernel;
}

void lowbit_micro_memory_use(const lowbit_micro* micro, lowbit_micro_memory* memory) {
  if (memory == nullptr) return;
  *memory = micro != nullptr ? micro->memory : lowbit_micro_memory{};
}

}  // extern "C"
