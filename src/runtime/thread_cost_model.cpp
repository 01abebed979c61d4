#include "runtime/thread_cost_model.h"

#include <algorithm>

namespace lowbit {
namespace {

// lowbit's pool's round trip with its workers spinning
// (ThreadPool::measure_handoff_ns: a job of one empty chunk per worker, 2
// threads) took a median 0.6-0.8 us on a loaded 2-vCPU Xeon when the two
// threads had a CPU each; waking a sleeping worker costs the caller a futex
// wake and the worker about ten times the hand-off before it takes part. ARM
// cores are given more. A high value only keeps more operators serial.
#if defined(__x86_64__) || defined(_M_X64)
constexpr double kHandoffNs = 1000, kWakeNs = 10000;
#elif defined(__aarch64__)
constexpr double kHandoffNs = 2000, kWakeNs = 15000;
#else
constexpr double kHandoffNs = 5000, kWakeNs = 25000;
#endif

uint64_t elements(const TensorDesc& t) {
  const int64_t n = t.shape.num_elements();
  return n > 0 ? uint64_t(n) : 0;
}

const TensorDesc* input(const GraphDesc& graph, const OperatorDesc& op, size_t i) {
  return i < op.inputs.size() && op.inputs[i] >= 0 ? &graph.tensors[op.inputs[i]] : nullptr;
}

// Bytes of the tensor's dtype, bits counted as an eighth.
double element_bytes(DType dtype) {
  switch (dtype) {
    case DType::kInt8: case DType::kUInt8: case DType::kBool: return 1;
    case DType::kInt16: case DType::kFloat16: return 2;
    case DType::kInt64: return 8;
    case DType::kBit: return 0.125;
    case DType::kInt4: return 0.5;
    default: return 4;
  }
}

bool elementwise_binary(OpType type) {
  switch (type) {
    case OpType::kAdd: case OpType::kSub: case OpType::kMul: case OpType::kDiv:
    case OpType::kMaximum: case OpType::kMinimum: case OpType::kSquaredDifference:
    case OpType::kFloorDiv: case OpType::kFloorMod:
      return true;
    default:
      return false;
  }
}

bool recurrent(OpType type) {
  return type == OpType::kUnidirectionalSequenceLstm ||
         type == OpType::kBidirectionalSequenceLstm ||
         type == OpType::kUnidirectionalSequenceRnn || type == OpType::kSvdf;
}

}  // namespace

ThreadCostModel ThreadCostModel::for_build(bool reference_kernels) {
  ThreadCostModel model;
  model.handoff_ns = kHandoffNs;
  model.wake_ns = kWakeNs;
  if (reference_kernels) {
    model.int_macs_per_ns /= kReferenceSlowdown;
    model.float_macs_per_ns /= kReferenceSlowdown;
    model.bit_macs_per_ns /= kReferenceSlowdown;
    model.int_depthwise_macs_per_ns /= kReferenceSlowdown;
    model.int16_macs_per_ns /= kReferenceSlowdown;
    model.int_other_depthwise_macs_per_ns /= kReferenceSlowdown;
    model.float_depthwise_macs_per_ns /= kReferenceSlowdown;
    model.bytes_per_ns /= kReferenceSlowdown;
    model.broadcast_elements_per_ns /= kReferenceSlowdown;
  }
  return model;
}

OperatorWork ThreadCostModel::estimate(const GraphDesc& graph, int op_index) const {
  const OperatorDesc& op = graph.operators[op_index];
  double bytes = 0;
  for (int t : op.inputs) {
    if (t >= 0 && !graph.tensors[t].is_constant()) {
      bytes += double(elements(graph.tensors[t])) * element_bytes(graph.tensors[t].dtype);
    }
  }
  for (int t : op.outputs) {
    bytes += double(elements(graph.tensors[t])) * element_bytes(graph.tensors[t].dtype);
  }
  OperatorWork work;
  work.serial_ns = bytes / bytes_per_ns;
  const TensorDesc* in0 = input(graph, op, 0);
  const TensorDesc* weights = input(graph, op, 1);
  if (op.outputs.empty()) return work;
  const TensorDesc& out = graph.tensors[op.outputs[0]];
  double macs = 0;
  double macs_per_ns = int_macs_per_ns;
  switch (op.type) {
    case OpType::kConv2D:
    case OpType::kDepthwiseConv2D:
    case OpType::kFullyConnected:
    case OpType::kBConv2D:
    case OpType::kBFullyConnected: {
      // Weights [O, kh, kw, I] / [1, kh, kw, O] / [O, K]: MACs per output
      // element are the weight elements per output channel.
      if (weights == nullptr || out.shape.rank == 0) break;
      const bool depthwise = op.type == OpType::kDepthwiseConv2D;
      const int64_t channels = depthwise ? weights->shape[weights->shape.rank - 1] : weights->shape[0];
      macs = double(elements(out)) * double(elements(*weights)) / double(std::max<int64_t>(1, channels));
      const bool is_float = in0 != nullptr && in0->dtype == DType::kFloat32;
      if (op.type == OpType::kBConv2D || op.type == OpType::kBFullyConnected) {
        macs_per_ns = bit_macs_per_ns;
      } else if (depthwise) {
        // Weights [1, kh, kw, channels]: lowbit has fast kernels for 3x3 only.
        const bool three_by_three = weights->shape.rank == 4 && weights->shape[1] == 3 &&
                                    weights->shape[2] == 3;
        macs_per_ns = is_float         ? float_depthwise_macs_per_ns
                      : three_by_three ? int_depthwise_macs_per_ns
                                       : int_other_depthwise_macs_per_ns;
      } else if (is_float) {
        macs_per_ns = float_macs_per_ns;
      }
      if (in0 != nullptr && in0->dtype == DType::kInt16) macs_per_ns = int16_macs_per_ns;
      break;
    }
    case OpType::kTransposeConv: {
      // Inputs: output shape, weights [O, kh, kw, I], data: kh*kw*O per input element.
      const TensorDesc* data = input(graph, op, 2);
      if (weights == nullptr || data == nullptr || weights->shape.rank == 0) break;
      const int64_t in_channels = weights->shape[weights->shape.rank - 1];
      macs = double(elements(*data)) * double(elements(*weights)) / double(std::max<int64_t>(1, in_channels));
      if (data->dtype == DType::kFloat32) macs_per_ns = float_macs_per_ns;
      if (data->dtype == DType::kInt16) macs_per_ns = int16_macs_per_ns;
      break;
    }
    default:
      if (elementwise_binary(op.type)) {
        // A broadcast input (movenet's [48,48,1] - [1,17]) leaves the
        // vectorized path: time per output element, not per byte.
        for (int t : op.inputs) {
          if (t >= 0 && elements(graph.tensors[t]) != elements(out)) {
            work.serial_ns = std::max(work.serial_ns, double(elements(out)) / broadcast_elements_per_ns);
            break;
          }
        }
      }
      if (recurrent(op.type) && in0 != nullptr && in0->shape.rank > 0) {
        // One parallel_for per time step at most: every row of the input
        // (batch x time) is counted as a step, so the split pays for itself
        // per step, not per inference.
        double weight_elements = 0;
        for (int t : op.inputs) {
          if (t >= 0 && graph.tensors[t].is_constant()) weight_elements += double(elements(graph.tensors[t]));
        }
        const int64_t width = std::max<int32_t>(1, in0->shape[in0->shape.rank - 1]);
        const uint64_t rows = std::max<uint64_t>(1, elements(*in0) / uint64_t(width));
        macs = weight_elements * double(rows);
        work.parallel_calls = rows;
        if (in0->dtype == DType::kFloat32) macs_per_ns = float_macs_per_ns;
      }
      break;
  }
  work.macs = macs;
  work.serial_ns += macs / macs_per_ns;
  return work;
}

int ThreadCostModel::threads_for(const OperatorWork& work, int max_threads) const {
  if (max_threads <= 1) return 1;
  const double share_per_call =
      work.serial_ns / double(std::max<uint64_t>(1, work.parallel_calls)) / max_threads;
  return share_per_call >= kHandoffsPerShare * handoff_ns ? max_threads : 1;
}

std::vector<int> ThreadCostModel::plan(const GraphDesc& graph, int max_threads) const {
  std::vector<int> threads(graph.operators.size(), 1);
  if (max_threads <= 1) return threads;
  // What splitting saves against what it costs, summed over the split operators.
  double saved_ns = 0, handoffs_ns = 0;
  for (size_t i = 0; i < threads.size(); ++i) {
    const OperatorWork work = estimate(graph, static_cast<int>(i));
    threads[i] = threads_for(work, max_threads);
    if (threads[i] > 1) {
      saved_ns += work.serial_ns * (1.0 - 1.0 / max_threads);
      handoffs_ns += handoff_ns * double(work.parallel_calls);
    }
  }
  if (saved_ns - handoffs_ns < kWakeupsPerModel * wake_ns) std::fill(threads.begin(), threads.end(), 1);
  return threads;
}

}  // namespace lowbit
