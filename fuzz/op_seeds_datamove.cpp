// Seeds of the data movement, resampling, detection and math operators
// (ops.def values 23-53), with option variants: masks, negative axes,
// align_corners / half_pixel_centers, regular and fast NMS.
#include "op_seeds.h"

namespace lowbit::fuzz_seeds {
namespace {

// An elementwise operator of two inputs.
void binary(ModelBuilder& b, OpType type, DType dtype, Shape a, Shape c, Shape out) {
  if (type == OpType::kSub || type == OpType::kDiv) {
    single(b, type, {{dtype, a}, {dtype, c}}, {{dtype, out}},
           ElementwiseOptions{Activation::kRelu6});
  } else {
    single(b, type, {{dtype, a}, {dtype, c}}, {{dtype, out}}, NoOptions{});
  }
}

StridedSliceOptions strided_slice(std::vector<int32_t> begin, std::vector<int32_t> end,
                                  std::vector<int32_t> strides, int32_t begin_mask,
                                  int32_t end_mask, int32_t shrink, int32_t new_axis,
                                  int32_t ellipsis) {
  StridedSliceOptions o;
  o.begin = std::move(begin);
  o.end = std::move(end);
  o.strides = std::move(strides);
  o.begin_mask = begin_mask;
  o.end_mask = end_mask;
  o.shrink_axis_mask = shrink;
  o.new_axis_mask = new_axis;
  o.ellipsis_mask = ellipsis;
  return o;
}

DetectionPostprocessOptions detection(bool regular) {
  DetectionPostprocessOptions o;
  o.max_detections = 3;
  o.max_classes_per_detection = regular ? 1 : 2;
  o.detections_per_class = 2;
  o.use_regular_nms = regular;
  o.nms_score_threshold = 0.1f;
  o.nms_iou_threshold = 0.5f;
  o.num_classes = 2;
  o.y_scale = o.x_scale = 10.0f;
  o.h_scale = o.w_scale = 5.0f;
  return o;
}

void detection_graph(ModelBuilder& b, bool regular) {
  const int boxes = tensor(b, "boxes", DType::kFloat32, {1, 4, 4});
  const int scores = tensor(b, "scores", DType::kFloat32, {1, 4, 3});
  const std::vector<float> anchor_values = {0.1f, 0.1f, 0.2f, 0.2f, 0.5f, 0.5f, 0.3f, 0.3f,
                                            0.8f, 0.2f, 0.1f, 0.4f, 0.4f, 0.7f, 0.6f, 0.2f};
  const int anchors = b.add_constant("anchors", DType::kFloat32, {4, 4}, anchor_values);
  const DetectionPostprocessOptions o = detection(regular);
  const int slots = o.max_detections * o.max_classes_per_detection;
  std::vector<int> outputs = {tensor(b, "boxes_out", DType::kFloat32, {1, slots, 4}),
                              tensor(b, "classes", DType::kFloat32, {1, slots}),
                              tensor(b, "scores_out", DType::kFloat32, {1, slots}),
                              tensor(b, "count", DType::kFloat32, {1})};
  b.add_operator(OpType::kDetectionPostprocess, {boxes, scores, anchors}, outputs, o);
  b.set_inputs({boxes, scores});
  b.set_outputs(outputs);
}

// GATHER / GATHER_ND with constant indices (one out of range for the
// fuzzer's mutations to find the runtime's bound check).
void gather_graph(ModelBuilder& b, bool nd) {
  const int params = tensor(b, "params", DType::kFloat32, {4, 3});
  const int indices = nd ? b.add_constant("indices", DType::kInt32, {2, 1},
                                          std::vector<int32_t>{3, 0})
                         : b.add_constant("indices", DType::kInt64, {2},
                                          std::vector<int64_t>{3, 0});
  const int out = tensor(b, "out", DType::kFloat32, {2, 3});
  if (nd) {
    b.add_operator(OpType::kGatherNd, {params, indices}, {out}, NoOptions{});
  } else {
    b.add_operator(OpType::kGather, {params, indices}, {out}, GatherOptions{0, 0});
  }
  b.set_inputs({params});
  b.set_outputs({out});
}

}  // namespace

std::vector<OpSeed> datamove_seeds() {
  const DType f32 = DType::kFloat32, s8 = DType::kInt8, u8 = DType::kUInt8, i32 = DType::kInt32,
              i64 = DType::kInt64, b8 = DType::kBool;
  return {
      {"sub_int8_broadcast", [=](ModelBuilder& b) { binary(b, OpType::kSub, s8, {2, 3}, {3}, {2, 3}); }},
      {"transpose_nchw_to_nhwc",
       [=](ModelBuilder& b) {
         single(b, OpType::kTranspose, {{s8, {1, 4, 3, 5}}}, {{s8, {1, 3, 5, 4}}},
                TransposeOptions{{0, 2, 3, 1}});
       }},
      {"transpose_2d_float",
       [=](ModelBuilder& b) {
         single(b, OpType::kTranspose, {{f32, {17, 18}}}, {{f32, {18, 17}}},
                TransposeOptions{{1, 0}});
       }},
      {"slice",
       [=](ModelBuilder& b) {
         single(b, OpType::kSlice, {{f32, {3, 4}}}, {{f32, {2, 4}}}, SliceOptions{{1, 0}, {2, -1}});
       }},
      {"strided_slice_reversed",
       [=](ModelBuilder& b) {
         single(b, OpType::kStridedSlice, {{s8, {4, 6}}}, {{s8, {2, 3}}},
                strided_slice({0, 5}, {4, 0}, {2, -2}, 0, 0, 0, 0, 0));
       }},
      {"strided_slice_masks",
       [=](ModelBuilder& b) {
         single(b, OpType::kStridedSlice, {{u8, {2, 3, 4}}}, {{u8, {3, 1, 4}}},
                strided_slice({1, 0, 0}, {2, 0, 0}, {1, 1, 1}, 0, 2, 1, 4, 0));
       }},
      {"strided_slice_int16_reversed",
       [=](ModelBuilder& b) {
         single(b, OpType::kStridedSlice, {{DType::kInt16, {4, 6}}}, {{DType::kInt16, {2, 3}}},
                strided_slice({0, 5}, {4, 0}, {2, -2}, 0, 0, 0, 0, 0));
       }},
      {"split",
       [=](ModelBuilder& b) {
         single(b, OpType::kSplit, {{f32, {4, 6}}}, {{f32, {4, 2}}, {f32, {4, 2}}, {f32, {4, 2}}},
                SplitOptions{1, {}});
       }},
      {"split_v",
       [=](ModelBuilder& b) {
         single(b, OpType::kSplitV, {{s8, {4, 6}}}, {{s8, {4, 1}}, {s8, {4, 3}}, {s8, {4, 2}}},
                SplitOptions{-1, {1, -1, 2}});
       }},
      {"pack",
       [=](ModelBuilder& b) {
         single(b, OpType::kPack, {{i32, {2, 3}}, {i32, {2, 3}}}, {{i32, {2, 2, 3}}}, AxisOptions{1});
       }},
      {"unpack",
       [=](ModelBuilder& b) {
         single(b, OpType::kUnpack, {{f32, {2, 3}}}, {{f32, {3}}, {f32, {3}}}, AxisOptions{0});
       }},
      {"squeeze",
       [=](ModelBuilder& b) {
         single(b, OpType::kSqueeze, {{u8, {1, 3, 1, 2}}}, {{u8, {3, 2}}}, SqueezeOptions{{0, 2}});
       }},
      {"expand_dims",
       [=](ModelBuilder& b) {
         single(b, OpType::kExpandDims, {{i64, {2, 3}}}, {{i64, {2, 3, 1}}}, AxisOptions{-1});
       }},
      {"gather", [](ModelBuilder& b) { gather_graph(b, false); }},
      {"gather_nd", [](ModelBuilder& b) { gather_graph(b, true); }},
      {"tile",
       [=](ModelBuilder& b) {
         single(b, OpType::kTile, {{b8, {2, 3}}}, {{b8, {4, 3}}}, TileOptions{{2, 1}});
       }},
      {"depth_to_space",
       [=](ModelBuilder& b) {
         single(b, OpType::kDepthToSpace, {{s8, {1, 2, 2, 8}}}, {{s8, {1, 4, 4, 2}}},
                BlockSizeOptions{2});
       }},
      {"space_to_depth",
       [=](ModelBuilder& b) {
         single(b, OpType::kSpaceToDepth, {{f32, {1, 4, 4, 2}}}, {{f32, {1, 2, 2, 8}}},
                BlockSizeOptions{2});
       }},
      {"resize_bilinear_uint8_align_corners",
       [=](ModelBuilder& b) {
         single(b, OpType::kResizeBilinear, {{u8, {1, 3, 3, 5}}}, {{u8, {1, 5, 7, 5}}},
                ResizeOptions{5, 7, true, false});
       }},
      {"resize_bilinear_int8_half_pixel",
       [=](ModelBuilder& b) {
         single(b, OpType::kResizeBilinear, {{s8, {1, 3, 4, 9}}}, {{s8, {1, 6, 2, 9}}},
                ResizeOptions{6, 2, false, true});
       }},
      {"resize_bilinear_float",
       [=](ModelBuilder& b) {
         single(b, OpType::kResizeBilinear, {{f32, {2, 2, 3, 3}}}, {{f32, {2, 4, 4, 3}}},
                ResizeOptions{4, 4, false, false});
       }},
      {"resize_nearest_half_pixel",
       [=](ModelBuilder& b) {
         single(b, OpType::kResizeNearestNeighbor, {{s8, {1, 3, 3, 2}}}, {{s8, {1, 6, 4, 2}}},
                ResizeOptions{6, 4, false, true});
       }},
      {"resize_nearest_align_corners",
       [=](ModelBuilder& b) {
         single(b, OpType::kResizeNearestNeighbor, {{f32, {1, 4, 3, 1}}}, {{f32, {1, 2, 5, 1}}},
                ResizeOptions{2, 5, true, false});
       }},
      {"detection_postprocess_fast", [](ModelBuilder& b) { detection_graph(b, false); }},
      {"detection_postprocess_regular", [](ModelBuilder& b) { detection_graph(b, true); }},
      {"arg_max_uint8_channels",
       [=](ModelBuilder& b) {
         single(b, OpType::kArgMax, {{u8, {1, 3, 3, 21}}}, {{i64, {1, 3, 3}}}, AxisOptions{3});
       }},
      {"arg_min_float_axis0",
       [=](ModelBuilder& b) {
         single(b, OpType::kArgMin, {{f32, {2, 5}}}, {{i32, {5}}}, AxisOptions{-2});
       }},
      {"cast_int32_to_float", [=](ModelBuilder& b) {
         single(b, OpType::kCast, {{i32, {4}}}, {{f32, {4}}}, NoOptions{});
       }},
      {"cast_float_to_uint8", [=](ModelBuilder& b) {
         single(b, OpType::kCast, {{f32, {4}}}, {{u8, {4}}}, NoOptions{});
       }},
      {"div_float", [=](ModelBuilder& b) { binary(b, OpType::kDiv, f32, {2, 3}, {2, 1}, {2, 3}); }},
      {"floor_div_int32", [=](ModelBuilder& b) { binary(b, OpType::kFloorDiv, i32, {4}, {4}, {4}); }},
      {"floor_mod_int32", [=](ModelBuilder& b) { binary(b, OpType::kFloorMod, i32, {2, 2}, {2}, {2, 2}); }},
      {"sqrt_float", [=](ModelBuilder& b) { unary(b, OpType::kSqrt, f32, {5}); }},
      {"rsqrt_float", [=](ModelBuilder& b) { unary(b, OpType::kRsqrt, f32, {5}); }},
      {"maximum_int8", [=](ModelBuilder& b) { binary(b, OpType::kMaximum, s8, {2, 3}, {3}, {2, 3}); }},
      {"minimum_float", [=](ModelBuilder& b) { binary(b, OpType::kMinimum, f32, {1, 3}, {2, 1}, {2, 3}); }},
      {"abs_int32", [=](ModelBuilder& b) { unary(b, OpType::kAbs, i32, {6}); }},
      {"neg_float", [=](ModelBuilder& b) { unary(b, OpType::kNeg, f32, {6}); }},
      {"squared_difference_int32",
       [=](ModelBuilder& b) { binary(b, OpType::kSquaredDifference, i32, {2, 3}, {2, 3}, {2, 3}); }},
  };
}

}  // namespace lowbit::fuzz_seeds
