// Data movement kernels that never look at element values: TRANSPOSE, SLICE,
// STRIDED_SLICE, SPLIT(_V), PACK, UNPACK, TILE, DEPTH_TO_SPACE and
// SPACE_TO_DEPTH are all one strided copy (per input or output); GATHER reads
// its positions from an index tensor.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace ref {

// TILE needs two iteration dimensions per tensor dimension.
constexpr int kMoveMaxRank = 16;

// For every index i of `dims`, copies the element at input offset
// in_offset + sum(i[d] * in_strides[d]) to output offset out_offset +
// sum(i[d] * out_strides[d]). Offsets and strides count elements; input
// strides may be zero (TILE) or negative (reversed STRIDED_SLICE). A row is
// an index of dims[0 .. rank-2]; rank >= 1.
struct StridedCopyParams {
  int rank = 1;
  size_t element_size = 1;
  int64_t dims[kMoveMaxRank] = {};
  int64_t in_strides[kMoveMaxRank] = {};
  int64_t out_strides[kMoveMaxRank] = {};
  int64_t in_offset = 0;
  int64_t out_offset = 0;
};

// Drops size-1 dimensions and merges neighbours that are contiguous in both
// tensors, so a copy that keeps whole rows becomes one memcpy per row.
// Returns the number of rows.
size_t simplify_strided_copy(StridedCopyParams* params);

// Copies rows [row_begin, row_end).
using StridedCopyFn = void (*)(const StridedCopyParams& params, const void* input, void* output,
                               size_t row_begin, size_t row_end);
void move_strided__reference(const StridedCopyParams& params, const void* input, void* output,
                             size_t row_begin, size_t row_end);

// The copies SIMD variants speed up: the two innermost dimensions swap which
// tensor is contiguous (NCHW <-> NHWC, 2-D transposes), input stride 1 along
// the rows, output stride 1 along the columns.
bool is_inner_transpose(const StridedCopyParams& params);

// Square tiles of the blocked transpose: 16 rows of 16 elements stay in L1 on
// both sides whatever the element size.
constexpr int64_t kMoveTile = 16;

// Copies a block of `rows` x `cols` elements (each <= kMoveTile) of
// element_size bytes: element (r, c) from src[r + c * src_stride] to
// dst[r * dst_stride + c], strides in elements. A variant's block function
// transposes whole tiles of the sizes it knows in registers and hands the
// rest to transpose_block__reference.
using TransposeBlockFn = void (*)(size_t element_size, const uint8_t* src, int64_t src_stride,
                                  uint8_t* dst, int64_t dst_stride, int64_t rows, int64_t cols);
void transpose_block__reference(size_t element_size, const uint8_t* src, int64_t src_stride,
                                uint8_t* dst, int64_t dst_stride, int64_t rows, int64_t cols);

// Rows [row_begin, row_end) of an inner transpose, tile by tile through
// `block`: the loop every variant shares.
void move_tiled(const StridedCopyParams& params, const void* input, void* output,
                size_t row_begin, size_t row_end, TransposeBlockFn block);

// A SIMD variant's strided copy: inner transposes through move_tiled with its
// `block`, every other copy the reference's.
void move_strided_tiled(const StridedCopyParams& params, const void* input, void* output,
                        size_t row_begin, size_t row_end, TransposeBlockFn block);

// A SIMD variant's block function, given its register transposes: a whole
// 16x16 tile of 1-byte elements through bytes(src, src_stride, dst,
// dst_stride), of 4-byte elements through words(...) on each of its
// WordBlock x WordBlock sub-blocks (strides in elements); anything else
// through the reference.
template <int64_t WordBlock, typename Bytes, typename Words>
void transpose_whole_tiles(size_t element_size, const uint8_t* src, int64_t src_stride,
                           uint8_t* dst, int64_t dst_stride, int64_t rows, int64_t cols,
                           Bytes bytes, Words words) {
  const bool whole = rows == kMoveTile && cols == kMoveTile;
  if (whole && element_size == 1) {
    // Tile element (r, c) is src[r + c * src_stride]: the 16 loads are
    // columns, so a register transpose hands back output rows.
    bytes(src, src_stride, dst, dst_stride);
  } else if (whole && element_size == 4) {
    for (int64_t r = 0; r < kMoveTile; r += WordBlock) {
      for (int64_t c = 0; c < kMoveTile; c += WordBlock) {
        words(src + 4 * (r + c * src_stride), src_stride, dst + 4 * (r * dst_stride + c),
              dst_stride);
      }
    }
  } else {
    transpose_block__reference(element_size, src, src_stride, dst, dst_stride, rows, cols);
  }
}

// GATHER as [batch, outer, axis_size, inner] params and [batch, num_indices]
// indices (int32 or int64): output [batch, outer, num_indices, inner].
struct GatherParams {
  size_t element_size = 1;
  bool indices_int64 = false;
  int64_t batch = 1, outer = 1, axis_size = 0, inner = 1, num_indices = 0;
};

// Checks every index first and writes nothing when one is outside
// [0, axis_size): returns the flat position of the first such index, or -1
// when all were in range and the output is written.
using GatherFn = int64_t (*)(const GatherParams& params, const void* values, const void* indices,
                             void* output);
int64_t move_gather__reference(const GatherParams& params, const void* values,
                               const void* indices, void* output);

}  // namespace ref
}  // namespace lowbit
