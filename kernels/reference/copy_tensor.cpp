#include "kernels/reference/copy_tensor.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace lowbit {
namespace ref {
namespace {

void fill_elements(uint8_t* out, size_t count, const uint8_t* fill, size_t element_size) {
  for (size_t i = 0; i < count; ++i) std::memcpy(out + i * element_size, fill, element_size);
}

template <typename T>
void rescale_block(const T* src, T* dst, size_t n, const ConcatInputRescale& r,
                   int32_t output_zero_point) {
  constexpr int32_t lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  for (size_t j = 0; j < n; ++j) {
    const int32_t v = static_cast<int32_t>(std::round(static_cast<float>(src[j]) * r.scale + r.bias)) +
                      output_zero_point;
    dst[j] = static_cast<T>(v < lo ? lo : (v > hi ? hi : v));
  }
}

}  // namespace

void copy_pad__reference(const PadParams& p, const void* input, void* output, size_t row_begin,
                         size_t row_end) {
  const int inner = p.rank - 1;
  const size_t es = p.element_size;
  const int64_t out_row = p.output_dims[inner];
  const int64_t in_row = p.input_dims[inner];
  const int64_t before = p.pad_before[inner];
  const int64_t after = out_row - in_row - before;
  const auto* in = static_cast<const uint8_t*>(input);
  auto* out = static_cast<uint8_t*>(output);
  for (size_t row = row_begin; row < row_end; ++row) {
    uint8_t* dst = out + row * static_cast<size_t>(out_row) * es;
    // Decompose the row index from the innermost outer dimension outwards.
    int64_t remaining = static_cast<int64_t>(row);
    int64_t input_row = 0, input_row_stride = 1;
    bool inside = true;
    for (int d = inner - 1; d >= 0; --d) {
      const int64_t o = remaining % p.output_dims[d];
      remaining /= p.output_dims[d];
      const int64_t i = o - p.pad_before[d];
      if (i < 0 || i >= p.input_dims[d]) inside = false;
      input_row += i * input_row_stride;
      input_row_stride *= p.input_dims[d];
    }
    if (!inside) {
      fill_elements(dst, static_cast<size_t>(out_row), p.fill, es);
      continue;
    }
    fill_elements(dst, static_cast<size_t>(before), p.fill, es);
    std::memcpy(dst + before * es, in + static_cast<size_t>(input_row * in_row) * es,
                static_cast<size_t>(in_row) * es);
    fill_elements(dst + (before + in_row) * es, static_cast<size_t>(after), p.fill, es);
  }
}

void copy_concat__reference(const ConcatParams& p, const void* const* inputs, void* output,
                            size_t outer_begin, size_t outer_end) {
  const size_t es = p.element_size;
  auto* out = static_cast<uint8_t*>(output);
  for (size_t k = outer_begin; k < outer_end; ++k) {
    uint8_t* dst = out + k * p.output_block_elements * es;
    for (size_t i = 0; i < p.num_inputs; ++i) {
      const size_t block = p.block_elements[i];
      const uint8_t* src = static_cast<const uint8_t*>(inputs[i]) + k * block * es;
      if (p.rescale != nullptr && p.rescale[i].rescale) {
        if (p.rescale_unsigned) {
          rescale_block(src, dst, block, p.rescale[i], p.output_zero_point);
        } else {
          rescale_block(reinterpret_cast<const int8_t*>(src), reinterpret_cast<int8_t*>(dst), block,
                        p.rescale[i], p.output_zero_point);
        }
      } else if (block != 0) {
        std::memcpy(dst, src, block * es);
      }
      dst += block * es;
    }
  }
}

void copy_bytes__reference(const void* input, void* output, size_t begin, size_t end) {
  if (end > begin) {
    std::memcpy(static_cast<uint8_t*>(output) + begin, static_cast<const uint8_t*>(input) + begin,
                end - begin);
  }
}

}  // namespace ref
}  // namespace lowbit
