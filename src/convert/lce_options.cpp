#include "convert/lce_options.h"

#include <flatbuffers/flexbuffers.h>

#include <string>
#include <utility>

#include "convert/importer.h"

namespace lowbit {
namespace convert {
namespace {

Status read_map(const uint8_t* data, size_t size, flexbuffers::Map* map) {
  if (data == nullptr || size == 0) return invalid("has no custom options");
  if (!flexbuffers::VerifyBuffer(data, size)) {
    return invalid("custom options are not a valid FlexBuffer");
  }
  const flexbuffers::Reference root = flexbuffers::GetRoot(data, size);
  if (!root.IsMap()) return invalid("custom options are not a FlexBuffer map");
  *map = root.AsMap();
  return Status::Ok();
}

Result<int> option_int(const flexbuffers::Map& map, const char* key, int fallback, bool required) {
  const flexbuffers::Reference value = map[key];
  if (value.IsNull()) {
    if (required) return invalid(std::string("option \"") + key + "\" is missing");
    return fallback;
  }
  if (!value.IsIntOrUint() && !value.IsBool()) {
    return invalid(std::string("option \"") + key + "\" is not an integer");
  }
  const int64_t v = value.AsInt64();
  if (v < INT32_MIN || v > INT32_MAX) {
    return invalid(std::string("option \"") + key + "\" = " + std::to_string(v) + " is out of range");
  }
  return static_cast<int>(v);
}

Result<int> option_positive(const flexbuffers::Map& map, const char* key, int fallback,
                            bool required) {
  Result<int> v = option_int(map, key, fallback, required);
  if (v.ok() && v.value() <= 0) {
    return invalid(std::string("option \"") + key + "\" = " + std::to_string(v.value()) +
                   "; must be > 0");
  }
  return v;
}

Result<float> option_float(const flexbuffers::Map& map, const char* key) {
  const flexbuffers::Reference value = map[key];
  if (value.IsNull()) return invalid(std::string("option \"") + key + "\" is missing");
  if (!value.IsNumeric()) return invalid(std::string("option \"") + key + "\" is not a number");
  return value.AsFloat();
}

// LCE writes the TFLite Padding enum (SAME 0, VALID 1); very old files a string.
Result<Padding> option_padding(const flexbuffers::Map& map) {
  const flexbuffers::Reference value = map["padding"];
  if (value.IsString()) {
    const std::string s = value.AsString().str();
    if (s == "SAME" || s == "same") return Padding::kSame;
    if (s == "VALID" || s == "valid") return Padding::kValid;
    return invalid("option \"padding\" = \"" + s + "\" is unknown");
  }
  Result<int> v = option_int(map, "padding", 0, true);
  if (!v.ok()) return v.status();
  if (v.value() == 0) return Padding::kSame;
  if (v.value() == 1) return Padding::kValid;
  return invalid("option \"padding\" = " + std::to_string(v.value()) + " is unknown");
}

Result<Activation> option_activation(const flexbuffers::Map& map) {
  Result<int> v = option_int(map, "fused_activation_function", 0, false);
  if (!v.ok()) return v.status();
  switch (v.value()) {
    case 0: return Activation::kNone;
    case 1: return Activation::kRelu;
    case 2: return Activation::kReluN1To1;
    case 3: return Activation::kRelu6;
    default:
      return unsupported("fused activation " + std::to_string(v.value()) + " is not supported");
  }
}

}  // namespace

Result<LceBconv2dOptions> parse_lce_bconv2d_options(const uint8_t* data, size_t size) {
  flexbuffers::Map map = flexbuffers::Map::EmptyMap();
  LOWBIT_RETURN_IF_ERROR(read_map(data, size, &map));
  Result<int> channels_in = option_positive(map, "channels_in", 0, true);
  if (!channels_in.ok()) return channels_in.status();
  Result<Padding> padding = option_padding(map);
  if (!padding.ok()) return padding.status();
  Result<Activation> act = option_activation(map);
  if (!act.ok()) return act.status();
  Result<int> stride_h = option_positive(map, "stride_height", 1, false);
  Result<int> stride_w = option_positive(map, "stride_width", 1, false);
  Result<int> dil_h = option_positive(map, "dilation_height_factor", 1, false);
  Result<int> dil_w = option_positive(map, "dilation_width_factor", 1, false);
  Result<int> pad_values = option_int(map, "pad_values", 0, false);
  for (const Result<int>* r : {&stride_h, &stride_w, &dil_h, &dil_w, &pad_values}) {
    if (!r->ok()) return r->status();
  }
  if (pad_values.value() != 0 && pad_values.value() != 1) {
    return invalid("option \"pad_values\" = " + std::to_string(pad_values.value()) +
                   "; must be 0 or 1");
  }
  LceBconv2dOptions out;
  out.channels_in = channels_in.value();
  out.options.padding = padding.value();
  out.options.activation = act.value();
  out.options.stride_h = stride_h.value();
  out.options.stride_w = stride_w.value();
  out.options.dilation_h = dil_h.value();
  out.options.dilation_w = dil_w.value();
  out.options.pad_values = pad_values.value();
  return out;
}

Result<Pool2DOptions> parse_lce_bmaxpool2d_options(const uint8_t* data, size_t size) {
  flexbuffers::Map map = flexbuffers::Map::EmptyMap();
  LOWBIT_RETURN_IF_ERROR(read_map(data, size, &map));
  Result<Padding> padding = option_padding(map);
  if (!padding.ok()) return padding.status();
  Result<int> stride_h = option_positive(map, "stride_height", 0, true);
  Result<int> stride_w = option_positive(map, "stride_width", 0, true);
  Result<int> filter_h = option_positive(map, "filter_height", 0, true);
  Result<int> filter_w = option_positive(map, "filter_width", 0, true);
  for (const Result<int>* r : {&stride_h, &stride_w, &filter_h, &filter_w}) {
    if (!r->ok()) return r->status();
  }
  Pool2DOptions options;
  options.padding = padding.value();
  options.stride_h = stride_h.value();
  options.stride_w = stride_w.value();
  options.filter_h = filter_h.value();
  options.filter_w = filter_w.value();
  return options;
}

Result<DetectionPostprocessOptions> parse_detection_postprocess_options(const uint8_t* data,
                                                                        size_t size) {
  flexbuffers::Map map = flexbuffers::Map::EmptyMap();
  LOWBIT_RETURN_IF_ERROR(read_map(data, size, &map));
  DetectionPostprocessOptions o;
  int regular = 0;
  // TFLite's defaults for the two optional keys: 100 per class, fast NMS.
  const struct {
    const char* key;
    int* field;
    bool required, positive;
  } ints[] = {{"max_detections", &o.max_detections, true, true},
              {"max_classes_per_detection", &o.max_classes_per_detection, true, true},
              {"detections_per_class", &o.detections_per_class, false, true},
              {"use_regular_nms", &regular, false, false},
              {"num_classes", &o.num_classes, true, true}};
  for (const auto& k : ints) {
    Result<int> v = k.positive ? option_positive(map, k.key, *k.field, k.required)
                               : option_int(map, k.key, *k.field, k.required);
    if (!v.ok()) return v.status();
    *k.field = v.value();
  }
  o.use_regular_nms = regular != 0;
  const std::pair<const char*, float*> floats[] = {
      {"nms_score_threshold", &o.nms_score_threshold}, {"nms_iou_threshold", &o.nms_iou_threshold},
      {"y_scale", &o.y_scale}, {"x_scale", &o.x_scale}, {"h_scale", &o.h_scale},
      {"w_scale", &o.w_scale}};
  for (const auto& k : floats) {
    Result<float> v = option_float(map, k.first);
    if (!v.ok()) return v.status();
    *k.second = v.value();
  }
  return o;
}

}  // namespace convert
}  // namespace lowbit
