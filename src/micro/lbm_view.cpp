#include "micro/lbm_view.h"

#include <cfloat>
#include <cstdint>

#include "format/lbm_constants.h"

namespace lowbit {
namespace micro {
namespace {

constexpr const char* kOpTypeNames[] = {
#define LOWBIT_OP(Name, value, SCHEMA_NAME, OptionsKind) #SCHEMA_NAME,
#include "lowbit/ops.def"
};
constexpr uint32_t kNumOpTypes = sizeof kOpTypeNames / sizeof kOpTypeNames[0];
static_assert(kNumOpTypes == kLastOpType + 1u, "ops.def and kLastOpType disagree");

constexpr const char* kDtypeNames[] = {"float32", "int8", "uint8",   "int32",   "bit",
                                       "int64",   "bool", "int16",   "float16", "int4"};
constexpr uint8_t kNumDtypes = sizeof kDtypeNames / sizeof kDtypeNames[0];

// The segment table's rows: struct Buffer { offset: ulong; size: ulong; }.
constexpr uint32_t kBufferRowBytes = 16;

}  // namespace

const char* op_type_name(uint8_t type) { return type < kNumOpTypes ? kOpTypeNames[type] : "?"; }
const char* dtype_name(uint8_t dtype) { return dtype < kNumDtypes ? kDtypeNames[dtype] : "?"; }

bool tensor_bytes(uint8_t dtype, const int32_t* dims, int rank, size_t* bytes) {
  uint64_t elements = 1;
  for (int i = 0; i < rank; ++i) {
    if (dims[i] < 0) return false;
    elements *= uint64_t(dims[i]);
    if (elements > (uint64_t(1) << 31)) return false;
  }
  uint64_t total = 0;
  switch (dtype) {
    case LOWBIT_INT8: case LOWBIT_UINT8: case LOWBIT_BOOL: total = elements; break;
    case LOWBIT_INT16: case LOWBIT_FLOAT16: total = elements * 2; break;
    case LOWBIT_FLOAT32: case LOWBIT_INT32: total = elements * 4; break;
    case LOWBIT_INT64: total = elements * 8; break;
    case LOWBIT_INT4: total = (elements + 1) / 2; break;
    case LOWBIT_BIT: {
      // The innermost dimension packs into 32-bit words.
      const uint64_t inner = rank > 0 ? uint64_t(dims[rank - 1]) : 1;
      const uint64_t outer = inner == 0 ? 0 : elements / inner;
      total = outer * ((inner + 31) / 32) * 4;
      break;
    }
    default: return false;
  }
  // The plan holds each tensor in uint32_t offsets and sizes (planner.h).
  if (total > (uint64_t(1) << 31)) return false;
  *bytes = size_t(total);
  return true;
}

bool ModelView::read_tensor(int32_t index, TensorView* view) const {
  FbTable t;
  if (index < 0 || !reader_.table_in(tensors_, uint32_t(index), &t)) return false;
  TensorView v;
  v.index = index;
  v.dtype = uint8_t(reader_.scalar<int8_t>(t, field::kDtype, 0));
  FbVector shape;
  if (!reader_.vector(t, field::kShape, 4, &shape) || shape.count > LOWBIT_MICRO_MAX_RANK) {
    return false;
  }
  v.rank = int(shape.count);
  for (int i = 0; i < v.rank; ++i) v.dims[i] = reader_.element<int32_t>(shape, uint32_t(i));
  if (!tensor_bytes(v.dtype, v.dims, v.rank, &v.bytes)) return false;
  const int32_t buffer = reader_.scalar<int32_t>(t, field::kBuffer, -1);
  if (buffer < -1) return false;  // -1 is "not constant"; other negatives are damage
  if (buffer >= 0) {
    if (uint32_t(buffer) >= buffers_.count) return false;
    const uint8_t* row = reader_.data() + buffers_.pos + kBufferRowBytes * uint32_t(buffer);
    const uint64_t offset = load<uint64_t>(row), size = load<uint64_t>(row + 8);
    // Constants are read in place as int32, float...: the format's alignment
    // keeps those reads aligned.
    if (size != v.bytes || offset % kLbmAlignment != 0 || !reader_.in_bounds(offset, size)) {
      return false;
    }
    v.constant = reader_.data() + offset;
  }
  FbTable q;
  if (!reader_.table(t, field::kQuantization, &q)) return false;
  if (q.pos != 0) {
    if (!reader_.vector(q, field::kScale, 4, &v.scale_vector) ||
        !reader_.vector(q, field::kZeroPoint, 8, &v.zero_point_vector)) {
      return false;
    }
    v.scales = v.scale_vector.count;
    v.axis = reader_.scalar<int32_t>(q, field::kAxis, 0);
    if (v.zero_point_vector.count != 0 && v.zero_point_vector.count != v.scales) return false;
    if (v.scales > 1 && (v.axis < 0 || v.axis >= v.rank || uint32_t(v.dims[v.axis]) != v.scales)) {
      return false;
    }
  }
  const char* name = "";
  uint32_t name_length = 0;
  if (!reader_.string(t, field::kName, &name, &name_length)) return false;
  v.name = {name, name_length};
  v.is_variable = reader_.scalar<uint8_t>(t, field::kIsVariable, 0) != 0;
  *view = v;
  return true;
}

TensorView ModelView::tensor(int32_t index) const {
  TensorView view;
  read_tensor(index, &view);  // open() checked every tensor
  return view;
}

OperatorView ModelView::op(uint32_t index) const {
  OperatorView view;
  FbTable t;
  if (!reader_.table_in(operators_, index, &t)) return view;
  view.index = int32_t(index);
  view.type = reader_.scalar<uint8_t>(t, field::kType, 0);
  reader_.vector(t, field::kOpInputs, 4, &view.inputs);
  reader_.vector(t, field::kOpOutputs, 4, &view.outputs);
  view.options_type = reader_.scalar<uint8_t>(t, field::kOptionsType, kNoOptions);
  reader_.table(t, field::kOptions, &view.options);
  const char* name = "";
  uint32_t name_length = 0;
  reader_.string(t, field::kOpName, &name, &name_length);
  view.name = {name, name_length};
  return view;
}

bool ModelView::check_tensor(uint32_t index, Message& error) const {
  TensorView view;
  if (!read_tensor(int32_t(index), &view)) {
    error.append_all("tensor ", index,
                     " is corrupt (its table, shape, dtype, constant data or quantization lies "
                     "outside the file or disagrees with itself)");
    return false;
  }
  // What every operator derives its arithmetic from: a NaN, infinite or
  // non-positive scale, or a zero point outside int32, is refused here once.
  for (uint32_t i = 0; i < view.scales; ++i) {
    const float s = scale(view, i);
    if (!(s > 0.0f && s <= FLT_MAX)) {
      error.append_all("tensor ", index, " '").append(view.name).append_all(
          "': quantization scale ", i, " is not finite and > 0");
      return false;
    }
  }
  // 8-bit zero points within their type, as the hosted reader requires (a
  // kernel computes qmin - zero_point in int32).
  int64_t low = INT32_MIN, high = INT32_MAX;
  if (view.dtype == LOWBIT_INT8) low = -128, high = 127;
  if (view.dtype == LOWBIT_UINT8) low = 0, high = 255;
  for (uint32_t i = 0; i < view.zero_point_vector.count; ++i) {
    const int64_t z = zero_point(view, i);
    if (z < low || z > high) {
      error.append_all("tensor ", index, " '").append(view.name).append_all(
          "': zero point ", i, " is ", z, ", outside ", dtype_name(view.dtype), "'s range");
      return false;
    }
  }
  return true;
}

bool ModelView::check_operator(uint32_t index, Message& error) const {
  FbTable t;
  if (!reader_.table_in(operators_, index, &t)) {
    error.append_all("operator ", index, "'s table lies outside the file");
    return false;
  }
  OperatorView view = op(index);
  uint32_t unused = 0;
  const char* name = "";
  if (!reader_.field(t, field::kType, 1, &unused) || !reader_.field(t, field::kOptionsType, 1, &unused) ||
      !reader_.vector(t, field::kOpInputs, 4, &view.inputs) ||
      !reader_.vector(t, field::kOpOutputs, 4, &view.outputs) ||
      !reader_.table(t, field::kOptions, &view.options) ||
      !reader_.string(t, field::kOpName, &name, &unused)) {
    error.append_all("operator ", index, " is corrupt (a field lies outside the file)");
    return false;
  }
  if (view.type > kLastOpType) {
    error.append_all("operator ", index, " has unknown type ", unsigned(view.type));
    return false;
  }
  for (uint32_t i = 0; i < view.inputs.count + view.outputs.count; ++i) {
    const bool is_input = i < view.inputs.count;
    const int32_t tensor = is_input ? op_input(view, i) : op_output(view, i - view.inputs.count);
    if ((tensor < 0 && !is_input) || tensor < -1 || tensor >= int32_t(num_tensors())) {
      error.append_all(op_type_name(view.type), " (operator ", index, ") ",
                       is_input ? "input " : "output ",
                       is_input ? i : i - view.inputs.count, " names tensor ", tensor, " of ",
                       num_tensors());
      return false;
    }
  }
  return true;
}

lowbit_status ModelView::open(const void* data, size_t size, Message& error) {
  reader_ = FbReader(static_cast<const uint8_t*>(data), size);
  FbTable root;
  if (data == nullptr || size < 8 || !reader_.root(&root)) {
    error.append("the model buffer is not a FlatBuffer (too short, or its root table lies outside it)");
    return LOWBIT_INVALID_MODEL;
  }
  for (int i = 0; i < 4; ++i) {
    if (reader_.data()[4 + i] != uint8_t(kLbmFileIdentifier[i])) {
      error.append("the model is not a .lbm file (its identifier is not LBM1; convert .tflite "
                   "files with lowbit-convert)");
      return LOWBIT_INVALID_MODEL;
    }
  }
  const uint32_t version = reader_.scalar<uint32_t>(root, field::kFormatVersion, 0);
  if (version == 0 || version > kLbmFormatVersion) {
    error.append_all("format_version ", version, " is not one this runtime reads (1 to ",
                     kLbmFormatVersion, ")");
    return LOWBIT_INVALID_MODEL;
  }
  if (!reader_.vector(root, field::kTensors, 4, &tensors_) ||
      !reader_.vector(root, field::kOperators, 4, &operators_) ||
      !reader_.vector(root, field::kInputs, 4, &inputs_) ||
      !reader_.vector(root, field::kOutputs, 4, &outputs_) ||
      !reader_.vector(root, field::kBuffers, kBufferRowBytes, &buffers_)) {
    error.append("the model's tensor, operator, input, output or buffer list lies outside the file");
    return LOWBIT_INVALID_MODEL;
  }
  for (uint32_t i = 0; i < num_tensors(); ++i) {
    if (!check_tensor(i, error)) return LOWBIT_INVALID_MODEL;
  }
  for (uint32_t i = 0; i < num_operators(); ++i) {
    if (!check_operator(i, error)) return LOWBIT_INVALID_MODEL;
  }
  for (uint32_t i = 0; i < num_inputs() + num_outputs(); ++i) {
    const bool is_input = i < num_inputs();
    const int32_t tensor = is_input ? input(i) : output(i - num_inputs());
    if (tensor < 0 || tensor >= int32_t(num_tensors())) {
      error.append_all("model ", is_input ? "input " : "output ",
                       is_input ? i : i - num_inputs(), " names tensor ", tensor, " of ",
                       num_tensors());
      return LOWBIT_INVALID_MODEL;
    }
  }
  return LOWBIT_OK;
}

}  // namespace micro
}  // namespace lowbit
