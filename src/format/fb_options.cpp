#include "format/fb_options.h"

#include <cstddef>
#include <cstdint>
#include <tuple>
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

// The fields of each options kind, listed once and expanded by both encode()
// and decode(). A field pairs the public struct's member with the table's
// getter of the same name. The list follows the schema's field order, which
// is the order of the generated Create<Kind> function's parameters. Only a
// new options kind (not a new operator reusing one) adds a list here.
template <typename Kind, typename Value, typename Table, typename Stored>
struct Field {
  Value Kind::*member;
  Stored (Table::*getter)() const;
};
template <typename Kind, typename Value, typename Table, typename Stored>
constexpr Field<Kind, Value, Table, Stored> field(Value Kind::*member,
                                                  Stored (Table::*getter)() const) {
  return {member, getter};
}

template <typename Kind>
struct FieldsOf;
#define LOWBIT_FIELD(name) field(&Kind::name, &Table::name)
#define LOWBIT_FIELDS(KindName, ...)                             \
  template <>                                                    \
  struct FieldsOf<KindName> {                                    \
    using Kind = KindName;                                       \
    using Table = fb::KindName;                                  \
    static constexpr auto create = &fb::Create##KindName;        \
    static constexpr auto list() { return std::make_tuple(__VA_ARGS__); } \
  };
LOWBIT_FIELDS(Conv2DOptions, LOWBIT_FIELD(padding), LOWBIT_FIELD(stride_h), LOWBIT_FIELD(stride_w),
              LOWBIT_FIELD(dilation_h), LOWBIT_FIELD(dilation_w), LOWBIT_FIELD(activation))
LOWBIT_FIELDS(DepthwiseConv2DOptions, LOWBIT_FIELD(padding), LOWBIT_FIELD(stride_h),
              LOWBIT_FIELD(stride_w), LOWBIT_FIELD(dilation_h), LOWBIT_FIELD(dilation_w),
              LOWBIT_FIELD(depth_multiplier), LOWBIT_FIELD(activation))
LOWBIT_FIELDS(FullyConnectedOptions, LOWBIT_FIELD(activation), LOWBIT_FIELD(keep_num_dims))
LOWBIT_FIELDS(Pool2DOptions, LOWBIT_FIELD(padding), LOWBIT_FIELD(stride_h), LOWBIT_FIELD(stride_w),
              LOWBIT_FIELD(filter_h), LOWBIT_FIELD(filter_w), LOWBIT_FIELD(activation))
LOWBIT_FIELDS(ElementwiseOptions, LOWBIT_FIELD(activation), LOWBIT_FIELD(pot_scale_int16))
LOWBIT_FIELDS(MeanOptions, LOWBIT_FIELD(axes), LOWBIT_FIELD(keep_dims))
LOWBIT_FIELDS(SoftmaxOptions, LOWBIT_FIELD(beta))
LOWBIT_FIELDS(ConcatenationOptions, LOWBIT_FIELD(axis), LOWBIT_FIELD(activation))
LOWBIT_FIELDS(ReshapeOptions, LOWBIT_FIELD(new_shape))
LOWBIT_FIELDS(PadOptions, LOWBIT_FIELD(paddings))
LOWBIT_FIELDS(BConv2DOptions, LOWBIT_FIELD(padding), LOWBIT_FIELD(stride_h), LOWBIT_FIELD(stride_w),
              LOWBIT_FIELD(dilation_h), LOWBIT_FIELD(dilation_w), LOWBIT_FIELD(activation),
              LOWBIT_FIELD(pad_values))
LOWBIT_FIELDS(BFullyConnectedOptions, LOWBIT_FIELD(activation))
LOWBIT_FIELDS(TransposeOptions, LOWBIT_FIELD(perm))
LOWBIT_FIELDS(SliceOptions, LOWBIT_FIELD(begin), LOWBIT_FIELD(size))
LOWBIT_FIELDS(StridedSliceOptions, LOWBIT_FIELD(begin), LOWBIT_FIELD(end), LOWBIT_FIELD(strides),
              LOWBIT_FIELD(begin_mask), LOWBIT_FIELD(end_mask), LOWBIT_FIELD(ellipsis_mask),
              LOWBIT_FIELD(new_axis_mask), LOWBIT_FIELD(shrink_axis_mask), LOWBIT_FIELD(offset))
LOWBIT_FIELDS(SplitOptions, LOWBIT_FIELD(axis), LOWBIT_FIELD(size_splits))
LOWBIT_FIELDS(AxisOptions, LOWBIT_FIELD(axis))
LOWBIT_FIELDS(SqueezeOptions, LOWBIT_FIELD(axes))
LOWBIT_FIELDS(GatherOptions, LOWBIT_FIELD(axis), LOWBIT_FIELD(batch_dims))
LOWBIT_FIELDS(TileOptions, LOWBIT_FIELD(multiples))
LOWBIT_FIELDS(BlockSizeOptions, LOWBIT_FIELD(block_size))
LOWBIT_FIELDS(ResizeOptions, LOWBIT_FIELD(new_height), LOWBIT_FIELD(new_width),
              LOWBIT_FIELD(align_corners), LOWBIT_FIELD(half_pixel_centers))
LOWBIT_FIELDS(DetectionPostprocessOptions, LOWBIT_FIELD(max_detections),
              LOWBIT_FIELD(max_classes_per_detection), LOWBIT_FIELD(detections_per_class),
              LOWBIT_FIELD(use_regular_nms), LOWBIT_FIELD(nms_score_threshold),
              LOWBIT_FIELD(nms_iou_threshold), LOWBIT_FIELD(num_classes), LOWBIT_FIELD(y_scale),
              LOWBIT_FIELD(x_scale), LOWBIT_FIELD(h_scale), LOWBIT_FIELD(w_scale))
LOWBIT_FIELDS(TransposeConvOptions, LOWBIT_FIELD(padding), LOWBIT_FIELD(stride_h),
              LOWBIT_FIELD(stride_w), LOWBIT_FIELD(activation), LOWBIT_FIELD(output_height),
              LOWBIT_FIELD(output_width))
LOWBIT_FIELDS(LeakyReluOptions, LOWBIT_FIELD(alpha))
LOWBIT_FIELDS(SequenceLstmOptions, LOWBIT_FIELD(cell_activation), LOWBIT_FIELD(cell_clip),
              LOWBIT_FIELD(proj_clip), LOWBIT_FIELD(time_major),
              LOWBIT_FIELD(asymmetric_quantize_inputs), LOWBIT_FIELD(hidden_scale),
              LOWBIT_FIELD(hidden_zero_point), LOWBIT_FIELD(input_gate_scale),
              LOWBIT_FIELD(forget_gate_scale), LOWBIT_FIELD(cell_gate_scale),
              LOWBIT_FIELD(output_gate_scale), LOWBIT_FIELD(merge_outputs))
LOWBIT_FIELDS(RecurrentOptions, LOWBIT_FIELD(rank), LOWBIT_FIELD(fused_activation),
              LOWBIT_FIELD(time_major), LOWBIT_FIELD(asymmetric_quantize_inputs))
#undef LOWBIT_FIELDS
#undef LOWBIT_FIELD

// A field's value as the table stores it (vectors are written to the builder
// here, before the table).
fb::Padding to_table(flatbuffers::FlatBufferBuilder&, Padding p) { return to_fb(p); }
fb::Activation to_table(flatbuffers::FlatBufferBuilder&, Activation a) { return to_fb(a); }
flatbuffers::Offset<flatbuffers::Vector<int32_t>> to_table(flatbuffers::FlatBufferBuilder& fbb,
                                                           const std::vector<int32_t>& v) {
  return fbb.CreateVector(v);
}
template <typename Scalar>
Scalar to_table(flatbuffers::FlatBufferBuilder&, Scalar v) {
  return v;
}

// A field's value read from a table, enums checked.
Padding from_table(EnumReader& enums, fb::Padding p) { return enums.padding(p); }
Activation from_table(EnumReader& enums, fb::Activation a) { return enums.activation(a); }
std::vector<int32_t> from_table(EnumReader&, const flatbuffers::Vector<int32_t>* v) {
  return to_vector(v);
}
template <typename Scalar>
Scalar from_table(EnumReader&, Scalar v) {
  return v;
}

template <typename Kind>
auto encode(flatbuffers::FlatBufferBuilder& fbb, const Kind& o) {
  return std::apply(
      [&](const auto&... f) {
        // A braced list converts the fields in the list's order, so tables
        // with several vectors write them in a fixed order (function
        // arguments would leave it to the compiler).
        const std::tuple<decltype(to_table(fbb, o.*f.member))...> values{
            to_table(fbb, o.*f.member)...};
        return std::apply(
            [&](const auto&... value) { return FieldsOf<Kind>::create(fbb, value...); }, values);
      },
      FieldsOf<Kind>::list());
}

template <typename Kind>
Kind decode(const FbTable<Kind>& table, EnumReader& enums) {
  Kind o;
  // The comma fold reads the fields in the list's order, so the first bad
  // enum is the one reported.
  std::apply(
      [&](const auto&... f) { ((o.*f.member = from_table(enums, (table.*f.getter)())), ...); },
      FieldsOf<Kind>::list());
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
    *options = decode<Kind>(*op.options_as<FbTable<Kind>>(), enums); \
    break;
#include "lowbit/ops.def"
    default:
      return Status(StatusCode::kInvalidModel,
                    "unknown options type " + std::to_string(static_cast<int>(type)));
  }
  return enums.status();
}

}  // namespace lowbit
