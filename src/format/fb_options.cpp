#include "format/fb_options.h"

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace lowbit {
namespace {

// The public enums share their numeric values with the schema's.
fb::Padding to_fb(Padding p) { return static_cast<fb::Padding>(p); }
fb::Activation to_fb(Activation a) { return static_cast<fb::Activation>(a); }

// Enum fields read from a file are checked before they become public enums.
class EnumReader {
 public:
  Padding padding(fb::Padding p) {
    const int v = static_cast<int>(p);
    if (v < 0 || v > static_cast<int>(Padding::kValid)) fail("padding", v);
    return static_cast<Padding>(ok_ ? v : 0);
  }
  Activation activation(fb::Activation a) {
    const int v = static_cast<int>(a);
    if (v < 0 || v > static_cast<int>(Activation::kReluN1To1)) fail("activation", v);
    return static_cast<Activation>(ok_ ? v : 0);
  }
  Status status() const { return ok_ ? Status::Ok() : Status(StatusCode::kInvalidModel, error_); }

 private:
  void fail(const char* what, int value) {
    if (!ok_) return;
    ok_ = false;
    error_ = std::string("options: unknown ") + what + " value " + std::to_string(value);
  }
  bool ok_ = true;
  std::string error_;
};

std::vector<int32_t> to_vector(const flatbuffers::Vector<int32_t>* v) {
  return v ? std::vector<int32_t>(v->begin(), v->end()) : std::vector<int32_t>();
}

// Each options kind's FlatBuffers table has the kind's name in the schema.
template <typename Kind>
struct FbTableOf;
#define LOWBIT_OPTIONS(Kind) \
  template <>                \
  struct FbTableOf<Kind> {   \
    using type = fb::Kind;   \
  };
#include "lowbit/ops.def"
template <typename Kind>
using FbTable = typename FbTableOf<Kind>::type;

template <typename Kind, size_t I = 0>
constexpr size_t variant_index() {
  if constexpr (std::is_same_v<std::variant_alternative_t<I, OpOptions>, Kind>) {
    return I;
  } else {
    return variant_index<Kind, I + 1>();
  }
}

// The generated schema must agree with lowbit/ops.def (op_list_test checks
// the .fbs text too, with messages naming the difference).
#define LOWBIT_OP(Name, value, SCHEMA_NAME, OptionsKind)              \
  static_assert(static_cast<int>(fb::OpType::SCHEMA_NAME) == (value), \
                "schema/lowbit.fbs: " #SCHEMA_NAME " has another value than in lowbit/ops.def");
#define LOWBIT_OPTIONS(Kind)                                                     \
  static_assert(static_cast<size_t>(fb::Options::Kind) == variant_index<Kind>(), \
                "schema/lowbit.fbs: union Options is not in lowbit/ops.def's order at " #Kind);
#include "lowbit/ops.def"
static_assert(static_cast<int>(fb::OpType::MAX) == kNumOpTypes - 1,
              "schema/lowbit.fbs has operators lowbit/ops.def lacks");
static_assert(static_cast<size_t>(fb::Options::MAX) == std::variant_size_v<OpOptions> - 1,
              "schema/lowbit.fbs has options lowbit/ops.def lacks");

// Fields of each options kind, in both directions. Only a new options kind
// (not a new operator reusing one) adds a pair here.

flatbuffers::Offset<fb::Conv2DOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                              const Conv2DOptions& o) {
  return fb::CreateConv2DOptions(fbb, to_fb(o.padding), o.stride_h, o.stride_w, o.dilation_h,
                                 o.dilation_w, to_fb(o.activation));
}
Conv2DOptions decode(const fb::Conv2DOptions& f, EnumReader& enums) {
  Conv2DOptions o;
  o.padding = enums.padding(f.padding());
  o.stride_h = f.stride_h();
  o.stride_w = f.stride_w();
  o.dilation_h = f.dilation_h();
  o.dilation_w = f.dilation_w();
  o.activation = enums.activation(f.activation());
  return o;
}

flatbuffers::Offset<fb::DepthwiseConv2DOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                                       const DepthwiseConv2DOptions& o) {
  return fb::CreateDepthwiseConv2DOptions(fbb, to_fb(o.padding), o.stride_h, o.stride_w,
                                          o.dilation_h, o.dilation_w, o.depth_multiplier,
                                          to_fb(o.activation));
}
DepthwiseConv2DOptions decode(const fb::DepthwiseConv2DOptions& f, EnumReader& enums) {
  DepthwiseConv2DOptions o;
  o.padding = enums.padding(f.padding());
  o.stride_h = f.stride_h();
  o.stride_w = f.stride_w();
  o.dilation_h = f.dilation_h();
  o.dilation_w = f.dilation_w();
  o.depth_multiplier = f.depth_multiplier();
  o.activation = enums.activation(f.activation());
  return o;
}

flatbuffers::Offset<fb::FullyConnectedOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                                      const FullyConnectedOptions& o) {
  return fb::CreateFullyConnectedOptions(fbb, to_fb(o.activation), o.keep_num_dims);
}
FullyConnectedOptions decode(const fb::FullyConnectedOptions& f, EnumReader& enums) {
  FullyConnectedOptions o;
  o.activation = enums.activation(f.activation());
  o.keep_num_dims = f.keep_num_dims();
  return o;
}

flatbuffers::Offset<fb::Pool2DOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                              const Pool2DOptions& o) {
  return fb::CreatePool2DOptions(fbb, to_fb(o.padding), o.stride_h, o.stride_w, o.filter_h,
                                 o.filter_w, to_fb(o.activation));
}
Pool2DOptions decode(const fb::Pool2DOptions& f, EnumReader& enums) {
  Pool2DOptions o;
  o.padding = enums.padding(f.padding());
  o.stride_h = f.stride_h();
  o.stride_w = f.stride_w();
  o.filter_h = f.filter_h();
  o.filter_w = f.filter_w();
  o.activation = enums.activation(f.activation());
  return o;
}

flatbuffers::Offset<fb::ElementwiseOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                                   const ElementwiseOptions& o) {
  return fb::CreateElementwiseOptions(fbb, to_fb(o.activation));
}
ElementwiseOptions decode(const fb::ElementwiseOptions& f, EnumReader& enums) {
  ElementwiseOptions o;
  o.activation = enums.activation(f.activation());
  return o;
}

flatbuffers::Offset<fb::MeanOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                            const MeanOptions& o) {
  return fb::CreateMeanOptions(fbb, fbb.CreateVector(o.axes), o.keep_dims);
}
MeanOptions decode(const fb::MeanOptions& f, EnumReader&) {
  MeanOptions o;
  o.axes = to_vector(f.axes());
  o.keep_dims = f.keep_dims();
  return o;
}

flatbuffers::Offset<fb::SoftmaxOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                               const SoftmaxOptions& o) {
  return fb::CreateSoftmaxOptions(fbb, o.beta);
}
SoftmaxOptions decode(const fb::SoftmaxOptions& f, EnumReader&) {
  SoftmaxOptions o;
  o.beta = f.beta();
  return o;
}

flatbuffers::Offset<fb::ConcatenationOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                                     const ConcatenationOptions& o) {
  return fb::CreateConcatenationOptions(fbb, o.axis, to_fb(o.activation));
}
ConcatenationOptions decode(const fb::ConcatenationOptions& f, EnumReader& enums) {
  ConcatenationOptions o;
  o.axis = f.axis();
  o.activation = enums.activation(f.activation());
  return o;
}

flatbuffers::Offset<fb::ReshapeOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                               const ReshapeOptions& o) {
  return fb::CreateReshapeOptions(fbb, fbb.CreateVector(o.new_shape));
}
ReshapeOptions decode(const fb::ReshapeOptions& f, EnumReader&) {
  ReshapeOptions o;
  o.new_shape = to_vector(f.new_shape());
  return o;
}

flatbuffers::Offset<fb::PadOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                           const PadOptions& o) {
  return fb::CreatePadOptions(fbb, fbb.CreateVector(o.paddings));
}
PadOptions decode(const fb::PadOptions& f, EnumReader&) {
  PadOptions o;
  o.paddings = to_vector(f.paddings());
  return o;
}

flatbuffers::Offset<fb::BConv2DOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                               const BConv2DOptions& o) {
  return fb::CreateBConv2DOptions(fbb, to_fb(o.padding), o.stride_h, o.stride_w, o.dilation_h,
                                  o.dilation_w, to_fb(o.activation), o.pad_values);
}
BConv2DOptions decode(const fb::BConv2DOptions& f, EnumReader& enums) {
  BConv2DOptions o;
  o.padding = enums.padding(f.padding());
  o.stride_h = f.stride_h();
  o.stride_w = f.stride_w();
  o.dilation_h = f.dilation_h();
  o.dilation_w = f.dilation_w();
  o.activation = enums.activation(f.activation());
  o.pad_values = f.pad_values();
  return o;
}

flatbuffers::Offset<fb::BFullyConnectedOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                                       const BFullyConnectedOptions& o) {
  return fb::CreateBFullyConnectedOptions(fbb, to_fb(o.activation));
}
BFullyConnectedOptions decode(const fb::BFullyConnectedOptions& f, EnumReader& enums) {
  BFullyConnectedOptions o;
  o.activation = enums.activation(f.activation());
  return o;
}

flatbuffers::Offset<fb::TransposeOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                                 const TransposeOptions& o) {
  return fb::CreateTransposeOptions(fbb, fbb.CreateVector(o.perm));
}
TransposeOptions decode(const fb::TransposeOptions& f, EnumReader&) {
  return TransposeOptions{to_vector(f.perm())};
}

flatbuffers::Offset<fb::SliceOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                             const SliceOptions& o) {
  return fb::CreateSliceOptions(fbb, fbb.CreateVector(o.begin), fbb.CreateVector(o.size));
}
SliceOptions decode(const fb::SliceOptions& f, EnumReader&) {
  return SliceOptions{to_vector(f.begin()), to_vector(f.size())};
}

flatbuffers::Offset<fb::StridedSliceOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                                    const StridedSliceOptions& o) {
  return fb::CreateStridedSliceOptions(fbb, fbb.CreateVector(o.begin), fbb.CreateVector(o.end),
                                       fbb.CreateVector(o.strides), o.begin_mask, o.end_mask,
                                       o.ellipsis_mask, o.new_axis_mask, o.shrink_axis_mask,
                                       o.offset);
}
StridedSliceOptions decode(const fb::StridedSliceOptions& f, EnumReader&) {
  StridedSliceOptions o;
  o.begin = to_vector(f.begin());
  o.end = to_vector(f.end());
  o.strides = to_vector(f.strides());
  o.begin_mask = f.begin_mask();
  o.end_mask = f.end_mask();
  o.ellipsis_mask = f.ellipsis_mask();
  o.new_axis_mask = f.new_axis_mask();
  o.shrink_axis_mask = f.shrink_axis_mask();
  o.offset = f.offset();
  return o;
}

flatbuffers::Offset<fb::SplitOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                             const SplitOptions& o) {
  return fb::CreateSplitOptions(fbb, o.axis, fbb.CreateVector(o.size_splits));
}
SplitOptions decode(const fb::SplitOptions& f, EnumReader&) {
  return SplitOptions{f.axis(), to_vector(f.size_splits())};
}

flatbuffers::Offset<fb::AxisOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                            const AxisOptions& o) {
  return fb::CreateAxisOptions(fbb, o.axis);
}
AxisOptions decode(const fb::AxisOptions& f, EnumReader&) { return AxisOptions{f.axis()}; }

flatbuffers::Offset<fb::SqueezeOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                               const SqueezeOptions& o) {
  return fb::CreateSqueezeOptions(fbb, fbb.CreateVector(o.axes));
}
SqueezeOptions decode(const fb::SqueezeOptions& f, EnumReader&) {
  return SqueezeOptions{to_vector(f.axes())};
}

flatbuffers::Offset<fb::GatherOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                              const GatherOptions& o) {
  return fb::CreateGatherOptions(fbb, o.axis, o.batch_dims);
}
GatherOptions decode(const fb::GatherOptions& f, EnumReader&) {
  return GatherOptions{f.axis(), f.batch_dims()};
}

flatbuffers::Offset<fb::TileOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                            const TileOptions& o) {
  return fb::CreateTileOptions(fbb, fbb.CreateVector(o.multiples));
}
TileOptions decode(const fb::TileOptions& f, EnumReader&) {
  return TileOptions{to_vector(f.multiples())};
}

flatbuffers::Offset<fb::BlockSizeOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                                 const BlockSizeOptions& o) {
  return fb::CreateBlockSizeOptions(fbb, o.block_size);
}
BlockSizeOptions decode(const fb::BlockSizeOptions& f, EnumReader&) {
  return BlockSizeOptions{f.block_size()};
}

flatbuffers::Offset<fb::ResizeOptions> encode(flatbuffers::FlatBufferBuilder& fbb,
                                              const ResizeOptions& o) {
  return fb::CreateResizeOptions(fbb, o.new_height, o.new_width, o.align_corners,
                                 o.half_pixel_centers);
}
ResizeOptions decode(const fb::ResizeOptions& f, EnumReader&) {
  ResizeOptions o;
  o.new_height = f.new_height();
  o.new_width = f.new_width();
  o.align_corners = f.align_corners();
  o.half_pixel_centers = f.half_pixel_centers();
  return o;
}

flatbuffers::Offset<fb::DetectionPostprocessOptions> encode(
    flatbuffers::FlatBufferBuilder& fbb, const DetectionPostprocessOptions& o) {
  return fb::CreateDetectionPostprocessOptions(
      fbb, o.max_detections, o.max_classes_per_detection, o.detections_per_class,
      o.use_regular_nms, o.nms_score_threshold, o.nms_iou_threshold, o.num_classes, o.y_scale,
      o.x_scale, o.h_scale, o.w_scale);
}
DetectionPostprocessOptions decode(const fb::DetectionPostprocessOptions& f, EnumReader&) {
  DetectionPostprocessOptions o;
  o.max_detections = f.max_detections();
  o.max_classes_per_detection = f.max_classes_per_detection();
  o.detections_per_class = f.detections_per_class();
  o.use_regular_nms = f.use_regular_nms();
  o.nms_score_threshold = f.nms_score_threshold();
  o.nms_iou_threshold = f.nms_iou_threshold();
  o.num_classes = f.num_classes();
  o.y_scale = f.y_scale();
  o.x_scale = f.x_scale();
  o.h_scale = f.h_scale();
  o.w_scale = f.w_scale();
  return o;
}

}  // namespace

flatbuffers::Offset<void> write_options(flatbuffers::FlatBufferBuilder& fbb,
                                        const OpOptions& options, fb::Options* type) {
  return std::visit(
      [&](const auto& o) -> flatbuffers::Offset<void> {
        using Kind = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<Kind, NoOptions>) {
          *type = fb::Options::NONE;
          return 0;
        } else {
          *type = fb::OptionsTraits<FbTable<Kind>>::enum_value;
          return encode(fbb, o).Union();
        }
      },
      options);
}

Status read_options(const fb::Operator& op, OpOptions* options) {
  EnumReader enums;
  const fb::Options type = op.options_type();
  if (type != fb::Options::NONE && op.options() == nullptr) {
    return Status(StatusCode::kInvalidModel,
                  std::string("options of type ") + fb::EnumNameOptions(type) + " are missing");
  }
  switch (type) {
    case fb::Options::NONE:
      *options = NoOptions{};
      break;
#define LOWBIT_OPTIONS(Kind)                                         \
  case fb::Options::Kind:                                            \
    *options = decode(*op.options_as<FbTable<Kind>>(), enums);       \
    break;
#include "lowbit/ops.def"
    default:
      return Status(StatusCode::kInvalidModel,
                    "unknown options type " + std::to_string(static_cast<int>(type)));
  }
  return enums.status();
}

}  // namespace lowbit
