#include "kernels/reference/data_movement.h"

#include <cstring>

namespace lowbit {
namespace ref {
namespace {

// One element of Size bytes; a fixed-size memcpy compiles to a plain move.
template <size_t Size>
inline void copy_element(const uint8_t* src, uint8_t* dst) {
  std::memcpy(dst, src, Size);
}

template <size_t Size>
void copy_strided_row(const uint8_t* src, int64_t src_stride, uint8_t* dst, int64_t dst_stride,
                      int64_t count) {
  for (int64_t i = 0; i < count; ++i) {
    copy_element<Size>(src + i * src_stride * int64_t{Size}, dst + i * dst_stride * int64_t{Size});
  }
}

void copy_row(size_t es, const uint8_t* src, int64_t src_stride, uint8_t* dst,
              int64_t dst_stride, int64_t count) {
  if (src_stride == 1 && dst_stride == 1) {
    std::memcpy(dst, src, static_cast<size_t>(count) * es);
    return;
  }
  switch (es) {
    case 1: copy_strided_row<1>(src, src_stride, dst, dst_stride, count); break;
    case 2: copy_strided_row<2>(src, src_stride, dst, dst_stride, count); break;
    case 4: copy_strided_row<4>(src, src_stride, dst, dst_stride, count); break;
    case 8: copy_strided_row<8>(src, src_stride, dst, dst_stride, count); break;
    default:
      for (int64_t i = 0; i < count; ++i) {
        std::memcpy(dst + i * dst_stride * int64_t(es), src + i * src_stride * int64_t(es), es);
      }
  }
}

// Element offsets of row `row` (an index of dims[0 .. rank-2]).
void row_offsets(const StridedCopyParams& p, size_t row, int64_t* in, int64_t* out) {
  *in = p.in_offset;
  *out = p.out_offset;
  for (int d = p.rank - 2; d >= 0; --d) {
    const int64_t i = static_cast<int64_t>(row % static_cast<size_t>(p.dims[d]));
    row /= static_cast<size_t>(p.dims[d]);
    *in += i * p.in_strides[d];
    *out += i * p.out_strides[d];
  }
}

}  // namespace

bool is_inner_transpose(const StridedCopyParams& p) {
  return p.rank >= 2 && p.in_strides[p.rank - 2] == 1 && p.out_strides[p.rank - 1] == 1 &&
         p.in_strides[p.rank - 1] != 1;
}

void transpose_block__reference(size_t element_size, const uint8_t* src, int64_t src_stride,
                                uint8_t* dst, int64_t dst_stride, int64_t rows, int64_t cols) {
  const int64_t es = static_cast<int64_t>(element_size);
  for (int64_t r = 0; r < rows; ++r) {
    // Consecutive rows read consecutive input elements (input stride 1).
    copy_row(element_size, src + r * es, src_stride, dst + r * dst_stride * es, 1, cols);
  }
}

void move_tiled(const StridedCopyParams& p, const void* input, void* output, size_t row_begin,
                size_t row_end, TransposeBlockFn block) {
  const auto* in = static_cast<const uint8_t*>(input);
  auto* out = static_cast<uint8_t*>(output);
  const int64_t rows_per_group = p.dims[p.rank - 2], cols = p.dims[p.rank - 1];
  const int64_t in_col = p.in_strides[p.rank - 1], out_row = p.out_strides[p.rank - 2];
  const int64_t es = static_cast<int64_t>(p.element_size);
  size_t row = row_begin;
  while (row < row_end) {
    // Rows of one tile share every outer index: stop at the group's end.
    const int64_t in_group = static_cast<int64_t>(row % static_cast<size_t>(rows_per_group));
    int64_t n = rows_per_group - in_group < kMoveTile ? rows_per_group - in_group : kMoveTile;
    if (static_cast<int64_t>(row_end - row) < n) n = static_cast<int64_t>(row_end - row);
    int64_t in_base = 0, out_base = 0;
    row_offsets(p, row, &in_base, &out_base);
    for (int64_t c0 = 0; c0 < cols; c0 += kMoveTile) {
      const int64_t c1 = c0 + kMoveTile < cols ? c0 + kMoveTile : cols;
      block(p.element_size, in + (in_base + c0 * in_col) * es, in_col,
            out + (out_base + c0) * es, out_row, n, c1 - c0);
    }
    row += static_cast<size_t>(n);
  }
}

void move_strided_tiled(const StridedCopyParams& p, const void* input, void* output,
                        size_t row_begin, size_t row_end, TransposeBlockFn block) {
  if (is_inner_transpose(p)) {
    move_tiled(p, input, output, row_begin, row_end, block);
  } else {
    move_strided__reference(p, input, output, row_begin, row_end);
  }
}

size_t simplify_strided_copy(StridedCopyParams* p) {
  // Drop size-1 dimensions (they contribute nothing to any offset).
  int rank = 0;
  for (int d = 0; d < p->rank; ++d) {
    if (p->dims[d] == 1) continue;
    p->dims[rank] = p->dims[d];
    p->in_strides[rank] = p->in_strides[d];
    p->out_strides[rank] = p->out_strides[d];
    ++rank;
  }
  if (rank == 0) {
    p->dims[0] = 1;
    p->in_strides[0] = p->out_strides[0] = 1;
    rank = 1;
  }
  // Merge d into d-1 when stepping d-1 once equals stepping d dims[d] times.
  int merged = 0;
  for (int d = 1; d < rank; ++d) {
    const bool contiguous = p->in_strides[merged] == p->in_strides[d] * p->dims[d] &&
                            p->out_strides[merged] == p->out_strides[d] * p->dims[d];
    if (contiguous) {
      p->dims[merged] *= p->dims[d];
      p->in_strides[merged] = p->in_strides[d];
      p->out_strides[merged] = p->out_strides[d];
    } else {
      ++merged;
      p->dims[merged] = p->dims[d];
      p->in_strides[merged] = p->in_strides[d];
      p->out_strides[merged] = p->out_strides[d];
    }
  }
  p->rank = merged + 1;
  size_t rows = 1;
  for (int d = 0; d + 1 < p->rank; ++d) rows *= static_cast<size_t>(p->dims[d]);
  for (int d = 0; d < p->rank; ++d) {
    if (p->dims[d] == 0) return 0;
  }
  return rows;
}

void move_strided__reference(const StridedCopyParams& p, const void* input, void* output,
                             size_t row_begin, size_t row_end) {
  const auto* in = static_cast<const uint8_t*>(input);
  auto* out = static_cast<uint8_t*>(output);
  if (is_inner_transpose(p)) {
    move_tiled(p, input, output, row_begin, row_end, transpose_block__reference);
    return;
  }
  const int inner = p.rank - 1;
  const int64_t es = static_cast<int64_t>(p.element_size);
  for (size_t row = row_begin; row < row_end; ++row) {
    int64_t in_off = 0, out_off = 0;
    row_offsets(p, row, &in_off, &out_off);
    copy_row(p.element_size, in + in_off * es, p.in_strides[inner], out + out_off * es,
             p.out_strides[inner], p.dims[inner]);
  }
}

int64_t move_gather__reference(const GatherParams& p, const void* values, const void* indices,
                               void* output) {
  const int64_t count = p.batch * p.num_indices;
  const auto* idx32 = static_cast<const int32_t*>(indices);
  const auto* idx64 = static_cast<const int64_t*>(indices);
  auto index_at = [&](int64_t i) { return p.indices_int64 ? idx64[i] : int64_t{idx32[i]}; };
  for (int64_t i = 0; i < count; ++i) {
    const int64_t v = index_at(i);
    if (v < 0 || v >= p.axis_size) return i;
  }
  const size_t block = static_cast<size_t>(p.inner) * p.element_size;
  const auto* src = static_cast<const uint8_t*>(values);
  auto* dst = static_cast<uint8_t*>(output);
  for (int64_t b = 0; b < p.batch; ++b) {
    for (int64_t o = 0; o < p.outer; ++o) {
      const uint8_t* slab = src + static_cast<size_t>((b * p.outer + o) * p.axis_size) * block;
      for (int64_t k = 0; k < p.num_indices; ++k) {
        std::memcpy(dst, slab + static_cast<size_t>(index_at(b * p.num_indices + k)) * block, block);
        dst += block;
      }
    }
  }
  return -1;
}

}  // namespace ref
}  // namespace lowbit
