// STRIDED_SLICE with every TFLite mask bit (StridedSliceOptions; begin, end
// and strides are constants in TFLite, moved into options by the converter,
// see ops/data_movement_util.h).
//
// The spec (one entry per element of begin/end/strides) is first expanded
// against the input as TFLite does: the ellipsis entry covers the input
// dimensions the other entries leave, new_axis entries insert a size-1
// dimension, dimensions past the spec are taken whole. Each dimension then
// clamps begin/end like TFLite's StridedSliceStartForAxis/EndForAxis
// (negative values count from the end; masks take the whole range in the
// stride's direction; `offset` makes end relative to begin). A shrunk
// dimension takes the one element at begin (or the first one under
// begin_mask), which must lie inside the dimension (TFLite would read past it).
#include <string>

#include "ops/data_movement_util.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

bool bit(int32_t mask, int i) { return ((mask >> i) & 1) != 0; }

int64_t clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

// The iteration axes, and which of them the output keeps (not shrunk).
struct Geometry {
  std::vector<SliceAxis> axes;
  std::vector<bool> kept;
};

Status one_axis(const StridedSliceOptions& o, int spec, int64_t size, Geometry* g, int input_dim) {
  const int64_t stride = o.strides[spec];
  if (stride == 0) return invalid("strides[" + std::to_string(spec) + "] is 0");
  const bool shrink = bit(o.shrink_axis_mask, spec);
  int64_t begin = o.begin[spec];
  if (shrink) {
    // TFLite lets begin_mask pick the first element (in the stride's
    // direction) even on a shrunk axis; TensorFlow would ignore the mask.
    int64_t index = begin < 0 ? begin + size : begin;
    if (bit(o.begin_mask, spec)) index = stride > 0 ? 0 : size - 1;
    if (index < 0 || index >= size) {
      return invalid("begin[" + std::to_string(spec) + "] = " + std::to_string(begin) +
                     " shrinks a dimension of size " + std::to_string(size) +
                     " to an element outside it");
    }
    g->axes.push_back(SliceAxis{input_dim, index, 1, 1});
    g->kept.push_back(false);
    return Status::Ok();
  }
  if (begin < 0) begin += size;
  begin = stride > 0 ? clamp(begin, 0, size) : clamp(begin, -1, size - 1);
  if (bit(o.begin_mask, spec)) begin = stride > 0 ? 0 : size - 1;
  int64_t end = o.end[spec];
  if (o.offset) end += begin;
  if (end < 0) end += size;
  end = stride > 0 ? clamp(end, 0, size) : clamp(end, -1, size - 1);
  if (bit(o.end_mask, spec)) end = stride > 0 ? size : -1;
  const int64_t span = stride > 0 ? end - begin : begin - end;
  const int64_t step = stride > 0 ? stride : -stride;
  const int64_t count = span > 0 ? (span + step - 1) / step : 0;
  g->axes.push_back(SliceAxis{input_dim, count > 0 ? begin : 0, stride, count});
  g->kept.push_back(true);
  return Status::Ok();
}

Status geometry(const GraphDesc& graph, const OperatorDesc& op, Geometry* g) {
  const auto* opt = get_options<StridedSliceOptions>(op);
  if (!opt) return invalid("missing StridedSliceOptions");
  const StridedSliceOptions& o = *opt;
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  const int n = static_cast<int>(o.begin.size());
  if (o.end.size() != o.begin.size() || o.strides.size() != o.begin.size()) {
    return invalid("begin, end and strides have " + std::to_string(o.begin.size()) + ", " +
                   std::to_string(o.end.size()) + " and " + std::to_string(o.strides.size()) +
                   " entries; they must be equal");
  }
  if (n > kMaxRank) return invalid("begin has " + std::to_string(n) + " entries, more than " +
                                   std::to_string(kMaxRank));
  const int32_t spec_bits = n >= 31 ? -1 : (1 << n) - 1;
  const int32_t ellipsis = o.ellipsis_mask & spec_bits;
  if ((ellipsis & (ellipsis - 1)) != 0) return invalid("ellipsis_mask has more than one bit set");
  // Input dimensions the spec names explicitly (new axes and the ellipsis name none).
  int named = 0;
  for (int i = 0; i < n; ++i) {
    if (!bit(ellipsis, i) && !bit(o.new_axis_mask, i)) ++named;
  }
  if (named > in.rank) {
    return invalid("the spec names " + std::to_string(named) + " dimensions; " +
                   describe_input(graph, op, 0) + " has rank " + std::to_string(in.rank));
  }
  int input_dim = 0;
  for (int i = 0; i < n; ++i) {
    if (bit(ellipsis, i)) {
      for (int k = 0; k < in.rank - named; ++k, ++input_dim) {
        g->axes.push_back(SliceAxis{input_dim, 0, 1, in[input_dim]});
        g->kept.push_back(true);
      }
    } else if (bit(o.new_axis_mask, i)) {
      g->axes.push_back(SliceAxis{-1, 0, 1, 1});
      g->kept.push_back(true);
    } else {
      LOWBIT_RETURN_IF_ERROR(one_axis(o, i, in[input_dim], g, input_dim));
      ++input_dim;
    }
  }
  for (; input_dim < in.rank; ++input_dim) {
    g->axes.push_back(SliceAxis{input_dim, 0, 1, in[input_dim]});
    g->kept.push_back(true);
  }
  if (g->axes.size() > static_cast<size_t>(kMaxRank)) {
    return invalid("the slice has " + std::to_string(g->axes.size()) +
                   " dimensions with its new axes, more than " + std::to_string(kMaxRank));
  }
  return Status::Ok();
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_single_move(graph, op));
  Geometry g;
  LOWBIT_RETURN_IF_ERROR(geometry(graph, op, &g));
  Shape out;
  for (size_t d = 0; d < g.axes.size(); ++d) {
    if (g.kept[d]) out.dims[out.rank++] = static_cast<int32_t>(g.axes[d].count);
  }
  output_shapes[0] = out;
  return Status::Ok();
}

void plan(const GraphDesc& graph, const OperatorDesc& op, std::vector<PlannedMove>* moves) {
  Geometry g;
  (void)geometry(graph, op, &g);  // validated at load
  PlannedMove m;
  m.params = slice_copy(graph.tensors[op.inputs[0]].shape, g.axes);
  moves->push_back(m);
}

}  // namespace

LOWBIT_REGISTER_OP(StridedSlice, validate, create_moves<plan>)

}  // namespace lowbit
