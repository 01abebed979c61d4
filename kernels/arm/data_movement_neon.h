// TRANSPOSE's inner transposes (NCHW <-> NHWC, 2-D) with NEON, one source for
// aarch64 (data_movement_neon.cpp) and 32-bit ARM (data_movement_armv7neon.cpp):
// whole 16x16 tiles of 1-byte elements as four rounds of byte zips, of 4-byte
// elements as sixteen 4x4 register transposes; partial tiles, other element
// sizes and every other copy are the reference's (kernels/reference/
// data_movement.h), so bytes are identical by construction.
#pragma once

#include <arm_neon.h>

#include "kernels/data_movement.h"

namespace lowbit {
namespace move_neon {
namespace {

// Rows of `Lanes` lanes: zipping row i with row i + Lanes / 2 rotates each
// element's (row, column) address left by one bit; log2(Lanes) rounds swap
// row and column.
template <int Lanes, typename Vec, typename Zip>
void zip_transpose(Vec* a, Zip zip) {
  Vec b[Lanes];
  for (int bit = 1; bit < Lanes; bit *= 2) {
    for (int i = 0; i < Lanes / 2; ++i) {
      const auto pair = zip(a[i], a[i + Lanes / 2]);
      b[2 * i] = pair.val[0];
      b[2 * i + 1] = pair.val[1];
    }
    for (int i = 0; i < Lanes; ++i) a[i] = b[i];
  }
}

void transpose_16x16_bytes(const uint8_t* src, int64_t src_stride, uint8_t* dst,
                           int64_t dst_stride) {
  uint8x16_t a[16];
  for (int i = 0; i < 16; ++i) a[i] = vld1q_u8(src + i * src_stride);
  zip_transpose<16>(a, [](uint8x16_t x, uint8x16_t y) { return vzipq_u8(x, y); });
  for (int i = 0; i < 16; ++i) vst1q_u8(dst + i * dst_stride, a[i]);
}

// 4x4 4-byte elements, strides in elements; loaded as bytes so no pointer
// needs 4-byte alignment.
void transpose_4x4_words(const uint8_t* src, int64_t src_stride, uint8_t* dst,
                         int64_t dst_stride) {
  uint32x4_t a[4];
  for (int i = 0; i < 4; ++i) a[i] = vreinterpretq_u32_u8(vld1q_u8(src + 4 * i * src_stride));
  zip_transpose<4>(a, [](uint32x4_t x, uint32x4_t y) { return vzipq_u32(x, y); });
  for (int i = 0; i < 4; ++i) vst1q_u8(dst + 4 * i * dst_stride, vreinterpretq_u8_u32(a[i]));
}

void transpose_block(size_t element_size, const uint8_t* src, int64_t src_stride, uint8_t* dst,
                     int64_t dst_stride, int64_t rows, int64_t cols) {
  ref::transpose_whole_tiles<4>(element_size, src, src_stride, dst, dst_stride, rows, cols,
                                transpose_16x16_bytes, transpose_4x4_words);
}

}  // namespace
}  // namespace move_neon
}  // namespace lowbit

// Defines move_strided__<isa> in the one file per ISA that includes this.
#define LOWBIT_DEFINE_MOVE_STRIDED_NEON(isa)                                                  \
  void lowbit::move_strided__##isa(const ref::StridedCopyParams& p, const void* input,        \
                                   void* output, size_t row_begin, size_t row_end) {          \
    ref::move_strided_tiled(p, input, output, row_begin, row_end, move_neon::transpose_block); \
  }
