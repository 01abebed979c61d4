// The C API over the C++ API. Objects are C++ classes behind opaque handles;
// every entry point that can fail converts a Status (and, through guard_api,
// any exception) into a lowbit_status plus a message.
#include "lowbit/c_api.h"

#include <memory>
#include <string>
#include <vector>

#include "graph/op_registration.h"
#include "lowbit/interpreter.h"
#include "lowbit/model.h"
#include "runtime/api_guard.h"
#include "runtime/arena_size.h"

struct lowbit_model {
  std::shared_ptr<const lowbit::Model> model;
};

struct lowbit_tensor {
  lowbit::TensorView view;
};

struct lowbit_interpreter {
  std::unique_ptr<lowbit::Interpreter> interpreter;
  std::vector<lowbit_tensor> inputs, outputs;
  std::string error;
};

namespace {

thread_local std::string last_error;

lowbit_status to_c(const lowbit::Status& status) {
  if (status.ok()) return LOWBIT_OK;
  last_error = status.to_string();
  switch (status.code()) {
    case lowbit::StatusCode::kOk: return LOWBIT_OK;
    case lowbit::StatusCode::kInvalidArgument: return LOWBIT_INVALID_ARGUMENT;
    case lowbit::StatusCode::kInvalidModel: return LOWBIT_INVALID_MODEL;
    case lowbit::StatusCode::kUnsupported: return LOWBIT_UNSUPPORTED;
    case lowbit::StatusCode::kResourceExhausted: return LOWBIT_RESOURCE_EXHAUSTED;
    case lowbit::StatusCode::kIoError: return LOWBIT_IO_ERROR;
    case lowbit::StatusCode::kFailedPrecondition: return LOWBIT_FAILED_PRECONDITION;
    case lowbit::StatusCode::kInternal: return LOWBIT_INTERNAL;
  }
  return LOWBIT_INTERNAL;
}

lowbit::Status invalid(const std::string& message) {
  return lowbit::Status(lowbit::StatusCode::kInvalidArgument, message);
}

lowbit::Status to_cpp_options(const lowbit_interpreter_options* in, lowbit::InterpreterOptions* out) {
  lowbit_interpreter_options defaults;
  lowbit_interpreter_options_init(&defaults);
  const lowbit_interpreter_options& o = in != nullptr ? *in : defaults;
  if (o.profile < LOWBIT_PROFILE_TFLITE_REFERENCE || o.profile > LOWBIT_PROFILE_TFLITE_OPTIMIZED) {
    return invalid("options.profile: unknown requantization profile " + std::to_string(o.profile));
  }
  out->num_threads = o.num_threads;
  out->profile = static_cast<lowbit::RequantProfile>(o.profile);
  out->kernel = o.kernel != nullptr ? o.kernel : "";
  out->float_kernels = lowbit::FloatKernels::kDefault;
  if (o.float_kernels != nullptr && *o.float_kernels != '\0' &&
      !lowbit::parse_float_kernels(o.float_kernels, &out->float_kernels)) {
    return invalid(std::string("options.float_kernels: '") + o.float_kernels +
                   "': expected own, xnnpack or default");
  }
  out->float_precision = lowbit::FloatPrecision::kFp32;
  if (o.float_precision != nullptr && *o.float_precision != '\0' &&
      !lowbit::parse_float_precision(o.float_precision, &out->float_precision)) {
    return invalid(std::string("options.float_precision: '") + o.float_precision +
                   "': expected fp32 or fp16");
  }
  return lowbit::Status::Ok();
}

// Prepares an interpreter over `arena` (NULL: the interpreter allocates its own).
lowbit::Status prepare(const lowbit_model* model, const lowbit_interpreter_options* options,
                       void* arena, size_t arena_bytes,
                       std::unique_ptr<lowbit::Interpreter>* out) {
  if (model == nullptr) return invalid("model is NULL");
  lowbit::InterpreterOptions cpp_options;
  LOWBIT_RETURN_IF_ERROR(to_cpp_options(options, &cpp_options));
  cpp_options.arena = arena;
  cpp_options.arena_capacity = arena_bytes;
  auto interpreter = std::make_unique<lowbit::Interpreter>(model->model, cpp_options);
  LOWBIT_RETURN_IF_ERROR(interpreter->prepare());
  *out = std::move(interpreter);
  return lowbit::Status::Ok();
}

static_assert(LOWBIT_OP_RESOLVER_SLOTS == lowbit::kNumOpTypes, "one C slot per OpType");

// lowbit_op is the C name of an OpRegistration (see LOWBIT_REGISTER_OP).
const lowbit::OpRegistration* registration(const lowbit_op* op) {
  return reinterpret_cast<const lowbit::OpRegistration*>(op);
}

// A C resolver's slots seen as an OpResolver, for the length of one load.
class CSlotsResolver final : public lowbit::OpResolver {
 public:
  explicit CSlotsResolver(const lowbit_op_resolver& slots) : slots_(slots) {}
  const lowbit::OpRegistration* find(lowbit::OpType type) const override {
    const int i = static_cast<int>(type);
    return i >= 0 && i < LOWBIT_OP_RESOLVER_SLOTS ? registration(slots_.slots[i]) : nullptr;
  }

 private:
  const lowbit_op_resolver& slots_;
};

enum class Format { kLbm, kTflite };

// A .lbm loader refusing a TFLite file says which function takes it.
lowbit::Status with_tflite_hint(const lowbit::Status& status, const char* tflite_function) {
  if (status.message().find("wrong file identifier \"TFL3\"") == std::string::npos) return status;
  return lowbit::Status(status.code(), status.message() + "; for a .tflite model use " +
                                           tflite_function);
}

lowbit::Status store(lowbit::Result<std::shared_ptr<const lowbit::Model>> loaded,
                     lowbit_model** model) {
  if (!loaded.ok()) return loaded.status();
  *model = new lowbit_model{std::move(loaded.value())};
  return lowbit::Status::Ok();
}

// Loads into *model with the resolver's operators (nullptr: every operator).
lowbit::Status load_buffer(Format format, const void* data, size_t size,
                           const lowbit::OpResolver* resolver, lowbit_model** model) {
  if (model == nullptr) return invalid("model (the out pointer) is NULL");
  *model = nullptr;
  if (data == nullptr) return invalid("data is NULL");
  lowbit::LoadOptions options;
  options.op_resolver = resolver;
  if (format == Format::kTflite) {
    return store(lowbit::Model::from_tflite(data, size, options), model);
  }
  return with_tflite_hint(store(lowbit::Model::from_buffer(data, size, options), model),
                          "lowbit_model_create_from_tflite_buffer");
}

lowbit::Status load_file(Format format, const char* path, lowbit_model** model) {
  if (model == nullptr) return invalid("model (the out pointer) is NULL");
  *model = nullptr;
  if (path == nullptr) return invalid("path is NULL");
  if (format == Format::kTflite) return store(lowbit::Model::from_tflite(path), model);
  return with_tflite_hint(store(lowbit::Model::from_file(path), model),
                          "lowbit_model_create_from_tflite_file");
}

lowbit::Status load_with_resolver(Format format, const void* data, size_t size,
                                  const lowbit_op_resolver* resolver, lowbit_model** model) {
  if (resolver == nullptr) {
    if (model != nullptr) *model = nullptr;
    return invalid("resolver is NULL");
  }
  const CSlotsResolver ops(*resolver);
  return load_buffer(format, data, size, &ops, model);
}

lowbit_tensor* find(const std::vector<lowbit_tensor>& tensors, const char* name) {
  if (name == nullptr) return nullptr;
  for (const lowbit_tensor& t : tensors) {
    if (t.view.name() == name) return const_cast<lowbit_tensor*>(&t);
  }
  return nullptr;
}

}  // namespace

extern "C" {

void lowbit_interpreter_options_init(lowbit_interpreter_options* options) {
  if (options == nullptr) return;
  options->num_threads = 1;
  options->profile = LOWBIT_PROFILE_TFLITE_REFERENCE;
  options->kernel = nullptr;
  options->float_kernels = nullptr;
  options->float_precision = nullptr;
}

const char* lowbit_status_name(lowbit_status status) {
  switch (status) {
    case LOWBIT_OK: return "ok";
    case LOWBIT_INVALID_ARGUMENT: return "invalid argument";
    case LOWBIT_INVALID_MODEL: return "invalid model";
    case LOWBIT_UNSUPPORTED: return "unsupported";
    case LOWBIT_RESOURCE_EXHAUSTED: return "resource exhausted";
    case LOWBIT_IO_ERROR: return "I/O error";
    case LOWBIT_FAILED_PRECONDITION: return "failed precondition";
    case LOWBIT_INTERNAL: return "internal error";
  }
  return "unknown status";
}

const char* lowbit_last_error(void) { return last_error.c_str(); }

lowbit_status lowbit_model_create_from_buffer(const void* data, size_t size, lowbit_model** model) {
  return to_c(lowbit::guard_api("lowbit_model_create_from_buffer", [&] {
    return load_buffer(Format::kLbm, data, size, nullptr, model);
  }));
}

lowbit_status lowbit_model_create_from_file(const char* path, lowbit_model** model) {
  return to_c(lowbit::guard_api("lowbit_model_create_from_file",
                                [&] { return load_file(Format::kLbm, path, model); }));
}

lowbit_status lowbit_model_create_from_tflite_buffer(const void* data, size_t size,
                                                     lowbit_model** model) {
  return to_c(lowbit::guard_api("lowbit_model_create_from_tflite_buffer", [&] {
    return load_buffer(Format::kTflite, data, size, nullptr, model);
  }));
}

lowbit_status lowbit_model_create_from_tflite_file(const char* path, lowbit_model** model) {
  return to_c(lowbit::guard_api("lowbit_model_create_from_tflite_file",
                                [&] { return load_file(Format::kTflite, path, model); }));
}

void lowbit_op_resolver_init(lowbit_op_resolver* resolver) {
  if (resolver == nullptr) return;
  for (const lowbit_op*& slot : resolver->slots) slot = nullptr;
}

lowbit_status lowbit_op_resolver_add(lowbit_op_resolver* resolver, const lowbit_op* op) {
  if (resolver == nullptr) return to_c(invalid("resolver is NULL"));
  if (op == nullptr) return to_c(invalid("op is NULL"));
  const int i = static_cast<int>(registration(op)->type);
  if (i < 0 || i >= LOWBIT_OP_RESOLVER_SLOTS) {
    return to_c(invalid("op is not a lowbit_op_*() handle"));
  }
  resolver->slots[i] = op;
  return LOWBIT_OK;
}

lowbit_status lowbit_model_create_from_buffer_with_resolver(const void* data, size_t size,
                                                            const lowbit_op_resolver* resolver,
                                                            lowbit_model** model) {
  return to_c(lowbit::guard_api("lowbit_model_create_from_buffer_with_resolver", [&] {
    return load_with_resolver(Format::kLbm, data, size, resolver, model);
  }));
}

lowbit_status lowbit_model_create_from_tflite_buffer_with_resolver(
    const void* data, size_t size, const lowbit_op_resolver* resolver, lowbit_model** model) {
  return to_c(lowbit::guard_api("lowbit_model_create_from_tflite_buffer_with_resolver", [&] {
    return load_with_resolver(Format::kTflite, data, size, resolver, model);
  }));
}

void lowbit_model_destroy(lowbit_model* model) { delete model; }

lowbit_status lowbit_arena_size(const lowbit_model* model, const lowbit_interpreter_options* options,
                                size_t* arena_bytes) {
  return to_c(lowbit::guard_api("lowbit_arena_size", [&]() -> lowbit::Status {
    if (arena_bytes == nullptr) return invalid("arena_bytes is NULL");
    *arena_bytes = 0;
    if (model == nullptr) return invalid("model is NULL");
    lowbit::InterpreterOptions cpp_options;
    LOWBIT_RETURN_IF_ERROR(to_cpp_options(options, &cpp_options));
    // A sizing pass: no weights packed, no arena (runtime/arena_size.h).
    lowbit::ArenaSizes sizes;
    LOWBIT_RETURN_IF_ERROR(lowbit::size_arena(model->model, cpp_options, &sizes));
    if (sizes.arena_capacity == 0) {
      return lowbit::Status(lowbit::StatusCode::kInternal, "no memory plan");
    }
    *arena_bytes = sizes.arena_capacity;
    return lowbit::Status::Ok();
  }));
}

lowbit_status lowbit_interpreter_create(const lowbit_model* model,
                                        const lowbit_interpreter_options* options, void* arena,
                                        size_t arena_bytes, lowbit_interpreter** interpreter) {
  return to_c(lowbit::guard_api("lowbit_interpreter_create", [&]() -> lowbit::Status {
    if (interpreter == nullptr) return invalid("interpreter (the out pointer) is NULL");
    *interpreter = nullptr;
    auto handle = std::make_unique<lowbit_interpreter>();
    LOWBIT_RETURN_IF_ERROR(prepare(model, options, arena, arena_bytes, &handle->interpreter));
    const lowbit::Interpreter& in = *handle->interpreter;
    for (size_t i = 0; i < in.num_inputs(); ++i) handle->inputs.push_back({in.input(i)});
    for (size_t i = 0; i < in.num_outputs(); ++i) handle->outputs.push_back({in.output(i)});
    handle->error.reserve(256);
    *interpreter = handle.release();
    return lowbit::Status::Ok();
  }));
}

void lowbit_interpreter_destroy(lowbit_interpreter* interpreter) { delete interpreter; }

// Calls an Interpreter method, keeping its failure for lowbit_interpreter_error.
static lowbit_status call_interpreter(lowbit_interpreter* interpreter,
                                      lowbit::Status (lowbit::Interpreter::*method)()) {
  if (interpreter == nullptr) return to_c(invalid("interpreter is NULL"));
  lowbit::Status s = (interpreter->interpreter.get()->*method)();
  if (s.ok()) return LOWBIT_OK;
  interpreter->error = s.to_string();
  return to_c(s);
}

lowbit_status lowbit_interpreter_invoke(lowbit_interpreter* interpreter) {
  return call_interpreter(interpreter, &lowbit::Interpreter::invoke);
}

lowbit_status lowbit_interpreter_reset_state(lowbit_interpreter* interpreter) {
  return call_interpreter(interpreter, &lowbit::Interpreter::reset_state);
}

const char* lowbit_interpreter_error(const lowbit_interpreter* interpreter) {
  return interpreter != nullptr ? interpreter->error.c_str() : "interpreter is NULL";
}

size_t lowbit_interpreter_num_inputs(const lowbit_interpreter* interpreter) {
  return interpreter != nullptr ? interpreter->inputs.size() : 0;
}

size_t lowbit_interpreter_num_outputs(const lowbit_interpreter* interpreter) {
  return interpreter != nullptr ? interpreter->outputs.size() : 0;
}

lowbit_tensor* lowbit_interpreter_input(const lowbit_interpreter* interpreter, size_t index) {
  if (interpreter == nullptr || index >= interpreter->inputs.size()) return nullptr;
  return const_cast<lowbit_tensor*>(&interpreter->inputs[index]);
}

lowbit_tensor* lowbit_interpreter_output(const lowbit_interpreter* interpreter, size_t index) {
  if (interpreter == nullptr || index >= interpreter->outputs.size()) return nullptr;
  return const_cast<lowbit_tensor*>(&interpreter->outputs[index]);
}

lowbit_tensor* lowbit_interpreter_input_by_name(const lowbit_interpreter* interpreter, const char* name) {
  return interpreter != nullptr ? find(interpreter->inputs, name) : nullptr;
}

lowbit_tensor* lowbit_interpreter_output_by_name(const lowbit_interpreter* interpreter, const char* name) {
  return interpreter != nullptr ? find(interpreter->outputs, name) : nullptr;
}

size_t lowbit_interpreter_arena_bytes(const lowbit_interpreter* interpreter) {
  return interpreter != nullptr ? interpreter->interpreter->arena_bytes() : 0;
}

size_t lowbit_interpreter_packed_weight_bytes(const lowbit_interpreter* interpreter) {
  return interpreter != nullptr ? interpreter->interpreter->packed_weight_bytes() : 0;
}

size_t lowbit_interpreter_num_operators(const lowbit_interpreter* interpreter) {
  return interpreter != nullptr ? interpreter->interpreter->model().graph().operators.size() : 0;
}

const char* lowbit_interpreter_kernel_name(const lowbit_interpreter* interpreter, size_t op_index) {
  if (interpreter == nullptr || op_index >= lowbit_interpreter_num_operators(interpreter)) return "";
  return interpreter->interpreter->kernel_name(static_cast<int>(op_index));
}

const char* lowbit_interpreter_float_kernels(const lowbit_interpreter* interpreter) {
  if (interpreter == nullptr) return "";
  return lowbit::float_kernels_name(interpreter->interpreter->options().float_kernels);
}

const char* lowbit_interpreter_float_precision(const lowbit_interpreter* interpreter) {
  if (interpreter == nullptr) return "";
  return lowbit::float_precision_name(interpreter->interpreter->options().float_precision);
}

const char* lowbit_tensor_name(const lowbit_tensor* tensor) {
  return tensor != nullptr ? tensor->view.name().c_str() : "";
}

// The C enum is cast from lowbit::DType: the newest values must agree.
static_assert(LOWBIT_BIT == static_cast<int>(lowbit::DType::kBit) &&
                  LOWBIT_INT64 == static_cast<int>(lowbit::DType::kInt64) &&
                  LOWBIT_BOOL == static_cast<int>(lowbit::DType::kBool) &&
                  LOWBIT_INT16 == static_cast<int>(lowbit::DType::kInt16) &&
                  LOWBIT_FLOAT16 == static_cast<int>(lowbit::DType::kFloat16) &&
                  LOWBIT_INT4 == static_cast<int>(lowbit::DType::kInt4),
              "lowbit_dtype must match lowbit::DType");

lowbit_dtype lowbit_tensor_dtype(const lowbit_tensor* tensor) {
  return tensor != nullptr ? static_cast<lowbit_dtype>(tensor->view.dtype()) : LOWBIT_FLOAT32;
}

int lowbit_tensor_rank(const lowbit_tensor* tensor) {
  return tensor != nullptr ? tensor->view.shape().rank : 0;
}

int32_t lowbit_tensor_dim(const lowbit_tensor* tensor, int dim) {
  if (tensor == nullptr || dim < 0 || dim >= tensor->view.shape().rank) return 0;
  return tensor->view.shape()[dim];
}

void* lowbit_tensor_data(lowbit_tensor* tensor) { return tensor != nullptr ? tensor->view.data : nullptr; }

size_t lowbit_tensor_bytes(const lowbit_tensor* tensor) {
  return tensor != nullptr ? tensor->view.bytes : 0;
}

size_t lowbit_tensor_quantization(const lowbit_tensor* tensor, const float** scales,
                                  const int32_t** zero_points, int* axis) {
  if (tensor == nullptr) return 0;
  const lowbit::Quantization& q = tensor->view.desc->quant;
  if (scales != nullptr) *scales = q.scales.empty() ? nullptr : q.scales.data();
  if (zero_points != nullptr) *zero_points = q.zero_points.empty() ? nullptr : q.zero_points.data();
  if (axis != nullptr) *axis = q.axis;
  return q.scales.size();
}

}  // extern "C"
