// SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND on [N, H, W, C] tensors (3-D ones
// with W = 1), as TFLite's reference kernels lay the blocks out: batch entry
// (sh * block_w + sw) * N + n of the batch side holds the pixels (h, w) of
// space-side image n with h % block_h == sh and w % block_w == sw, shifted by
// the padding (or crop) before. Padding is filled with one byte value (the
// output zero point of int8/uint8, else 0).
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace ref {

struct SpaceBatchParams {
  bool to_batch = true;  // SPACE_TO_BATCH_ND; false: BATCH_TO_SPACE_ND
  size_t element_size = 1;
  int64_t batch = 1, channels = 1;  // the space side's batch N; C on both sides
  int64_t out_batch = 1, out_height = 1, out_width = 1;    // the output
  int64_t in_height = 1, in_width = 1;                    // the input
  int64_t block_h = 1, block_w = 1;
  int64_t before_h = 0, before_w = 0;  // padding (to batch) or crop (to space) before
  uint8_t pad_byte = 0;
};

// Writes output rows [begin, end) of out_batch * out_height rows.
void space_batch__reference(const SpaceBatchParams& p, const void* input, void* output,
                            size_t begin, size_t end);

}  // namespace ref
}  // namespace lowbit
