// DETECTION_POSTPROCESS: TFLite's custom TFLite_Detection_PostProcess (SSD).
// Inputs: box encodings [1,N,K>=4] and anchors [N,4] (both float32, or both
// uint8), class scores [1,N,C] with C = num_classes (+1 for a leading
// background column), float32 or uint8. uint8 operands are dequantized as
// TFLite does, then decoded and suppressed in float
// (kernels/reference/detection_postprocess.h). Outputs, float32: boxes [1,D,4],
// classes [1,D], scores [1,D], count [1], D = max_detections *
// max_classes_per_detection.
#include <cmath>
#include <memory>
#include <string>

#include "kernels/reference/detection_postprocess.h"
#include "ops/op_util.h"
#include "ops/op_kernel.h"

namespace lowbit {
namespace {

// Bounds that keep every count and scratch size far from int overflow.
constexpr int64_t kMaxAnchors = 1 << 22;
constexpr int64_t kMaxClasses = 1 << 14;
constexpr int64_t kMaxDetectionSlots = 1 << 16;

Status check_options(const DetectionPostprocessOptions& o) {
  if (o.num_classes <= 0 || o.num_classes > kMaxClasses) {
    return invalid("num_classes " + std::to_string(o.num_classes) + " must be within 1.." +
                   std::to_string(kMaxClasses));
  }
  if (o.max_detections <= 0 || o.max_classes_per_detection <= 0 ||
      int64_t{o.max_detections} * o.max_classes_per_detection > kMaxDetectionSlots) {
    return invalid("max_detections " + std::to_string(o.max_detections) +
                   " and max_classes_per_detection " +
                   std::to_string(o.max_classes_per_detection) +
                   " must be positive, with a product of at most " +
                   std::to_string(kMaxDetectionSlots));
  }
  if (o.use_regular_nms && o.detections_per_class <= 0) {
    return invalid("detections_per_class " + std::to_string(o.detections_per_class) +
                   " must be positive with use_regular_nms");
  }
  if (!(o.nms_iou_threshold > 0.0f && o.nms_iou_threshold <= 1.0f)) {
    return invalid("nms_iou_threshold " + std::to_string(o.nms_iou_threshold) +
                   " must be in (0, 1]");
  }
  return Status::Ok();
}

Status check_shape(const GraphDesc& graph, const OperatorDesc& op, size_t input,
                   const Shape& expected, const char* layout) {
  const Shape& s = graph.tensors[op.inputs[input]].shape;
  if (s != expected) {
    return invalid(describe_input(graph, op, input) + " has shape " + s.to_string() +
                   ", expected " + expected.to_string() + " (" + layout + ")");
  }
  return Status::Ok();
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 3, 3, 4));
  const auto* opt = get_options<DetectionPostprocessOptions>(op);
  if (!opt) return invalid("missing DetectionPostprocessOptions");
  LOWBIT_RETURN_IF_ERROR(check_options(*opt));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 0, {DType::kFloat32, DType::kUInt8}));
  const DType box_dtype = graph.tensors[op.inputs[0]].dtype;
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 1, {DType::kFloat32, DType::kUInt8}));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 2, {box_dtype}));  // TFLite reads both alike
  for (size_t i = 0; i < 3; ++i) {
    if (graph.tensors[op.inputs[i]].dtype == DType::kUInt8) {
      LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, i));
    }
  }
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, 0, 3));
  const Shape& boxes = graph.tensors[op.inputs[0]].shape;
  if (boxes[0] != 1 || boxes[1] <= 0 || boxes[1] > kMaxAnchors || boxes[2] < 4 ||
      boxes[2] > 64) {
    return invalid(describe_input(graph, op, 0) + " has shape " + boxes.to_string() +
                   ", expected [1, anchors (1.." + std::to_string(kMaxAnchors) +
                   "), code size (4..64)]");
  }
  const int32_t anchors = boxes[1];
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, 1, 3));
  const int32_t columns = graph.tensors[op.inputs[1]].shape[2];
  if (columns != opt->num_classes && columns != opt->num_classes + 1) {
    return invalid(describe_input(graph, op, 1) + " has " + std::to_string(columns) +
                   " class columns; num_classes is " + std::to_string(opt->num_classes) +
                   " (one more column allowed for background)");
  }
  LOWBIT_RETURN_IF_ERROR(check_shape(graph, op, 1, Shape({1, anchors, columns}),
                                     "1, anchors, classes"));
  LOWBIT_RETURN_IF_ERROR(check_shape(graph, op, 2, Shape({anchors, 4}), "anchors, y x h w"));
  for (size_t i = 0; i < 4; ++i) {
    LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, i, {DType::kFloat32}));
  }
  const int32_t slots = opt->max_detections * opt->max_classes_per_detection;
  output_shapes[0] = Shape({1, slots, 4});
  output_shapes[1] = Shape({1, slots});
  output_shapes[2] = Shape({1, slots});
  output_shapes[3] = Shape({1});
  return Status::Ok();
}

size_t aligned(size_t bytes) { return (bytes + 63) / 64 * 64; }

// (q - zero point) * scale in float, TFLite's dequantization for this operator.
void dequantize(const uint8_t* q, size_t count, const Quantization& quant, float* out) {
  const float zero_point = static_cast<float>(quant.zero_points[0]);
  const float scale = quant.scales[0];
  for (size_t i = 0; i < count; ++i) out[i] = (static_cast<float>(q[i]) - zero_point) * scale;
}

class DetectionPostprocess : public OpKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    Shape shapes[4];
    LOWBIT_RETURN_IF_ERROR(validate(ctx.graph(), ctx.op(), shapes));
    for (size_t i = 0; i < 4; ++i) {
      if (ctx.output(i).shape != shapes[i]) {
        return invalid(describe_output(ctx.graph(), ctx.op(), i) + " shape " +
                       ctx.output(i).shape.to_string() + " differs from " + shapes[i].to_string());
      }
    }
    const auto& o = *get_options<DetectionPostprocessOptions>(ctx.op());
    const TensorDesc& boxes = ctx.input(0);
    p_.num_boxes = boxes.shape[1];
    p_.box_code_size = boxes.shape[2];
    p_.num_classes_with_background = ctx.input(1).shape[2];
    p_.num_classes = o.num_classes;
    p_.max_detections = o.max_detections;
    p_.max_classes_per_detection = o.max_classes_per_detection;
    p_.detections_per_class = o.detections_per_class;
    p_.use_regular_nms = o.use_regular_nms;
    p_.score_threshold = o.nms_score_threshold;
    p_.iou_threshold = o.nms_iou_threshold;
    p_.y_scale = o.y_scale;
    p_.x_scale = o.x_scale;
    p_.h_scale = o.h_scale;
    p_.w_scale = o.w_scale;
    for (size_t i = 0; i < 3; ++i) {
      quantized_[i] = ctx.input(i).dtype == DType::kUInt8;
      quant_[i] = ctx.input(i).quant;
      elements_[i] = static_cast<size_t>(ctx.input(i).shape.num_elements());
      float_bytes_[i] = quantized_[i] ? aligned(elements_[i] * sizeof(float)) : 0;
    }
    ctx.request_scratch(float_bytes_[0] + float_bytes_[1] + float_bytes_[2] +
                        ref::detection_postprocess_scratch_bytes(p_));
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    auto* scratch = static_cast<uint8_t*>(ctx.scratch());
    const float* inputs[3];
    for (size_t i = 0; i < 3; ++i) {
      if (quantized_[i]) {
        float* values = reinterpret_cast<float*>(scratch);
        dequantize(ctx.input_as<uint8_t>(i), elements_[i], quant_[i], values);
        inputs[i] = values;
        scratch += float_bytes_[i];
      } else {
        inputs[i] = ctx.input_as<float>(i);
      }
    }
    ref::DetectionOutputs out;
    out.boxes = ctx.output_as<float>(0);
    out.classes = ctx.output_as<float>(1);
    out.scores = ctx.output_as<float>(2);
    out.count = ctx.output_as<float>(3);
    const int inverted =
        ref::detection_postprocess__reference(p_, inputs[0], inputs[1], inputs[2], out, scratch);
    if (inverted >= 0) {
      return Status(StatusCode::kInvalidArgument,
                    "decoded box " + std::to_string(inverted) +
                        " has ymin > ymax or xmin > xmax (negative anchor size?)");
    }
    return Status::Ok();
  }

  const char* name() const override { return "f32_detection_postprocess__reference"; }

 private:
  ref::DetectionPostprocessParams p_;
  bool quantized_[3] = {};
  Quantization quant_[3];
  size_t elements_[3] = {}, float_bytes_[3] = {};
};

Result<std::unique_ptr<OpKernel>> create(const GraphDesc&, const OperatorDesc&) {
  return std::unique_ptr<OpKernel>(new DetectionPostprocess());
}

}  // namespace

LOWBIT_REGISTER_OP(DetectionPostprocess, validate, create)

}  // namespace lowbit
