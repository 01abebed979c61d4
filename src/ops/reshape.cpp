// RESHAPE: the same elements under a new shape, copied byte for byte. The
// shape comes from ReshapeOptions::new_shape (at most one -1, inferred), else
// from a constant int32 shape input, else it is the declared output shape.
#include <memory>
#include <string>
#include <vector>

#include "kernels/copy.h"
#include "ops/add_elementwise_util.h"
#include "ops/op_util.h"
#include "ops/pad_copy_util.h"

namespace lowbit {
namespace {

Status requested_shape(const GraphDesc& graph, const OperatorDesc& op,
                       std::vector<int32_t>* shape, bool* from_output) {
  const auto* opt = get_options<ReshapeOptions>(op);
  *from_output = false;
  if (opt && !opt->new_shape.empty()) {
    *shape = opt->new_shape;
    return Status::Ok();
  }
  if (op.inputs.size() > 1 && op.inputs[1] != kAbsentInput) {
    const TensorDesc& t = graph.tensors[op.inputs[1]];
    LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 1, {DType::kInt32}));
    LOWBIT_RETURN_IF_ERROR(check_constant(graph, op, 1));
    if (t.shape.rank > 1) return invalid(describe_input(graph, op, 1) + " must be a 1-D shape");
    const size_t n = static_cast<size_t>(t.shape.num_elements());
    if (t.data_bytes != n * sizeof(int32_t)) {
      return invalid(describe_input(graph, op, 1) + " data size does not match its shape");
    }
    shape->resize(n);
    for (size_t i = 0; i < n; ++i) {
      (*shape)[i] = static_cast<const int32_t*>(t.data)[i];
    }
    if (n > 0) return Status::Ok();
  }
  *shape = graph.tensors[op.outputs[0]].shape.to_vector();
  *from_output = true;
  return Status::Ok();
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 2, 1));
  LOWBIT_RETURN_IF_ERROR(check_byte_addressable(graph, op, true, 0));
  const TensorDesc& in = graph.tensors[op.inputs[0]];
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {in.dtype}));
  LOWBIT_RETURN_IF_ERROR(check_same_quantization(graph, op, 0));
  std::vector<int32_t> dims;
  bool from_output = false;
  LOWBIT_RETURN_IF_ERROR(requested_shape(graph, op, &dims, &from_output));
  const char* source = from_output ? "declared output shape" : "new_shape";
  if (dims.size() > size_t(kMaxRank)) {
    return invalid(std::string(source) + " has rank " + std::to_string(dims.size()) +
                   ", more than " + std::to_string(kMaxRank));
  }
  int unknown = -1;
  int64_t known = 1;
  for (size_t d = 0; d < dims.size(); ++d) {
    if (dims[d] == -1 && unknown < 0) {
      unknown = static_cast<int>(d);
    } else if (dims[d] < 0) {
      return invalid(std::string(source) + " " + Shape::from_vector(dims).to_string() +
                     " may hold one -1 and otherwise sizes >= 0");
    } else {
      known *= dims[d];
      if (known > (int64_t{1} << 40)) return invalid(std::string(source) + " is too large");
    }
  }
  const int64_t count = in.shape.num_elements();
  if (unknown >= 0) {
    if (known == 0 || count % known != 0) {
      return invalid(describe_input(graph, op, 0) + " with " + std::to_string(count) +
                     " elements cannot be reshaped to " + Shape::from_vector(dims).to_string());
    }
    dims[unknown] = static_cast<int32_t>(count / known);
    known = count;
  }
  if (known != count) {
    return invalid(describe_input(graph, op, 0) + " shape " + in.shape.to_string() + " (" +
                   std::to_string(count) + " elements) does not match " + source + " " +
                   Shape::from_vector(dims).to_string() + " (" + std::to_string(known) +
                   " elements)");
  }
  output_shapes[0] = Shape::from_vector(dims);
  return Status::Ok();
}

class Reshape : public VariantKernel<ref::CopyFn> {
 public:
  Status prepare(PrepareContext& ctx) override {
    LOWBIT_RETURN_IF_ERROR(check_same_element_count(ctx));
    bytes_ = static_cast<size_t>(ctx.input(0).shape.num_elements()) *
             element_bytes(ctx.input(0).dtype);
    select(ctx, copy_bytes_variants());
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const void* in = ctx.input(0);
    void* out = ctx.output(0);
    if (in == out) return Status::Ok();
    parallel_blocks(ctx.pool(), bytes_, 64 * kElementwiseBlock,
                    [&](size_t begin, size_t end) { fn_(in, out, begin, end); });
    return Status::Ok();
  }

 private:
  size_t bytes_ = 0;
};

}  // namespace

LOWBIT_REGISTER_OP(Reshape, validate, create_kernel<Reshape>)

}  // namespace lowbit
