// Fan-out depthwise row kernels, AVX-512 VNNI: one input channel spread over
// 4 to 64 output channels (a depth multiplier on a one-channel input, e.g. a
// grayscale first layer). The channel-block row kernels would fill 8 of 16
// lanes per pixel and gather one byte per tap with a shuffle; here every
// lane holds an output, and one VPDPBUSD adds four kernel rows of a column.
//
// Per chunk of an output row, the K input rows are copied with their padding
// (zero-point bytes) and interleaved into dwords: entry j holds the bytes of
// column j of kernel rows 4g..4g+3 (group g), each plus 128 so that they
// multiply unsigned (the packed bias subtracts 128 * sum of weights). With
// up to 8 channels a 16-lane vector holds 16 / channels adjacent output
// pixels, and VPERMD picks each pixel's column from a 16-entry window; with
// 16 or more, each pixel's column is broadcast to a vector per 16 channels.
#include <immintrin.h>

#include <cstring>

#include "kernels/qs8_dwconv.h"
#include "kernels/x86/qs8_dwconv_rows_avx2.h"  // rescale_folded_high
#include "kernels/x86/qs8_requant_avx512.h"

namespace lowbit {
namespace {

constexpr size_t kLanes = 16;
constexpr size_t kMaxVectors = 4;   // 64 channels
constexpr size_t kChunkCols = 256;  // input columns interleaved per chunk
// Slack past a chunk's columns: window loads read 16 entries from any output's first.
constexpr size_t kSlack = 32;

template <int K>
struct Chunk {
  static constexpr int kGroups = (K + 3) / 4;
  alignas(64) uint8_t lines[K][kChunkCols + kSlack];
  alignas(64) uint32_t quads[kGroups][kChunkCols + kSlack];

  // Columns [first, first + count) of the kernel rows, zero points outside
  // [0, width); count is a multiple of 16.
  void fill(const Qs8DwconvRowArgs& a, ptrdiff_t first, size_t count) {
    const ptrdiff_t width = ptrdiff_t(a.input_width);
    const ptrdiff_t begin = first < 0 ? 0 : first > width ? width : first;
    const ptrdiff_t end = first + ptrdiff_t(count) < width ? first + ptrdiff_t(count) : width;
    const int zero_point = static_cast<uint8_t>(a.zero_row[0]);
    for (int ky = 0; ky < K; ++ky) {
      uint8_t* line = lines[ky];
      if (end <= begin) {
        std::memset(line, zero_point, count);
        continue;
      }
      const size_t left = size_t(begin - first), inside = size_t(end - begin);
      std::memset(line, zero_point, left);
      std::memcpy(line + left, a.rows[ky] + begin, inside);
      std::memset(line + left + inside, zero_point, count - left - inside);
    }
    const __m512i flip = _mm512_set1_epi32(int32_t(0x80808080u));
    for (size_t j = 0; j < count; j += kLanes) {
      for (int g = 0; g < kGroups; ++g) {
        __m512i q = _mm512_setzero_si512();
        for (int b = 0; b < 4 && 4 * g + b < K; ++b) {
          const __m512i bytes = _mm512_cvtepu8_epi32(
              _mm_load_si128(reinterpret_cast<const __m128i*>(lines[4 * g + b] + j)));
          q = _mm512_or_si512(q, _mm512_slli_epi32(bytes, 8 * b));
        }
        _mm512_store_si512(quads[g] + j, _mm512_xor_si512(q, flip));
      }
    }
  }
};

// Outputs [0, n) of a chunk with 4 or 8 channels: a 16-lane vector holds
// 16 / kChannels adjacent pixels.
template <int K, int S, size_t kChannels, typename Bytes>
LOWBIT_AVX512_ALWAYS_INLINE void narrow_outputs(const Chunk<K>& chunk, size_t n, int8_t* out,
                                                const uint8_t* w, Bytes& bytes) {
  constexpr int G = Chunk<K>::kGroups;
  constexpr size_t kPixels = kLanes / kChannels;
  // With 4 channels pixel i reads window entry i * S + kx for kernel column kx.
  __m512i pick[K];
  for (int kx = 0; kx < K; ++kx) {
    alignas(64) int32_t idx[kLanes];
    for (size_t l = 0; l < kLanes; ++l) idx[l] = int32_t((l / kChannels) * S + size_t(kx));
    pick[kx] = _mm512_load_si512(idx);
  }
  const __m512i bias = _mm512_loadu_si512(w);
  __m512i wt[K][G];
  for (int kx = 0; kx < K; ++kx) {
    for (int g = 0; g < G; ++g) wt[kx][g] = _mm512_loadu_si512(w + 64 + (kx * G + g) * 64);
  }
  for (size_t o = 0; o < n; o += kPixels, out += kPixels * kChannels) {
    __m512i acc = bias;
    for (int g = 0; g < G; ++g) {
      const uint32_t* column = chunk.quads[g] + o * S;
      const __m512i window = _mm512_loadu_si512(column);
      for (int kx = 0; kx < K; ++kx) {
        __m512i x;
        if (kChannels == 8) {
          // Two pixels: two broadcasts from memory, the second merged into
          // the high half, spare the shuffle port a VPERMD.
          x = _mm512_set1_epi32(int32_t(column[kx]));
          x = _mm512_mask_broadcastd_epi32(x, 0xFF00,
                                           _mm_cvtsi32_si128(int32_t(column[S + size_t(kx)])));
        } else {
          x = _mm512_permutexvar_epi32(pick[kx], window);
        }
        acc = _mm512_dpbusd_epi32(acc, x, wt[kx][g]);
      }
    }
    const __m128i result = bytes(acc, 0);
    if (o + kPixels <= n) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out), result);
    } else {
      _mm_mask_storeu_epi8(out, __mmask16((1u << ((n - o) * kChannels)) - 1), result);
    }
  }
}

// The row's outputs, bytes(acc, v) narrowing the sums of lane vector v.
template <int K, int S, typename Bytes>
LOWBIT_AVX512_ALWAYS_INLINE void run_fanout(const Qs8DwconvRowArgs& a, Bytes&& bytes) {
  constexpr int G = Chunk<K>::kGroups;
  const size_t channels = a.channels;
  const size_t vectors = channels < kLanes ? 1 : channels / kLanes;
  const auto* w = static_cast<const uint8_t*>(a.packed_w);
  constexpr size_t kVectorBytes = kLanes * 4 + size_t(K) * G * kLanes * 4;
  Chunk<K> chunk;
  // Outputs per chunk: their columns must fit, in whole vectors of pixels.
  constexpr size_t kChunkOutputs = ((kChunkCols - K) / S + 1) / 4 * 4;
  for (size_t o0 = 0; o0 < a.output_width; o0 += kChunkOutputs) {
    const size_t n = a.output_width - o0 < kChunkOutputs ? a.output_width - o0 : kChunkOutputs;
    const size_t cols = (n - 1) * S + K;
    chunk.fill(a, a.input_x + ptrdiff_t(o0 * S), (cols + kLanes - 1) / kLanes * kLanes + kLanes);
    int8_t* out = a.output + o0 * a.pixel_stride;
    if (channels == 8) {
      narrow_outputs<K, S, 8>(chunk, n, out, w, bytes);
      continue;
    }
    if (channels == 4) {
      narrow_outputs<K, S, 4>(chunk, n, out, w, bytes);
      continue;
    }
    for (size_t o = 0; o < n; ++o, out += a.pixel_stride) {
      __m512i x[K][G];
      for (int kx = 0; kx < K; ++kx) {
        for (int g = 0; g < G; ++g) {
          x[kx][g] = _mm512_set1_epi32(int32_t(chunk.quads[g][o * S + size_t(kx)]));
        }
      }
      const uint8_t* wv = w;
      for (size_t v = 0; v < vectors; ++v, wv += kVectorBytes) {
        __m512i acc = _mm512_loadu_si512(wv);
        for (int kx = 0; kx < K; ++kx) {
          for (int g = 0; g < G; ++g) {
            acc = _mm512_dpbusd_epi32(acc, x[kx][g],
                                      _mm512_loadu_si512(wv + 64 + (kx * G + g) * 64));
          }
        }
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + v * kLanes), bytes(acc, v));
      }
    }
  }
}

template <int K, int S, RequantProfile kProfile>
void fanout_row(const Qs8DwconvRowArgs& a) {
  const size_t channels = a.channels;
  const bool narrow = channels < kLanes;
  const size_t vectors = narrow ? 1 : channels / kLanes;
  const Qs8GemmParams& p = *a.params;

  // Requantization per vector of lanes.
  using Requant = avx512::BlockRequantizer<kProfile>;
  alignas(64) int32_t lane_channel[kLanes];
  for (size_t l = 0; l < kLanes; ++l) lane_channel[l] = int32_t(l % channels);
  const __m512i lanes = _mm512_load_si512(lane_channel);
  auto make_requant = [&](size_t v) {
    if (!narrow) return Requant(p, v * kLanes);
    return Requant(p, _mm512_permutexvar_epi32(lanes, _mm512_loadu_si512(p.multiplier)),
                   _mm512_permutexvar_epi32(lanes, _mm512_loadu_si512(p.shift)),
                   _mm512_permutexvar_ps(lanes, _mm512_loadu_ps(p.scale)));
  };

  const Requant first = make_requant(0);
  Requant requant[kMaxVectors] = {first, vectors > 1 ? make_requant(1) : first,
                                  vectors > 2 ? make_requant(2) : first,
                                  vectors > 3 ? make_requant(3) : first};
  // The usual case, zero point folded into the rescale and int8 outputs,
  // takes its shortest form (rescale_folded_high: one 32-bit shift instead
  // of two 64-bit ones and a merge) with no test per output.
  bool folded = kProfile != RequantProfile::kXnnpackFp32;
  __m512i high_shift[kMaxVectors];
  for (size_t v = 0; v < kMaxVectors; ++v) {
    folded = folded && requant[v].terms.zero_point_folded &&
             requant[v].narrowing == Requant::Narrowing::kSigned;
    high_shift[v] = _mm512_sub_epi32(_mm512_set1_epi32(-1), requant[v].terms.shift);
  }
  const __m128i lo_bytes = requant[0].lo_bytes, hi_bytes = requant[0].hi_bytes;
  if (folded) {
    run_fanout<K, S>(a, [&](__m512i acc, size_t v) {
      const __m128i b = _mm512_cvtsepi32_epi8(
          avx2::dwconv::rescale_folded_high<kProfile == RequantProfile::kTfliteReference>(
              acc, requant[v].terms, high_shift[v]));
      return _mm_min_epi8(_mm_max_epi8(b, lo_bytes), hi_bytes);
    });
  } else {
    run_fanout<K, S>(a, [&](__m512i acc, size_t v) { return requant[v].bytes(acc); });
  }
}

template <int K, int S>
void fanout_any_profile(const Qs8DwconvRowArgs& a) {
  switch (qs8_kernel_profile(*a.params)) {
    case RequantProfile::kXnnpackFp32:
      return fanout_row<K, S, RequantProfile::kXnnpackFp32>(a);
    case RequantProfile::kSingleRounding:
      return fanout_row<K, S, RequantProfile::kSingleRounding>(a);
    case RequantProfile::kTfliteOptimized:
      return fanout_row<K, S, RequantProfile::kTfliteOptimized>(a);
    case RequantProfile::kTfliteReference:
    default:
      return fanout_row<K, S, RequantProfile::kTfliteReference>(a);
  }
}

}  // namespace

void qs8_dwconv_fanout3x3s1__avx512vnni(const Qs8DwconvRowArgs& a) { fanout_any_profile<3, 1>(a); }
void qs8_dwconv_fanout3x3s2__avx512vnni(const Qs8DwconvRowArgs& a) { fanout_any_profile<3, 2>(a); }
void qs8_dwconv_fanout5x5s1__avx512vnni(const Qs8DwconvRowArgs& a) { fanout_any_profile<5, 1>(a); }
void qs8_dwconv_fanout5x5s2__avx512vnni(const Qs8DwconvRowArgs& a) { fanout_any_profile<5, 2>(a); }

}  // namespace lowbit
