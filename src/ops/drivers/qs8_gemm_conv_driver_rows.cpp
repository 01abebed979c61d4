// Where the GEMM rows of Qs8GemmConvDriver come from for K x K layers: gathered
// receptive fields, or tap pointers for the indirect GEMM (whole input
// pixels, or whole kernel rows of the input).
#include <algorithm>
#include <cstring>

#include "ops/drivers/qs8_gemm_conv_driver.h"

namespace lowbit {

namespace {

inline void move16(int8_t* dst, const int8_t* src) {
  uint64_t v[2];
  std::memcpy(v, src, 16);
  std::memcpy(dst, v, 16);
}

// Small copies (a kernel row of an RGB input is 3 to 21 bytes) as two
// overlapping fixed-size moves instead of a memcpy call or a byte loop.
inline void copy_bytes(int8_t* dst, const int8_t* src, size_t n) {
  if (n >= 8 && n <= 16) {
    uint64_t head, tail;
    std::memcpy(&head, src, 8);
    std::memcpy(&tail, src + n - 8, 8);
    std::memcpy(dst, &head, 8);
    std::memcpy(dst + n - 8, &tail, 8);
  } else if (n >= 4 && n < 8) {
    uint32_t head, tail;
    std::memcpy(&head, src, 4);
    std::memcpy(&tail, src + n - 4, 4);
    std::memcpy(dst, &head, 4);
    std::memcpy(dst + n - 4, &tail, 4);
  } else if (n < 4) {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
  } else if (n <= 512) {
    // Kernel rows of 3x3 layers (3 * C bytes): 16-byte moves and an
    // overlapping last one; a memcpy call per row costs as much again.
    size_t i = 0;
    for (; i + 16 <= n; i += 16) move16(dst + i, src + i);
    if (i < n) move16(dst + n - 16, src + n - 16);
  } else {
    std::memcpy(dst, src, n);
  }
}

inline void fill_bytes(int8_t* dst, int8_t value, size_t n) {
  if (n >= 8 && n <= 16) {
    const uint64_t pattern = uint64_t{0x0101010101010101u} * static_cast<uint8_t>(value);
    std::memcpy(dst, &pattern, 8);
    std::memcpy(dst + n - 8, &pattern, 8);
  } else if (n < 8) {
    for (size_t i = 0; i < n; ++i) dst[i] = value;
  } else {
    std::memset(dst, value, n);
  }
}

}  // namespace

void Qs8GemmConvDriver::gather(size_t b, size_t oy, size_t ox, const int8_t* input,
                               int8_t* dst) const {
  const size_t c = static_cast<size_t>(g_.input_c);
  const int32_t ix0 = int32_t(ox) * g_.stride_w - g_.pad_left;
  const int32_t ix_last = ix0 + (g_.kernel_w - 1) * g_.dilation_w;
  // Undilated taps of one kernel row that all lie inside the input are
  // contiguous in NHWC: one copy of kernel_w * c bytes.
  const bool row_contiguous = g_.dilation_w == 1 && ix0 >= 0 && ix_last < g_.input_w;
  const int8_t zero_point = padding_byte_;
  for (int32_t ky = 0; ky < g_.kernel_h; ++ky) {
    const int32_t iy = int32_t(oy) * g_.stride_h - g_.pad_top + ky * g_.dilation_h;
    const bool row_inside = iy >= 0 && iy < g_.input_h;
    const int8_t* input_row = input + (b * g_.input_h + (row_inside ? iy : 0)) * g_.input_w * c;
    if (!row_inside) {
      // The zero point is real zero: the packed bias's zp*sum(w) cancels it.
      fill_bytes(dst, zero_point, g_.kernel_w * c);
      dst += g_.kernel_w * c;
      continue;
    }
    if (row_contiguous) {
      copy_bytes(dst, input_row + size_t(ix0) * c, g_.kernel_w * c);
      dst += g_.kernel_w * c;
      continue;
    }
    for (int32_t kx = 0; kx < g_.kernel_w; ++kx) {
      const int32_t ix = ix0 + kx * g_.dilation_w;
      if (ix < 0 || ix >= g_.input_w) {
        fill_bytes(dst, zero_point, c);
      } else {
        copy_bytes(dst, input_row + size_t(ix) * c, c);
      }
      dst += c;
    }
  }
}

// A tile's windows, when they all lie in one output row and inside the image
// (most tiles): the first window's top-left input pixel, and the byte step
// from one window to the next. Else nullptr.
const int8_t* Qs8GemmConvDriver::inner_tile_corner(size_t row0, size_t mr,
                                                   const int8_t* input) const {
  const size_t ox = row0 % g_.output_w;
  if (ox + mr > size_t(g_.output_w)) return nullptr;
  const size_t oy = (row0 / g_.output_w) % g_.output_h;
  const size_t b = row0 / (size_t(g_.output_w) * g_.output_h);
  const int32_t iy0 = int32_t(oy) * g_.stride_h - g_.pad_top;
  const int32_t ix0 = int32_t(ox) * g_.stride_w - g_.pad_left;
  const int32_t ix_last = int32_t(ox + mr - 1) * g_.stride_w - g_.pad_left +
                          (g_.kernel_w - 1) * g_.dilation_w;
  if (iy0 < 0 || iy0 + (g_.kernel_h - 1) * g_.dilation_h >= g_.input_h || ix0 < 0 ||
      ix_last >= g_.input_w) {
    return nullptr;
  }
  const size_t c = static_cast<size_t>(g_.input_c);
  return input + ((b * g_.input_h + size_t(iy0)) * g_.input_w + size_t(ix0)) * c;
}

void Qs8GemmConvDriver::fill_pixel_taps(size_t row0, size_t mr, const int8_t* input,
                                        const int8_t** taps) const {
  const size_t c = static_cast<size_t>(g_.input_c);
  const size_t count = size_t(g_.kernel_h) * g_.kernel_w;
  if (const int8_t* corner = inner_tile_corner(row0, mr, input)) {
    const size_t step = size_t(g_.stride_w) * c;
    for (size_t m = 0; m < mr; ++m, corner += step) {
      for (size_t t = 0; t < count; ++t) *taps++ = corner + tap_offsets_[t];
    }
    return;
  }
  size_t ox = row0 % g_.output_w;
  size_t oy = (row0 / g_.output_w) % g_.output_h;
  size_t b = row0 / (size_t(g_.output_w) * g_.output_h);
  for (size_t m = 0; m < mr; ++m) {
    const int32_t iy0 = int32_t(oy) * g_.stride_h - g_.pad_top;
    const int32_t ix0 = int32_t(ox) * g_.stride_w - g_.pad_left;
    const int8_t* image = input + b * size_t(g_.input_h) * g_.input_w * c;
    if (iy0 >= 0 && iy0 + (g_.kernel_h - 1) * g_.dilation_h < g_.input_h && ix0 >= 0 &&
        ix0 + (g_.kernel_w - 1) * g_.dilation_w < g_.input_w) {
      const int8_t* corner = image + (size_t(iy0) * g_.input_w + size_t(ix0)) * c;
      for (size_t t = 0; t < count; ++t) taps[t] = corner + tap_offsets_[t];
      taps += count;
    } else {
      for (int32_t ky = 0; ky < g_.kernel_h; ++ky) {
        const int32_t iy = iy0 + ky * g_.dilation_h;
        for (int32_t kx = 0; kx < g_.kernel_w; ++kx) {
          const int32_t ix = ix0 + kx * g_.dilation_w;
          const bool inside = iy >= 0 && iy < g_.input_h && ix >= 0 && ix < g_.input_w;
          *taps++ = inside ? image + (size_t(iy) * g_.input_w + size_t(ix)) * c : padding_;
        }
      }
    }
    if (++ox == size_t(g_.output_w)) {
      ox = 0;
      if (++oy == size_t(g_.output_h)) {
        oy = 0;
        ++b;
      }
    }
  }
}


// Steps (b, oy, ox) through the output pixels in row order.
struct PixelCursor {
  size_t b, oy, ox;
  PixelCursor(const Qs8ConvGeometry& g, size_t row)
      : b(row / (size_t(g.output_w) * g.output_h)),
        oy((row / g.output_w) % g.output_h),
        ox(row % g.output_w) {}
  void next(const Qs8ConvGeometry& g) {
    if (++ox == size_t(g.output_w)) {
      ox = 0;
      if (++oy == size_t(g.output_h)) {
        oy = 0;
        ++b;
      }
    }
  }
};

void Qs8GemmConvDriver::gather_tile(size_t row0, size_t mr, const int8_t* input, int8_t* strip,
                                    const int8_t** rows) const {
  PixelCursor at(g_, row0);
  for (size_t m = 0; m < mr; ++m, at.next(g_)) {
    gather(at.b, at.oy, at.ox, input, strip + m * k_);
    rows[m] = strip + m * k_;
  }
}

Status Qs8GemmConvDriver::prepare_pixel_taps(PrepareContext& ctx) {
  const size_t taps = size_t(g_.kernel_h) * g_.kernel_w;
  auto* zeros = static_cast<int8_t*>(ctx.allocate_persistent(size_t(g_.input_c)));
  if (!zeros) return Status(StatusCode::kResourceExhausted, "cannot allocate the padding row");
  // The zero point is real zero: the packed bias's zp*sum(w) cancels it.
  std::memset(zeros, padding_byte_, size_t(g_.input_c));
  padding_ = zeros;
  // Byte offsets of the taps from a window's top-left pixel, for windows
  // that lie inside the image (most of them).
  auto* offsets = static_cast<ptrdiff_t*>(ctx.allocate_persistent(taps * sizeof(ptrdiff_t)));
  if (!offsets) return Status(StatusCode::kResourceExhausted, "cannot allocate tap offsets");
  for (int32_t ky = 0; ky < g_.kernel_h; ++ky) {
    for (int32_t kx = 0; kx < g_.kernel_w; ++kx) {
      offsets[ky * g_.kernel_w + kx] =
          (ptrdiff_t(ky) * g_.dilation_h * g_.input_w + ptrdiff_t(kx) * g_.dilation_w) * g_.input_c;
    }
  }
  tap_offsets_ = offsets;

  // Filling a tile's taps costs about one store per tap, against tap_bytes / 4
  // VPDPBUSD per tap and channel block: at 16 input channels (ResNet-8's
  // first stage) the fill took 12 % of the model. Such layers keep every
  // row's taps, up to kMaxIndirectionBytes per layer.
  constexpr size_t kMaxTapBytes = 32, kMaxIndirectionBytes = size_t{128} << 10;
  const size_t bytes = rows_ * taps * sizeof(const int8_t*);
  indirection_ = nullptr;
  indirection_input_ = nullptr;
  if (size_t(g_.input_c) <= kMaxTapBytes && bytes <= kMaxIndirectionBytes) {
    if (ctx.sizing_only()) {
      ctx.reserve_persistent(bytes);
      // Any non-null marker: the sizing pass never runs.
      indirection_ = reinterpret_cast<const int8_t**>(offsets);
    } else {
      indirection_ = static_cast<const int8_t**>(ctx.allocate_persistent(bytes));
      if (!indirection_) {
        return Status(StatusCode::kResourceExhausted, "cannot allocate the indirection");
      }
    }
  }
  return Status::Ok();
}

void Qs8GemmConvDriver::build_indirection(const int8_t* input) const {
  if (input == indirection_input_) return;
  const size_t taps = size_t(g_.kernel_h) * g_.kernel_w;
  for (size_t row0 = 0; row0 < rows_; row0 += tile_rows_) {
    const size_t mr = std::min<size_t>(tile_rows_, rows_ - row0);
    fill_pixel_taps(row0, mr, input, indirection_ + row0 * taps);
  }
  indirection_input_ = input;
}

void Qs8GemmConvDriver::fill_row_taps(size_t row0, size_t mr, const int8_t* input,
                                      const int8_t** taps, int8_t* composed) const {
  const size_t c = static_cast<size_t>(g_.input_c);
  const size_t segment = size_t(g_.kernel_w) * c;
  // A segment is read as segment_bytes_ (up to 3 more bytes, against zero
  // weights): only where those bytes still lie inside the input tensor.
  const int8_t* input_end = input + size_t(g_.batch) * g_.input_h * g_.input_w * c;
  const int8_t zero_point = padding_byte_;
  const size_t row_stride = size_t(g_.dilation_h) * g_.input_w * c;
  if (const int8_t* corner = inner_tile_corner(row0, mr, input)) {
    const size_t step = size_t(g_.stride_w) * c;
    if (corner + (mr - 1) * step + (g_.kernel_h - 1) * row_stride + segment_bytes_ <= input_end) {
      for (size_t m = 0; m < mr; ++m, corner += step) {
        for (int32_t ky = 0; ky < g_.kernel_h; ++ky) *taps++ = corner + ky * row_stride;
      }
      return;
    }
  }
  PixelCursor at(g_, row0);
  for (size_t m = 0; m < mr; ++m, at.next(g_)) {
    const int32_t iy0 = int32_t(at.oy) * g_.stride_h - g_.pad_top;
    const int32_t ix0 = int32_t(at.ox) * g_.stride_w - g_.pad_left;
    const bool columns_inside = ix0 >= 0 && ix0 + g_.kernel_w <= g_.input_w;
    const int8_t* image = input + at.b * size_t(g_.input_h) * g_.input_w * c;
    const int32_t iy_last = iy0 + (g_.kernel_h - 1) * g_.dilation_h;
    if (columns_inside && iy0 >= 0 && iy_last < g_.input_h) {
      // Inner window: kernel rows at a fixed stride from its corner.
      const int8_t* corner = image + (size_t(iy0) * g_.input_w + size_t(ix0)) * c;
      if (corner + (g_.kernel_h - 1) * row_stride + segment_bytes_ <= input_end) {
        for (int32_t ky = 0; ky < g_.kernel_h; ++ky) *taps++ = corner + ky * row_stride;
        continue;
      }
    }
    for (int32_t ky = 0; ky < g_.kernel_h; ++ky) {
      const int32_t iy = iy0 + ky * g_.dilation_h;
      if (iy < 0 || iy >= g_.input_h) {
        *taps++ = padding_;
        continue;
      }
      const int8_t* row = image + size_t(iy) * g_.input_w * c;
      if (columns_inside && row + size_t(ix0) * c + segment_bytes_ <= input_end) {
        *taps++ = row + size_t(ix0) * c;
        continue;
      }
      // At a border: the segment assembled from pixels and zero-point taps.
      for (int32_t kx = 0; kx < g_.kernel_w; ++kx) {
        const int32_t ix = ix0 + kx;
        if (ix < 0 || ix >= g_.input_w) {
          std::memset(composed + size_t(kx) * c, zero_point, c);
        } else {
          std::memcpy(composed + size_t(kx) * c, row + size_t(ix) * c, c);
        }
      }
      std::memset(composed + segment, 0, segment_bytes_ - segment);
      *taps++ = composed;
      composed += segment_bytes_;
    }
  }
}

size_t Qs8GemmConvDriver::offset_input_bytes() const {
  if (!padded_) return input_bytes();
  // The last segment is read up to a k-group past its last pixel.
  return size_t(g_.batch) * padded_h_ * padded_w_ * g_.input_c + kernel_.layout.k_group;
}

void Qs8GemmConvDriver::pad_input(const int8_t* input, int8_t* padded) const {
  const size_t c = static_cast<size_t>(g_.input_c);
  const size_t row_bytes = size_t(g_.input_w) * c;
  std::memset(padded, padding_byte_, offset_input_bytes());
  for (size_t b = 0; b < size_t(g_.batch); ++b) {
    int8_t* image = padded + (b * padded_h_ + size_t(g_.pad_top)) * padded_w_ * c +
                    size_t(g_.pad_left) * c;
    for (size_t y = 0; y < size_t(g_.input_h); ++y) {
      kernel_.offset_activations(input + (b * g_.input_h + y) * row_bytes,
                                 image + y * padded_w_ * c, row_bytes);
    }
  }
}

// The padded image's kernel-row taps of a tile that lies in one output row
// are its first window's corner plus a pattern the same for every such
// tile: filling them tap by tap took a fifth of an RGB layer's time
// (ResNet-8's 32x32x3 layer, 48 taps per 144 VPDPBUSD).
Status Qs8GemmConvDriver::prepare_padded_row_taps(PrepareContext& ctx) {
  const size_t kernel_h = size_t(g_.kernel_h);
  const size_t bytes = tile_rows_ * kernel_h * sizeof(ptrdiff_t);
  row_tap_pattern_ = nullptr;
  if (ctx.sizing_only()) {
    ctx.reserve_persistent(bytes);
    return Status::Ok();
  }
  auto* pattern = static_cast<ptrdiff_t*>(ctx.allocate_persistent(bytes));
  if (!pattern) return Status(StatusCode::kResourceExhausted, "cannot allocate the tap pattern");
  const size_t c = static_cast<size_t>(g_.input_c);
  const size_t row_stride = size_t(g_.dilation_h) * padded_w_ * c;
  const size_t step = size_t(g_.stride_w) * c;
  for (size_t m = 0; m < tile_rows_; ++m) {
    for (size_t ky = 0; ky < kernel_h; ++ky) {
      pattern[m * kernel_h + ky] = ptrdiff_t(m * step + ky * row_stride);
    }
  }
  row_tap_pattern_ = pattern;
  return Status::Ok();
}

void Qs8GemmConvDriver::fill_padded_row_taps(size_t row0, size_t mr, const int8_t* padded,
                                             const int8_t** taps) const {
  const size_t c = static_cast<size_t>(g_.input_c);
  const size_t row_stride = size_t(g_.dilation_h) * padded_w_ * c;
  const size_t step = size_t(g_.stride_w) * c;
  PixelCursor at(g_, row0);
  if (row_tap_pattern_ != nullptr && at.ox + mr <= size_t(g_.output_w)) {
    const int8_t* corner =
        padded + ((at.b * padded_h_ + at.oy * size_t(g_.stride_h)) * padded_w_ +
                  at.ox * size_t(g_.stride_w)) * c;
    const size_t count = mr * size_t(g_.kernel_h);
    for (size_t i = 0; i < count; ++i) taps[i] = corner + row_tap_pattern_[i];
    return;
  }
  for (size_t m = 0; m < mr;) {
    // The windows of one output row are step bytes apart.
    const int8_t* corner =
        padded + ((at.b * padded_h_ + at.oy * size_t(g_.stride_h)) * padded_w_ +
                  at.ox * size_t(g_.stride_w)) * c;
    const size_t run = std::min(mr - m, size_t(g_.output_w) - at.ox);
    for (size_t i = 0; i < run; ++i, corner += step) {
      for (int32_t ky = 0; ky < g_.kernel_h; ++ky) *taps++ = corner + ky * row_stride;
    }
    m += run;
    at.ox += run - 1;
    at.next(g_);
  }
}

}  // namespace lowbit
