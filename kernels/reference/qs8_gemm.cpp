// Weight packing shared by every qs8 GEMM variant, and the portable variant
// that defines their results.
#include <cstring>

#include "kernels/qs8_gemm.h"

namespace lowbit {

size_t qs8_gemm_packed_bytes(const Qs8GemmLayout& layout, size_t n, size_t k) {
  const size_t blocks = (n + layout.nr - 1) / layout.nr;
  return blocks * layout.nr * (sizeof(int32_t) + qs8_gemm_padded_k(layout, k));
}

namespace {

// A block of nr channels whose every row is present, its k-groups copied
// whole (KG a constant: fixed-size copies the compiler inlines) and the
// last, partial group padded with zeros. This runs over every weight at load.
template <size_t KG>
uint8_t* pack_full_block(size_t nr, size_t k, size_t padded_k, const int8_t* rows, uint8_t* out) {
  const size_t whole_k = k / KG * KG;
  for (size_t g = 0; g < whole_k; g += KG) {
    for (size_t j = 0; j < nr; ++j, out += KG) std::memcpy(out, rows + j * k + g, KG);
  }
  if (whole_k < padded_k) {
    for (size_t j = 0; j < nr; ++j, out += KG) {
      std::memset(out, 0, KG);
      std::memcpy(out, rows + j * k + whole_k, k - whole_k);
    }
  }
  return out;
}

// Any block: channels past n and k past the weights are zero.
uint8_t* pack_edge_block(size_t nr, size_t kg, size_t n, size_t k, size_t padded_k, size_t block,
                         const int8_t* weights, uint8_t* out) {
  for (size_t g = 0; g < padded_k; g += kg) {
    for (size_t j = 0; j < nr; ++j) {
      const size_t ch = block + j;
      for (size_t i = 0; i < kg; ++i) {
        const size_t kk = g + i;
        *out++ = static_cast<uint8_t>((ch < n && kk < k) ? weights[ch * k + kk] : 0);
      }
    }
  }
  return out;
}

}  // namespace

void qs8_gemm_pack(const Qs8GemmLayout& layout, size_t n, size_t k, const int8_t* weights,
                   const int32_t* bias, int32_t input_zero_point, void* packed) {
  const size_t nr = layout.nr, kg = layout.k_group;
  const size_t padded_k = qs8_gemm_padded_k(layout, k);
  // The accumulator sums a*w over raw activations; subtracting zp*sum(w) once
  // here turns it into sum((a - zp) * w). VNNI feeds a + 128 and needs 128 more.
  const int32_t offset = input_zero_point + (layout.unsigned_activations ? 128 : 0);
  auto* out = static_cast<uint8_t*>(packed);
  for (size_t block = 0; block < n; block += nr) {
    int32_t block_bias[64];
    for (size_t j = 0; j < nr; ++j) {
      const size_t ch = block + j;
      uint32_t sum_w = 0;  // modulo 2^32, as every accumulator (kernels/qs8_conv.h)
      if (ch < n) {
        for (size_t i = 0; i < k; ++i) sum_w += uint32_t(weights[ch * k + i]);
      }
      block_bias[j] =
          ch < n ? int32_t(uint32_t(bias ? bias[ch] : 0) - uint32_t(offset) * sum_w) : 0;
    }
    std::memcpy(out, block_bias, nr * sizeof(int32_t));
    out += nr * sizeof(int32_t);
    const int8_t* rows = weights + block * k;
    const bool full = block + nr <= n;
    if (full && kg == 1) {
      out = pack_full_block<1>(nr, k, padded_k, rows, out);
    } else if (full && kg == 2) {
      out = pack_full_block<2>(nr, k, padded_k, rows, out);
    } else if (full && kg == 4) {
      out = pack_full_block<4>(nr, k, padded_k, rows, out);
    } else if (full && kg == 8) {
      out = pack_full_block<8>(nr, k, padded_k, rows, out);
    } else {
      out = pack_edge_block(nr, kg, n, k, padded_k, block, weights, out);
    }
  }
}

void qs8_gemm_4x8__reference(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                             const void* packed_w, int8_t* c, size_t c_stride,
                             const Qs8GemmParams& params) {
  constexpr size_t kNR = 8;
  const auto* w = static_cast<const uint8_t*>(packed_w);
  for (size_t block = 0; block < nc; block += kNR) {
    int32_t acc[4][kNR];
    int32_t bias[kNR];
    std::memcpy(bias, w, sizeof(bias));
    const auto* wk = reinterpret_cast<const int8_t*>(w + sizeof(bias));
    for (size_t m = 0; m < mr; ++m) {
      const int32_t row_offset = params.row_offsets ? params.row_offsets[m] : 0;
      uint32_t sums[kNR];  // modulo 2^32 (kernels/qs8_conv.h)
      for (size_t j = 0; j < kNR; ++j) sums[j] = uint32_t(bias[j]) + uint32_t(row_offset);
      for (size_t i = 0; i < k; ++i) {
        const int32_t a = a_rows[m][i];
        for (size_t j = 0; j < kNR; ++j) sums[j] += uint32_t(a * wk[i * kNR + j]);
      }
      for (size_t j = 0; j < kNR; ++j) acc[m][j] = int32_t(sums[j]);
    }
    const size_t channels = nc - block < kNR ? nc - block : kNR;
    for (size_t m = 0; m < mr; ++m) {
      for (size_t j = 0; j < channels; ++j) {
        const size_t ch = block + j;
        c[m * c_stride + ch] = qs8_requantize_channel(acc[m][j], params, ch);
      }
    }
    w += kNR * (sizeof(int32_t) + k);
  }
}

}  // namespace lowbit
