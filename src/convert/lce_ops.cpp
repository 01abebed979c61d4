// Larq Compute Engine custom operators -> lowbit binary operators.
//
// LCE stores bitpacked tensors as INT32 words [..., ceil(C/32)]; lowbit gives
// them dtype BIT and the logical channel count C, which no single tensor
// records: it comes from the operator that produces or consumes it.
#include <algorithm>
#include <cstdint>
#include <string>

#include "convert/importer.h"
#include "convert/lce_options.h"

namespace lowbit {
namespace convert {
namespace {

constexpr const char* kQuantize = "LceQuantize";
constexpr const char* kDequantize = "LceDequantize";
constexpr const char* kBconv2d = "LceBconv2d";
constexpr const char* kBMaxPool2d = "LceBMaxPool2d";

// The custom options blob of an operator, nullptr/0 when absent.
const uint8_t* custom_options(const OpContext& ctx, size_t* size) {
  const tfl::Vec<uint8_t>* raw = ctx.op->custom_options();
  *size = raw == nullptr ? 0 : raw->size();
  return raw == nullptr ? nullptr : raw->data();
}

Result<LceBconv2dOptions> bconv2d_options(const OpContext& ctx) {
  size_t size = 0;
  const uint8_t* data = custom_options(ctx, &size);
  return parse_lce_bconv2d_options(data, size);
}

int last_dim(const Importer& im, int index) {
  Result<Shape> s = im.tfl_shape(index);
  return s.ok() && s->rank > 0 ? s->dims[s->rank - 1] : 0;
}

// channels_in and the filter's logical input channels (channels_in / groups).
struct BconvChannels {
  int in = 0;
  int filter_in = 0;
};

Result<BconvChannels> bconv_channels(const Importer& im, const OpContext& ctx, int channels_in) {
  BconvChannels c;
  c.in = channels_in;
  if (ctx.inputs.size() < 2 || ctx.inputs[1] < 0) return invalid("the filter input is absent");
  const int filter_words = last_dim(im, ctx.inputs[1]);
  const int input_words = bit_words(c.in);
  if (filter_words <= 0 || input_words % filter_words != 0) {
    return invalid("filter has " + std::to_string(filter_words) + " words per tap; channels_in " +
                   std::to_string(c.in) + " needs a divisor of " + std::to_string(input_words));
  }
  const int groups = input_words / filter_words;
  if (c.in % groups != 0) {
    return invalid("channels_in " + std::to_string(c.in) + " is not divisible into " +
                   std::to_string(groups) + " groups");
  }
  c.filter_in = c.in / groups;
  return c;
}

Status expect_bits(const Importer& im, int index, int channels) {
  if (index < 0 || index >= im.num_tensors()) {
    return invalid("tensor index " + std::to_string(index) + " is out of range");
  }
  if (im.bit_channels(index) != channels) {
    return invalid(im.tensor_label(index) + " is used with " + std::to_string(channels) +
                   " bitpacked channels here but " + std::to_string(im.bit_channels(index)) +
                   " elsewhere");
  }
  return Status::Ok();
}

Status expect_counts(const OpContext& ctx, size_t min_inputs, size_t max_inputs) {
  if (ctx.inputs.size() < min_inputs || ctx.inputs.size() > max_inputs || ctx.outputs.size() != 1) {
    return invalid("has " + std::to_string(ctx.inputs.size()) + " inputs and " +
                   std::to_string(ctx.outputs.size()) + " outputs");
  }
  for (size_t i = 0; i < min_inputs; ++i) {
    if (ctx.inputs[i] < 0) return invalid("required input " + std::to_string(i) + " is absent");
  }
  return Status::Ok();
}

Status map_all(Importer& im, const OpContext& ctx, std::vector<int>* inputs, std::vector<int>* outputs) {
  for (int t : ctx.inputs) {
    Result<int> r = im.optional_tensor(t);
    if (!r.ok()) return r.status();
    inputs->push_back(r.value());
  }
  Result<int> out = im.tensor(ctx.outputs[0]);
  if (!out.ok()) return out.status();
  outputs->push_back(out.value());
  return Status::Ok();
}

Status convert_bitpack(Importer& im, const OpContext& ctx, bool pack) {
  LOWBIT_RETURN_IF_ERROR(expect_counts(ctx, 1, 1));
  const int bits = pack ? ctx.outputs[0] : ctx.inputs[0];
  const int values = pack ? ctx.inputs[0] : ctx.outputs[0];
  LOWBIT_RETURN_IF_ERROR(expect_bits(im, bits, last_dim(im, values)));
  std::vector<int> inputs, outputs;
  LOWBIT_RETURN_IF_ERROR(map_all(im, ctx, &inputs, &outputs));
  im.add_operator(ctx, pack ? OpType::kBitpack : OpType::kBitUnpack, inputs, outputs);
  return Status::Ok();
}

Status convert_bconv2d(Importer& im, const OpContext& ctx) {
  LOWBIT_RETURN_IF_ERROR(expect_counts(ctx, 2, 5));
  Result<LceBconv2dOptions> parsed = bconv2d_options(ctx);
  if (!parsed.ok()) return parsed.status();
  Result<BconvChannels> channels = bconv_channels(im, ctx, parsed->channels_in);
  if (!channels.ok()) return channels.status();
  const BConv2DOptions& options = parsed->options;

  LOWBIT_RETURN_IF_ERROR(expect_bits(im, ctx.inputs[0], channels->in));
  LOWBIT_RETURN_IF_ERROR(expect_bits(im, ctx.inputs[1], channels->filter_in));
  size_t filter_bytes = 0;
  if (im.constant_data(ctx.inputs[1], &filter_bytes) == nullptr) {
    return unsupported(im.tensor_label(ctx.inputs[1]) + ": the filter must be a constant");
  }
  const int out = ctx.outputs[0];
  if (im.tfl_type(out) == tfl::kInt32) {
    Result<Shape> packed_filter = im.tfl_shape(ctx.inputs[1]);
    if (!packed_filter.ok()) return packed_filter.status();
    if (packed_filter->rank != 4) {
      return invalid("filter must be 4-D; got " + packed_filter->to_string());
    }
    LOWBIT_RETURN_IF_ERROR(expect_bits(im, out, packed_filter->dims[0]));
    if (ctx.inputs.size() < 5 || ctx.inputs[4] < 0) {
      return invalid("a bitpacked output needs the output_threshold input (input 4)");
    }
  } else if (ctx.inputs.size() < 4 || ctx.inputs[2] < 0 || ctx.inputs[3] < 0) {
    return invalid("a float or int8 output needs post_activation_multiplier and "
                   "post_activation_bias (inputs 2 and 3)");
  }
  std::vector<int> inputs, outputs;
  LOWBIT_RETURN_IF_ERROR(map_all(im, ctx, &inputs, &outputs));
  Result<Shape> filter = im.shape(ctx.inputs[1]), out_shape = im.shape(out);
  if (!filter.ok()) return filter.status();
  if (!out_shape.ok()) return out_shape.status();
  if (filter->rank != 4) return invalid("filter must be 4-D; got " + filter->to_string());
  im.count_macs(DType::kBit, static_cast<uint64_t>(out_shape->num_elements()) * filter->dims[1] *
                                 filter->dims[2] * filter->dims[3]);
  im.add_operator(ctx, OpType::kBConv2D, inputs, outputs, options);
  return Status::Ok();
}

Status convert_bmaxpool2d(Importer& im, const OpContext& ctx) {
  LOWBIT_RETURN_IF_ERROR(expect_counts(ctx, 1, 1));
  size_t options_size = 0;
  const uint8_t* options_data = custom_options(ctx, &options_size);
  Result<Pool2DOptions> options = parse_lce_bmaxpool2d_options(options_data, options_size);
  if (!options.ok()) return options.status();
  if (im.bit_channels(ctx.inputs[0]) == 0) {
    return invalid(im.tensor_label(ctx.inputs[0]) +
                   ": the channel count of this bitpacked input is unknown (no LCE producer)");
  }
  LOWBIT_RETURN_IF_ERROR(expect_bits(im, ctx.outputs[0], im.bit_channels(ctx.inputs[0])));
  std::vector<int> inputs, outputs;
  LOWBIT_RETURN_IF_ERROR(map_all(im, ctx, &inputs, &outputs));
  im.add_operator(ctx, OpType::kBMaxPool2D, inputs, outputs, options.value());
  return Status::Ok();
}

bool valid_index(const Importer& im, const std::vector<int>& list, size_t i) {
  return i < list.size() && list[i] >= 0 && list[i] < im.num_tensors();
}

}  // namespace

// TFLite's SSD post-processing: three inputs, four float outputs, options
// from the FlexBuffer; shapes and dtypes are checked by the operator.
Status convert_detection_postprocess(Importer& im, const OpContext& ctx) {
  if (ctx.inputs.size() != 3 || ctx.outputs.size() != 4) {
    return invalid("has " + std::to_string(ctx.inputs.size()) + " inputs and " +
                   std::to_string(ctx.outputs.size()) + " outputs; expected 3 and 4");
  }
  size_t size = 0;
  const uint8_t* data = custom_options(ctx, &size);
  Result<DetectionPostprocessOptions> options = parse_detection_postprocess_options(data, size);
  if (!options.ok()) return options.status();
  std::vector<int> inputs, outputs;
  for (int t : ctx.inputs) {
    Result<int> r = im.tensor(t);
    if (!r.ok()) return r.status();
    inputs.push_back(r.value());
  }
  // TFLite stores these outputs unshaped and sizes them in Prepare.
  const int64_t detections = int64_t{options->max_detections} *
                             std::max(options->max_classes_per_detection, 1);
  if (options->max_detections < 1 || detections > (int64_t{1} << 24)) {
    return invalid("max_detections " + std::to_string(options->max_detections) + " x " +
                   std::to_string(options->max_classes_per_detection) +
                   " classes per detection is not a usable output size");
  }
  const Shape shapes[4] = {Shape{1, int32_t(detections), 4}, Shape{1, int32_t(detections)},
                           Shape{1, int32_t(detections)},
                           Shape{1}};
  for (size_t i = 0; i < ctx.outputs.size(); ++i) {
    Result<int> r = im.tensor(ctx.outputs[i], &shapes[i]);
    if (!r.ok()) return r.status();
    outputs.push_back(r.value());
  }
  im.add_operator(ctx, OpType::kDetectionPostprocess, inputs, outputs, options.value());
  return Status::Ok();
}

Status convert_custom(Importer& im, const OpContext& ctx, const std::string& custom_code) {
  if (custom_code == "TFLite_Detection_PostProcess") return convert_detection_postprocess(im, ctx);
  if (custom_code == kQuantize) return convert_bitpack(im, ctx, true);
  if (custom_code == kDequantize) return convert_bitpack(im, ctx, false);
  if (custom_code == kBconv2d) return convert_bconv2d(im, ctx);
  if (custom_code == kBMaxPool2d) return convert_bmaxpool2d(im, ctx);
  if (custom_code == "LceBsign") {
    return unsupported("LceBsign comes from LCE 0.3 or older; re-convert with a newer LCE");
  }
  return im.unsupported_operator(ctx);
}

void infer_bit_tensors(Importer& im, const std::vector<OpContext>& ops,
                       const std::vector<std::string>& custom_codes) {
  bool changed = true;
  auto mark = [&](const std::vector<int>& list, size_t i, int channels) {
    if (!valid_index(im, list, i) || channels <= 0 || im.bit_channels(list[i]) != 0) return;
    im.set_bit_channels(list[i], channels);
    changed = true;
  };
  // Max pools only pass counts along, so a chain of them may need several rounds.
  for (size_t round = 0; changed && round <= ops.size(); ++round) {
    changed = false;
    for (size_t k = 0; k < ops.size(); ++k) {
      const OpContext& ctx = ops[k];
      const std::string& code = custom_codes[k];
      if (code == kQuantize && valid_index(im, ctx.inputs, 0)) {
        mark(ctx.outputs, 0, last_dim(im, ctx.inputs[0]));
      } else if (code == kDequantize && valid_index(im, ctx.outputs, 0)) {
        mark(ctx.inputs, 0, last_dim(im, ctx.outputs[0]));
      } else if (code == kBMaxPool2d && valid_index(im, ctx.inputs, 0) &&
                 valid_index(im, ctx.outputs, 0)) {
        mark(ctx.outputs, 0, im.bit_channels(ctx.inputs[0]));
        mark(ctx.inputs, 0, im.bit_channels(ctx.outputs[0]));
      } else if (code == kBconv2d && valid_index(im, ctx.inputs, 1)) {
        Result<LceBconv2dOptions> parsed = bconv2d_options(ctx);
        if (!parsed.ok()) continue;
        Result<BconvChannels> channels = bconv_channels(im, ctx, parsed->channels_in);
        if (!channels.ok()) continue;
        mark(ctx.inputs, 0, channels->in);
        mark(ctx.inputs, 1, channels->filter_in);
        if (valid_index(im, ctx.outputs, 0) && im.tfl_type(ctx.outputs[0]) == tfl::kInt32) {
          Result<Shape> filter = im.tfl_shape(ctx.inputs[1]);
          if (filter.ok() && filter->rank == 4) mark(ctx.outputs, 0, filter->dims[0]);
        }
      }
    }
  }
}

}  // namespace convert
}  // namespace lowbit
