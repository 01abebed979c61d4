// The loop of the SIMD 16x8 depthwise kernels (kernels/qs16_dwconv.h), over
// a Steps type giving kLanes channels per vector, the channel-wise
// multiply-add of kLanes activations and weights into int32 lanes, and the
// widening add of the lanes into int64 sums. Channels past the last whole
// vector are summed in scalar int64.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/qs16_dwconv.h"

namespace lowbit {

template <typename Steps>
void qs16_dwconv_simd(size_t channels, size_t taps, const int16_t* const* rows,
                      const int8_t* weights, size_t weights_stride, int64_t* acc) {
  size_t c = 0;
  for (; c + Steps::kLanes <= channels; c += Steps::kLanes) {
    for (size_t j = 0; j < Steps::kLanes; ++j) acc[c + j] = 0;
    for (size_t block = 0; block < taps; block += kQs16DwconvInt32Taps) {
      typename Steps::Vec lanes = Steps::zero();
      for (size_t t = block; t < std::min(taps, block + kQs16DwconvInt32Taps); ++t) {
        if (rows[t] == nullptr) continue;
        lanes = Steps::madd(lanes, rows[t] + c, weights + t * weights_stride + c);
      }
      Steps::add_wide(lanes, acc + c);
    }
  }
  for (; c < channels; ++c) acc[c] = qs16_dwconv_channel(c, taps, rows, weights, weights_stride);
}

}  // namespace lowbit
