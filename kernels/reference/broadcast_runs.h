// A NumPy broadcast of two inputs onto an output as runs for the binary
// elementwise kernels (kernels/reference/qs8_elementwise.h): the output is
// rows of `inner` elements, within a row each input advances by its inner
// stride (0 = broadcast, 1 = contiguous). Adjacent dimensions with the same
// broadcast pattern are merged, so equal shapes become one long row and a
// per-channel operand becomes rows of the channel count. Pure arithmetic on
// fixed arrays: the hosted operators (src/ops/add_elementwise_util.h) and
// the firmware's (src/micro/ops/) share it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace ref {

class BroadcastRuns {
 public:
  static constexpr int kMaxRank = 8;

  BroadcastRuns() = default;
  // Shapes as dims[rank], each rank at most kMaxRank; `out` must be the
  // broadcast of a and b (the caller checks rows() * inner() against it).
  BroadcastRuns(const int32_t* a, int a_rank, const int32_t* b, int b_rank, const int32_t* out,
                int out_rank) {
    // Per output dimension, innermost first: size and the element stride of
    // each input (0 when that input is broadcast along it). Size-1
    // dimensions are dropped.
    int64_t tmp_dims[kMaxRank], tmp_a[kMaxRank], tmp_b[kMaxRank];
    int count = 0;
    int64_t stride_a = 1, stride_b = 1;
    int64_t total = 1;
    for (int d = out_rank - 1; d >= 0; --d) {
      const int da = d - (out_rank - a_rank), db = d - (out_rank - b_rank);
      const int64_t xa = da >= 0 ? a[da] : 1;
      const int64_t xb = db >= 0 ? b[db] : 1;
      const int64_t size = out[d];
      total *= size;
      if (size != 1) {
        tmp_dims[count] = size;
        tmp_a[count] = xa == 1 ? 0 : stride_a;
        tmp_b[count] = xb == 1 ? 0 : stride_b;
        ++count;
      }
      stride_a *= xa;
      stride_b *= xb;
    }
    if (total == 0) return;  // rows_ = 0: nothing to do
    // Merge a dimension into the previous (inner) one when both inputs
    // continue contiguously (or stay broadcast).
    int64_t dims[kMaxRank], sa[kMaxRank], sb[kMaxRank];
    int n = 0;
    for (int i = 0; i < count; ++i) {
      if (n > 0) {
        const int j = n - 1;
        const bool a_merges = (sa[j] == 0 && tmp_a[i] == 0) ||
                              (sa[j] != 0 && tmp_a[i] == sa[j] * dims[j]);
        const bool b_merges = (sb[j] == 0 && tmp_b[i] == 0) ||
                              (sb[j] != 0 && tmp_b[i] == sb[j] * dims[j]);
        if (a_merges && b_merges) {
          dims[j] *= tmp_dims[i];
          continue;
        }
      }
      dims[n] = tmp_dims[i];
      sa[n] = tmp_a[i];
      sb[n] = tmp_b[i];
      ++n;
    }
    if (n == 0) {
      dims[0] = 1;
      sa[0] = sb[0] = 0;
      n = 1;
    }
    inner_ = static_cast<size_t>(dims[0]);
    a_inner_stride_ = static_cast<size_t>(sa[0]);
    b_inner_stride_ = static_cast<size_t>(sb[0]);
    // Outer dimensions, stored innermost first.
    outer_rank_ = n - 1;
    rows_ = 1;
    for (int i = 1; i < n; ++i) {
      outer_dims_[i - 1] = dims[i];
      a_strides_[i - 1] = sa[i];
      b_strides_[i - 1] = sb[i];
      rows_ *= static_cast<size_t>(dims[i]);
    }
  }

  size_t rows() const { return rows_; }
  size_t inner() const { return inner_; }
  size_t a_inner_stride() const { return a_inner_stride_; }
  size_t b_inner_stride() const { return b_inner_stride_; }

  // Element offsets of the first element of output row `row` in a and b.
  void row_offsets(size_t row, size_t* a_offset, size_t* b_offset) const {
    int64_t remaining = static_cast<int64_t>(row);
    int64_t a = 0, b = 0;
    for (int i = 0; i < outer_rank_; ++i) {
      const int64_t index = remaining % outer_dims_[i];
      remaining /= outer_dims_[i];
      a += index * a_strides_[i];
      b += index * b_strides_[i];
    }
    *a_offset = static_cast<size_t>(a);
    *b_offset = static_cast<size_t>(b);
  }

 private:
  int outer_rank_ = 0;
  int64_t outer_dims_[kMaxRank] = {};
  int64_t a_strides_[kMaxRank] = {};
  int64_t b_strides_[kMaxRank] = {};
  size_t rows_ = 0, inner_ = 0;
  size_t a_inner_stride_ = 0, b_inner_stride_ = 0;
};

}  // namespace ref
}  // namespace lowbit
