#include "format/fb_options.h"

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

}  // namespace

flatbuffers::Offset<void> write_options(flatbuffers::FlatBufferBuilder& fbb,
                                        const OpOptions& options, fb::Options* type) {
  return std::visit(
      [&](const auto& o) -> flatbuffers::Offset<void> {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          *type = fb::Options::NONE;
          return 0;
        } else if constexpr (std::is_same_v<T, Conv2DOptions>) {
          *type = fb::Options::Conv2DOptions;
          return fb::CreateConv2DOptions(fbb, to_fb(o.padding), o.stride_h, o.stride_w,
                                         o.dilation_h, o.dilation_w, to_fb(o.activation))
              .Union();
        } else if constexpr (std::is_same_v<T, DepthwiseConv2DOptions>) {
          *type = fb::Options::DepthwiseConv2DOptions;
          return fb::CreateDepthwiseConv2DOptions(fbb, to_fb(o.padding), o.stride_h, o.stride_w,
                                                  o.dilation_h, o.dilation_w, o.depth_multiplier,
                                                  to_fb(o.activation))
              .Union();
        } else if constexpr (std::is_same_v<T, FullyConnectedOptions>) {
          *type = fb::Options::FullyConnectedOptions;
          return fb::CreateFullyConnectedOptions(fbb, to_fb(o.activation), o.keep_num_dims)
              .Union();
        } else if constexpr (std::is_same_v<T, Pool2DOptions>) {
          *type = fb::Options::Pool2DOptions;
          return fb::CreatePool2DOptions(fbb, to_fb(o.padding), o.stride_h, o.stride_w,
                                         o.filter_h, o.filter_w, to_fb(o.activation))
              .Union();
        } else if constexpr (std::is_same_v<T, ElementwiseOptions>) {
          *type = fb::Options::ElementwiseOptions;
          return fb::CreateElementwiseOptions(fbb, to_fb(o.activation)).Union();
        } else if constexpr (std::is_same_v<T, MeanOptions>) {
          *type = fb::Options::MeanOptions;
          return fb::CreateMeanOptions(fbb, fbb.CreateVector(o.axes), o.keep_dims).Union();
        } else if constexpr (std::is_same_v<T, SoftmaxOptions>) {
          *type = fb::Options::SoftmaxOptions;
          return fb::CreateSoftmaxOptions(fbb, o.beta).Union();
        } else if constexpr (std::is_same_v<T, ConcatenationOptions>) {
          *type = fb::Options::ConcatenationOptions;
          return fb::CreateConcatenationOptions(fbb, o.axis, to_fb(o.activation)).Union();
        } else if constexpr (std::is_same_v<T, ReshapeOptions>) {
          *type = fb::Options::ReshapeOptions;
          return fb::CreateReshapeOptions(fbb, fbb.CreateVector(o.new_shape)).Union();
        } else if constexpr (std::is_same_v<T, PadOptions>) {
          *type = fb::Options::PadOptions;
          return fb::CreatePadOptions(fbb, fbb.CreateVector(o.paddings)).Union();
        } else if constexpr (std::is_same_v<T, BConv2DOptions>) {
          *type = fb::Options::BConv2DOptions;
          return fb::CreateBConv2DOptions(fbb, to_fb(o.padding), o.stride_h, o.stride_w,
                                          o.dilation_h, o.dilation_w, to_fb(o.activation),
                                          o.pad_values)
              .Union();
        } else {
          static_assert(std::is_same_v<T, BFullyConnectedOptions>, "unhandled options type");
          *type = fb::Options::BFullyConnectedOptions;
          return fb::CreateBFullyConnectedOptions(fbb, to_fb(o.activation)).Union();
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
      *options = std::monostate{};
      break;
    case fb::Options::Conv2DOptions: {
      const fb::Conv2DOptions* f = op.options_as_Conv2DOptions();
      Conv2DOptions o;
      o.padding = enums.padding(f->padding());
      o.stride_h = f->stride_h();
      o.stride_w = f->stride_w();
      o.dilation_h = f->dilation_h();
      o.dilation_w = f->dilation_w();
      o.activation = enums.activation(f->activation());
      *options = o;
      break;
    }
    case fb::Options::DepthwiseConv2DOptions: {
      const fb::DepthwiseConv2DOptions* f = op.options_as_DepthwiseConv2DOptions();
      DepthwiseConv2DOptions o;
      o.padding = enums.padding(f->padding());
      o.stride_h = f->stride_h();
      o.stride_w = f->stride_w();
      o.dilation_h = f->dilation_h();
      o.dilation_w = f->dilation_w();
      o.depth_multiplier = f->depth_multiplier();
      o.activation = enums.activation(f->activation());
      *options = o;
      break;
    }
    case fb::Options::FullyConnectedOptions: {
      const fb::FullyConnectedOptions* f = op.options_as_FullyConnectedOptions();
      FullyConnectedOptions o;
      o.activation = enums.activation(f->activation());
      o.keep_num_dims = f->keep_num_dims();
      *options = o;
      break;
    }
    case fb::Options::Pool2DOptions: {
      const fb::Pool2DOptions* f = op.options_as_Pool2DOptions();
      Pool2DOptions o;
      o.padding = enums.padding(f->padding());
      o.stride_h = f->stride_h();
      o.stride_w = f->stride_w();
      o.filter_h = f->filter_h();
      o.filter_w = f->filter_w();
      o.activation = enums.activation(f->activation());
      *options = o;
      break;
    }
    case fb::Options::ElementwiseOptions: {
      ElementwiseOptions o;
      o.activation = enums.activation(op.options_as_ElementwiseOptions()->activation());
      *options = o;
      break;
    }
    case fb::Options::MeanOptions: {
      const fb::MeanOptions* f = op.options_as_MeanOptions();
      MeanOptions o;
      o.axes = to_vector(f->axes());
      o.keep_dims = f->keep_dims();
      *options = o;
      break;
    }
    case fb::Options::SoftmaxOptions: {
      SoftmaxOptions o;
      o.beta = op.options_as_SoftmaxOptions()->beta();
      *options = o;
      break;
    }
    case fb::Options::ConcatenationOptions: {
      const fb::ConcatenationOptions* f = op.options_as_ConcatenationOptions();
      ConcatenationOptions o;
      o.axis = f->axis();
      o.activation = enums.activation(f->activation());
      *options = o;
      break;
    }
    case fb::Options::ReshapeOptions: {
      ReshapeOptions o;
      o.new_shape = to_vector(op.options_as_ReshapeOptions()->new_shape());
      *options = o;
      break;
    }
    case fb::Options::PadOptions: {
      PadOptions o;
      o.paddings = to_vector(op.options_as_PadOptions()->paddings());
      *options = o;
      break;
    }
    case fb::Options::BConv2DOptions: {
      const fb::BConv2DOptions* f = op.options_as_BConv2DOptions();
      BConv2DOptions o;
      o.padding = enums.padding(f->padding());
      o.stride_h = f->stride_h();
      o.stride_w = f->stride_w();
      o.dilation_h = f->dilation_h();
      o.dilation_w = f->dilation_w();
      o.activation = enums.activation(f->activation());
      o.pad_values = f->pad_values();
      *options = o;
      break;
    }
    case fb::Options::BFullyConnectedOptions: {
      BFullyConnectedOptions o;
      o.activation = enums.activation(op.options_as_BFullyConnectedOptions()->activation());
      *options = o;
      break;
    }
    default:
      return Status(StatusCode::kInvalidModel,
                    "unknown options type " + std::to_string(static_cast<int>(type)));
  }
  return enums.status();
}

}  // namespace lowbit
