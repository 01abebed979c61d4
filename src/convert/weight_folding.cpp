// Constant folding of quantized and FLOAT16 weights into FLOAT32.
#include <cmath>
#include <cstring>

#include "convert/importer.h"
#include "kernels/reference/float16.h"

namespace lowbit {
namespace convert {

Result<std::vector<float>> dequantize_constant(const Importer& im, int index) {
  std::vector<float> values;
  size_t bytes = 0;
  const uint8_t* data = im.constant_data(index, &bytes);
  const int8_t type = im.tfl_type(index);
  if (data == nullptr) return values;
  Result<Shape> shape = im.tfl_shape(index);
  if (!shape.ok()) return shape.status();
  const int64_t count = shape->num_elements();
  if (type == tfl::kFloat16) {
    if (bytes != static_cast<size_t>(count) * 2) {
      return invalid(im.tensor_label(index) + " has the wrong amount of FLOAT16 data");
    }
    values.resize(count);
    for (int64_t i = 0; i < count; ++i) {
      uint16_t h;
      std::memcpy(&h, data + 2 * i, 2);
      values[i] = ref::half_to_float(h);
    }
    return values;
  }
  if (type != tfl::kInt8 && type != tfl::kUInt8) return values;
  if (bytes != static_cast<size_t>(count)) {
    return invalid(im.tensor_label(index) + " has " + std::to_string(bytes) +
                   " bytes of data for shape " + shape->to_string());
  }
  const tfl::QuantizationParameters* q = im.tfl_tensor(index)->quantization();
  if (q == nullptr || q->scale() == nullptr || q->scale()->size() == 0) {
    return invalid(im.tensor_label(index) + " is a quantized constant without a scale");
  }
  const auto* scales = q->scale();
  const auto* zero_points = q->zero_point();
  const int axis = scales->size() > 1 ? q->quantized_dimension() : 0;
  if (scales->size() > 1 &&
      (axis < 0 || axis >= shape->rank || shape->dims[axis] != static_cast<int>(scales->size()))) {
    return invalid(im.tensor_label(index) + " has " + std::to_string(scales->size()) +
                   " scales that do not match its shape " + shape->to_string());
  }
  if (zero_points != nullptr && zero_points->size() != 0 &&
      zero_points->size() != scales->size()) {
    return invalid(im.tensor_label(index) + " has mismatched scale and zero point counts");
  }
  const int32_t lowest = type == tfl::kInt8 ? -128 : 0, highest = type == tfl::kInt8 ? 127 : 255;
  for (size_t c = 0; c < scales->size(); ++c) {
    const float scale = scales->Get(static_cast<flatbuffers::uoffset_t>(c));
    const int64_t zp = zero_points != nullptr && zero_points->size() ? tfl::read_int64(zero_points, c) : 0;
    if (!std::isfinite(scale) || !(scale > 0.0f) || zp < lowest || zp > highest) {
      return invalid(im.tensor_label(index) + ": scale " + std::to_string(scale) + " / zero point " +
                     std::to_string(zp) + " is not a valid " + tfl::tensor_type_name(type) +
                     " quantization");
    }
  }
  int64_t inner = 1;
  for (int d = axis + 1; d < shape->rank; ++d) inner *= shape->dims[d];
  values.resize(count);
  for (int64_t i = 0; i < count; ++i) {
    const size_t c = scales->size() > 1 ? static_cast<size_t>((i / inner) % shape->dims[axis]) : 0;
    const int64_t zp = zero_points != nullptr && zero_points->size() ? tfl::read_int64(zero_points, c) : 0;
    const int32_t raw = type == tfl::kInt8 ? static_cast<int8_t>(data[i]) : data[i];
    values[i] = static_cast<float>(static_cast<double>(scales->Get(c)) * (raw - zp));
  }
  return values;
}

// Weights of a float operator stored quantized (dynamic-range or FLOAT16
// compression) are dequantized once here: the float operator then sees the
// float weights the model was trained with.
Status fold_float_weights(Importer& im, const OpContext& ctx, size_t weight_input) {
  if (weight_input >= ctx.inputs.size() || ctx.inputs[weight_input] < 0) return Status::Ok();
  if (im.tfl_type(ctx.inputs[0]) != tfl::kFloat32) return Status::Ok();
  const int w = ctx.inputs[weight_input];
  if (im.tfl_type(w) == tfl::kFloat32 || im.is_created(w)) return Status::Ok();
  Result<std::vector<float>> values = dequantize_constant(im, w);
  if (!values.ok()) return values.status();
  if (values->empty()) return Status::Ok();
  im.note("operator " + std::to_string(ctx.index) + " (" + ctx.kind + "): " +
          tfl::tensor_type_name(im.tfl_type(w)) + " weights " + im.tensor_label(w) +
          " dequantized to FLOAT32");
  return im.define_float_constant(w, values.value());
}

}  // namespace convert
}  // namespace lowbit
