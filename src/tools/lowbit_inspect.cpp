// lowbit-inspect: what a model (.lbm, or .tflite converted in memory) holds and
// how this build would run it.
#include <cstdio>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "lowbit/lowbit.h"
#include "runtime/cpu_features.h"
#include "tools/cli.h"
#include "tools/tensor_text.h"
#include "tools/text_table.h"

namespace {

using namespace lowbit;
using namespace lowbit::tools;

const char* padding_text(Padding p) { return p == Padding::kSame ? "SAME" : "VALID"; }

const char* activation_text(Activation a) {
  switch (a) {
    case Activation::kNone: return "";
    case Activation::kRelu: return " RELU";
    case Activation::kRelu6: return " RELU6";
    case Activation::kReluN1To1: return " RELU_N1_TO_1";
  }
  return " ?";
}

// A TFLite ActivationFunctionType code (RecurrentOptions::fused_activation).
std::string fused_activation_text(int32_t code) {
  const char* names[] = {"", " RELU", " RELU_N1_TO_1", " RELU6", " TANH", " SIGN_BIT"};
  return code >= 0 && code <= 5 ? names[code] : " activation=" + std::to_string(code);
}

std::string join(const std::vector<int32_t>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return "[" + s + "]";
}

// "3x3" from the filter operand (OHWI or 1xKHxKWxC: dims 1 and 2).
std::string kernel_size(const GraphDesc& graph, const OperatorDesc& op) {
  if (op.inputs.size() < 2 || op.inputs[1] < 0 ||
      op.inputs[1] >= static_cast<int>(graph.tensors.size())) {
    return "?";
  }
  const Shape& s = graph.tensors[op.inputs[1]].shape;
  if (s.rank != 4) return "?";
  return std::to_string(s[1]) + "x" + std::to_string(s[2]);
}

std::string stride_dilation(int sh, int sw, int dh, int dw) {
  std::string s = " s" + (sh == sw ? std::to_string(sh) : std::to_string(sh) + "x" + std::to_string(sw));
  if (dh != 1 || dw != 1) s += " d" + std::to_string(dh) + "x" + std::to_string(dw);
  return s;
}

std::string main_options(const GraphDesc& graph, const OperatorDesc& op) {
  return std::visit(
      [&](const auto& o) -> std::string {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, Conv2DOptions> || std::is_same_v<T, BConv2DOptions>) {
          std::string s = kernel_size(graph, op) +
                          stride_dilation(o.stride_h, o.stride_w, o.dilation_h, o.dilation_w) +
                          " " + padding_text(o.padding) + activation_text(o.activation);
          if constexpr (std::is_same_v<T, BConv2DOptions>) {
            s += " pad_values=" + std::to_string(o.pad_values);
          }
          return s;
        } else if constexpr (std::is_same_v<T, DepthwiseConv2DOptions>) {
          return kernel_size(graph, op) +
                 stride_dilation(o.stride_h, o.stride_w, o.dilation_h, o.dilation_w) + " x" +
                 std::to_string(o.depth_multiplier) + " " + padding_text(o.padding) +
                 activation_text(o.activation);
        } else if constexpr (std::is_same_v<T, Pool2DOptions>) {
          return std::to_string(o.filter_h) + "x" + std::to_string(o.filter_w) +
                 stride_dilation(o.stride_h, o.stride_w, 1, 1) + " " + padding_text(o.padding) +
                 activation_text(o.activation);
        } else if constexpr (std::is_same_v<T, FullyConnectedOptions>) {
          return std::string(o.keep_num_dims ? "keep_num_dims" : "") + activation_text(o.activation);
        } else if constexpr (std::is_same_v<T, ElementwiseOptions>) {
          return std::string(o.pot_scale_int16 ? "pot_scale_int16" : "") +
                 activation_text(o.activation);
        } else if constexpr (std::is_same_v<T, BFullyConnectedOptions>) {
          return activation_text(o.activation);
        } else if constexpr (std::is_same_v<T, MeanOptions>) {
          return "axes=" + join(o.axes) + (o.keep_dims ? " keep_dims" : "");
        } else if constexpr (std::is_same_v<T, SoftmaxOptions>) {
          return format_double("beta=%g", o.beta);
        } else if constexpr (std::is_same_v<T, ConcatenationOptions>) {
          return "axis=" + std::to_string(o.axis) + activation_text(o.activation);
        } else if constexpr (std::is_same_v<T, ReshapeOptions>) {
          return o.new_shape.empty() ? "" : "new_shape=" + join(o.new_shape);
        } else if constexpr (std::is_same_v<T, PadOptions>) {
          return "paddings=" + join(o.paddings);
        } else if constexpr (std::is_same_v<T, TransposeOptions>) {
          return "perm=" + join(o.perm);
        } else if constexpr (std::is_same_v<T, SliceOptions>) {
          return "begin=" + join(o.begin) + " size=" + join(o.size);
        } else if constexpr (std::is_same_v<T, StridedSliceOptions>) {
          std::string s = "begin=" + join(o.begin) + " end=" + join(o.end) +
                          " strides=" + join(o.strides);
          const std::pair<const char*, int32_t> masks[] = {
              {"begin_mask", o.begin_mask}, {"end_mask", o.end_mask},
              {"ellipsis_mask", o.ellipsis_mask}, {"new_axis_mask", o.new_axis_mask},
              {"shrink_axis_mask", o.shrink_axis_mask}};
          for (const auto& [name, mask] : masks) {
            if (mask != 0) s += std::string(" ") + name + "=" + std::to_string(mask);
          }
          return s + (o.offset ? " offset" : "");
        } else if constexpr (std::is_same_v<T, SplitOptions>) {
          return "axis=" + std::to_string(o.axis) +
                 (o.size_splits.empty() ? "" : " size_splits=" + join(o.size_splits));
        } else if constexpr (std::is_same_v<T, AxisOptions>) {
          return "axis=" + std::to_string(o.axis);
        } else if constexpr (std::is_same_v<T, SqueezeOptions>) {
          return o.axes.empty() ? "" : "axes=" + join(o.axes);
        } else if constexpr (std::is_same_v<T, GatherOptions>) {
          return "axis=" + std::to_string(o.axis) +
                 (o.batch_dims ? " batch_dims=" + std::to_string(o.batch_dims) : "");
        } else if constexpr (std::is_same_v<T, TileOptions>) {
          return "multiples=" + join(o.multiples);
        } else if constexpr (std::is_same_v<T, BlockSizeOptions>) {
          return "block_size=" + std::to_string(o.block_size);
        } else if constexpr (std::is_same_v<T, ResizeOptions>) {
          return std::to_string(o.new_height) + "x" + std::to_string(o.new_width) +
                 (o.align_corners ? " align_corners" : "") +
                 (o.half_pixel_centers ? " half_pixel_centers" : "");
        } else if constexpr (std::is_same_v<T, TransposeConvOptions>) {
          return kernel_size(graph, op) + stride_dilation(o.stride_h, o.stride_w, 1, 1) + " " +
                 padding_text(o.padding) + " to " + std::to_string(o.output_height) + "x" +
                 std::to_string(o.output_width) + activation_text(o.activation);
        } else if constexpr (std::is_same_v<T, DetectionPostprocessOptions>) {
          return std::string(o.use_regular_nms ? "regular" : "fast") + " NMS, " +
                 std::to_string(o.max_detections) + " detections x " +
                 std::to_string(o.max_classes_per_detection) + " classes, " +
                 std::to_string(o.num_classes) + " classes" +
                 format_double(", score>=%g", o.nms_score_threshold) +
                 format_double(" iou>%g", o.nms_iou_threshold);
        } else if constexpr (std::is_same_v<T, LeakyReluOptions>) {
          return format_double("alpha=%g", o.alpha);
        } else if constexpr (std::is_same_v<T, SequenceLstmOptions>) {
          if (op.type == OpType::kBidirectionalSequenceLstm) {
            return std::string(o.time_major ? "time-major" : "batch-major") +
                   (o.merge_outputs ? " merged outputs" : " two outputs") +
                   (o.cell_clip > 0 ? format_double(" cell_clip=%g", o.cell_clip) : "") +
                   (o.proj_clip > 0 ? format_double(" proj_clip=%g", o.proj_clip) : "") +
                   (o.asymmetric_quantize_inputs ? " asymmetric inputs" : "");
          }
          return std::string(o.time_major ? "time-major" : "batch-major") +
                 (o.cell_activation == 4 ? " tanh" : " activation=" + std::to_string(o.cell_activation)) +
                 (o.cell_clip > 0 ? format_double(" cell_clip=%g", o.cell_clip) : "") +
                 (o.proj_clip > 0 ? format_double(" proj_clip=%g", o.proj_clip) : "") +
                 (o.hidden_scale > 0 ? format_double(" hidden_scale=%g", o.hidden_scale) +
                                           " hidden_zp=" + std::to_string(o.hidden_zero_point)
                                     : "") +
                 (o.asymmetric_quantize_inputs ? " asymmetric inputs" : "");
        } else if constexpr (std::is_same_v<T, RecurrentOptions>) {
          return (op.type == OpType::kSvdf ? "rank=" + std::to_string(o.rank)
                                           : std::string(o.time_major ? "time-major" : "batch-major")) +
                 fused_activation_text(o.fused_activation) +
                 (o.asymmetric_quantize_inputs ? " asymmetric inputs" : "");
        } else {
          return "";
        }
      },
      op.options);
}

std::string operand_list(const std::vector<int>& indices) {
  std::string s;
  for (size_t i = 0; i < indices.size(); ++i) {
    s += (i ? "," : "") + (indices[i] == kAbsentInput ? std::string("-") : std::to_string(indices[i]));
  }
  return s;
}

std::string quant_text(const Quantization& q) {
  if (q.empty()) return "";
  if (q.per_axis()) {
    return "per-axis " + std::to_string(q.scales.size()) + " (axis " + std::to_string(q.axis) + ")";
  }
  return format_double("scale=%.6g", q.scales[0]) +
         " zp=" + std::to_string(q.zero_points.empty() ? 0 : q.zero_points[0]);
}

std::string trim(std::string s) {
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  return s;
}

void print_io(const char* kind, const GraphDesc& graph, const std::vector<int>& indices) {
  std::printf("%s:\n", kind);
  for (size_t i = 0; i < indices.size(); ++i) {
    const TensorDesc& t = graph.tensors[indices[i]];
    std::printf("  %zu: tensor %d '%s' %s\n", i, indices[i], t.name.c_str(),
                tensor_summary(t).c_str());
  }
}

int inspect(const std::string& path, const InterpreterOptions& options) {
  Result<std::shared_ptr<const Model>> loaded = Model::load(path);
  if (!loaded.ok()) {
    print_error("lowbit-inspect", path, loaded.status());
    return 1;
  }
  const Model& model = *loaded.value();
  const GraphDesc& graph = model.graph();
  Interpreter interp(loaded.value(), options);
  const Status prepared = interp.prepare();

  std::printf("file: %s (%zu bytes, %zu bytes of constants)\n", path.c_str(), model.file_bytes(),
              model.constant_bytes());
  std::printf("format version: %u\n", model.format_version());
  std::printf("description: %s\n", graph.description.c_str());
  print_io("inputs", graph, graph.inputs);
  print_io("outputs", graph, graph.outputs);

  std::printf("\noperators (%zu):\n", graph.operators.size());
  Table ops({"#", "type", "name", "inputs", "outputs", "options", "kernel", "MACs", "threads"});
  uint64_t total_macs = 0;
  for (size_t i = 0; i < graph.operators.size(); ++i) {
    const OperatorDesc& op = graph.operators[i];
    const uint64_t macs = prepared.ok() ? interp.operator_macs(static_cast<int>(i)) : 0;
    total_macs += macs;
    ops.add({std::to_string(i), op_type_name(op.type), op.name, operand_list(op.inputs),
             operand_list(op.outputs), trim(main_options(graph, op)),
             prepared.ok() ? interp.kernel_name(static_cast<int>(i)) : "-",
             prepared.ok() ? std::to_string(macs) : "-",
             prepared.ok() ? std::to_string(interp.operator_threads(static_cast<int>(i))) : "-"});
  }
  ops.print(stdout);

  std::printf("\ntensors (%zu):\n", graph.tensors.size());
  Table tensors({"#", "name", "dtype", "shape", "const bytes", "quantization"});
  for (size_t i = 0; i < graph.tensors.size(); ++i) {
    const TensorDesc& t = graph.tensors[i];
    tensors.add({std::to_string(i), t.name, dtype_name(t.dtype), t.shape.to_string(),
                 t.is_constant() ? std::to_string(t.data_bytes) : (t.is_variable ? "state" : "-"),
                 quant_text(t.quant)});
  }
  tensors.print(stdout);

  std::printf("\n");
  if (!prepared.ok()) {
    std::fprintf(stderr, "lowbit-inspect: %s: prepare failed: %s\n", path.c_str(),
                 prepared.to_string().c_str());
    return 1;
  }
  std::printf("kernel set: %s, threads: %d, profile: %s\n", interp.options().kernel.c_str(),
              interp.options().num_threads, requant_profile_name(interp.options().profile));
  std::printf("cpu features: %s\n", CpuFeatures::detect().to_string().c_str());
  std::printf("total MACs: %llu\n", static_cast<unsigned long long>(total_macs));
  std::printf("arena bytes: %zu\n", interp.arena_bytes());
  std::printf("packed-weight bytes: %zu\n", interp.packed_weight_bytes());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(
      "Prints the model's inputs, outputs, operators (with the kernel each would use\n"
      "under these options, and MACs), tensors and the memory plan.",
      "lowbit-inspect");
  setup_app(app, "usage: lowbit-inspect MODEL [--kernel NAME] [--threads N]   (.lbm or .tflite)");
  std::string path;
  InterpreterOptions options;
  app.add_option("MODEL", path, "the model: .lbm or .tflite (told apart by content)")
      ->type_name("");
  app.add_option("--kernel", options.kernel,
                 "kernel set: auto, reference or an ISA name (default: $LOWBIT_KERNEL or auto)")
      ->type_name("NAME");
  add_float_kernels_option(app, &options.float_kernels);
  add_float_precision_option(app, &options.float_precision);
  app.add_option("--threads", options.num_threads, "worker threads (default 1)")
      ->check(integer_in(1, 1024, "a number in [1, 1024]"))
      ->type_name("N");
  const int exit_code = parse_command_line(app, argc, argv);
  if (exit_code >= 0) return exit_code;
  if (path.empty()) return usage_error(app, "no model file given");
  return inspect(path, options);
}
