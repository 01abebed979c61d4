// int8 convolution and fully connected layers through the qs8 GEMM
// microkernels (kernels/qs8_gemm.h): output pixels are GEMM rows, output
// channels GEMM columns, K = kernel_h * kernel_w * input_channels.
//
// A 1x1, stride-1, unpadded convolution (and every fully connected layer)
// points GEMM rows straight at input pixels. K x K layers, where the variant
// has an indirect GEMM, pass per tile a list of tap pointers: whole input
// pixels when they hold whole k-groups (C >= 16), else whole kernel rows of
// the input (kernel_w * C bytes, padded to k-groups with zero weights);
// taps outside the image point at zero-point bytes, and kernel rows cut by
// the left or right border are assembled in scratch. Otherwise each tile's
// receptive fields are gathered into a per-thread strip. Never a full
// im2col copy. Where the variant has offset forms (Qs8GemmKernel::fn_offset)
// and no row sums are wanted, run() first writes the input as a ^ 0x80 into
// scratch (one pass, a few percent of a K-deep GEMM's bytes) and every row,
// tap and padding byte is read in that form; kernel-row taps then read a
// padded copy (no border segment is composed). Pixel taps of inputs with at
// most 32 channels are kept for the whole layer (persistent, up to 128 KiB a
// layer) and rebuilt only when run() sees another input address. Layers of
// at most NR output channels run the variant's narrow tile where it has one
// (Qs8GemmKernel::narrow). Fixed-point profiles store the variant's
// requantization terms once per layer where it has them
// (Qs8GemmKernel::requant_terms).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "kernels/qs8_gemm.h"
#include "kernels/reference/conv_geometry.h"
#include "ops/op_kernel.h"

namespace lowbit {

// How legacy uint8 weights reach the int8 drivers (ops/legacy_uint8.h).
enum class Uint8WeightsForm { kShifted, kRowSums, kSplitTaps };

using Qs8ConvGeometry = ConvGeometry;

// The int8 weights a driver packs: given, or formed on first use (legacy
// uint8 and int4 weights), so that a layer the model carries prepacked
// (PrepareContext::find_prepared) never reads or forms them.
class DriverWeights {
 public:
  DriverWeights(const int8_t* weights) : weights_(weights) {}  // NOLINT: implicit on purpose
  explicit DriverWeights(std::function<const int8_t*()> form) : form_(std::move(form)) {}
  const int8_t* get() const {
    if (weights_ == nullptr && form_) weights_ = form_();
    return weights_;
  }

 private:
  mutable const int8_t* weights_ = nullptr;
  std::function<const int8_t*()> form_;
};

struct Qs8ConvQuantization {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  int32_t output_min = -128, output_max = 127;
  RequantProfile profile{};
  const ref::Requantizer* requantizers = nullptr;  // one per output channel
  // Non-zero: every accumulator also gets this times the sum of its row's K
  // input bytes (legacy uint8 weights packed as w - 128, see
  // ops/legacy_uint8.h). Needs a variant with Qs8GemmKernel::row_offsets.
  int32_t row_sum_multiplier = 0;
  // Depthwise: the weights hold 2 x taps rows and each tap is read twice
  // (legacy uint8 weights split in halves, see ops/legacy_uint8.h).
  bool split_taps = false;
};

// The microkernels' view of a layer's quantization, for both drivers: the
// per-channel multiplier, shift and scale in persistent memory, zero-padded
// to a multiple of channel_step (the widest vector step the kernels read).
Status make_gemm_params(PrepareContext& ctx, const Qs8ConvQuantization& q, size_t channels,
                        size_t channel_step, Qs8GemmParams* params);

class Qs8GemmConvDriver {
 public:
  // Packs weights [output_c][kernel_h][kernel_w][input_c] and the bias into
  // persistent memory and requests the scratch the gather needs.
  Status prepare(PrepareContext& ctx, const KernelVariant<Qs8GemmKernel>& variant,
                 const Qs8ConvGeometry& geometry, const Qs8ConvQuantization& quantization,
                 const DriverWeights& weights, const int32_t* bias);
  // row_sums: with pixel_sums_wanted(), each input pixel's sum of its int8
  // bytes (computed by the caller along with its flip), else nullptr.
  void run(ThreadPool& pool, const int8_t* input, int8_t* output, void* scratch,
           const int32_t* row_sums = nullptr) const;
  // Rows are input pixels and need their sums (row_sum_multiplier): the
  // caller can pass them to run() instead of every tile adding them up.
  bool pixel_sums_wanted() const {
    return row_sum_multiplier_ != 0 && source_ == RowSource::kDirect;
  }
  // The variant's flip with pixel sums, or nullptr (the portable one).
  Qu8FlipSumsFn flip_sums() const { return kernel_.flip_sums; }
  // How legacy uint8 weights that do not fit int8 reach this variant
  // (ops/legacy_uint8.h): row sums where it takes row offsets, else not.
  static Uint8WeightsForm uint8_fallback(const KernelVariant<Qs8GemmKernel>& variant) {
    return variant.fn.row_offsets ? Uint8WeightsForm::kRowSums : Uint8WeightsForm::kShifted;
  }
  // Whether the variant writes uint8 outputs itself given their uint8
  // quantization (no flip after it runs).
  static bool writes_uint8(const KernelVariant<Qs8GemmKernel>& variant) {
    return variant.fn.stores_low_byte;
  }

  const char* name() const { return name_; }

 private:
  // Where a tile's GEMM rows come from.
  enum class RowSource {
    kDirect,     // 1x1, stride 1, unpadded: rows are input pixels
    kGather,     // receptive fields copied into the task's strip
    kPixelTaps,  // indirect GEMM, one tap per input pixel (C >= 16, whole k-groups)
    kRowTaps,    // indirect GEMM, one tap per kernel row of the input (undilated)
  };

  // Tiles [first_tile, end_tile) of tile_rows_ rows, channels [first_channel, end_channel).
  void run_tiles(size_t first_tile, size_t end_tile, size_t first_channel, size_t end_channel,
                 const int8_t* input, int8_t* output, int8_t* strip,
                 const int32_t* row_sums) const;
  // Scratch one task needs for its tile rows.
  size_t strip_bytes() const;
  // Every task's strip (each pointer-aligned), before the offset input.
  size_t strips_bytes() const;
  size_t input_bytes() const {
    return size_t(g_.batch) * g_.input_h * g_.input_w * g_.input_c;
  }
  // Scratch for the offset input: the input, or the padded image.
  size_t offset_input_bytes() const;
  // kRowTaps on offset input: writes the input offset into an image with
  // its padding around it (padded_h_ x padded_w_ pixels per image), so every
  // kernel row of every window is a run of the image.
  void pad_input(const int8_t* input, int8_t* padded) const;
  // kernel_h segment pointers per row into the padded image.
  void fill_padded_row_taps(size_t row0, size_t mr, const int8_t* padded,
                            const int8_t** taps) const;
  Status prepare_pixel_taps(PrepareContext& ctx);
  Status prepare_padded_row_taps(PrepareContext& ctx);
  // The variant's stored requantization terms (Qs8GemmParams::requant_terms),
  // computed once here instead of on every call.
  Status prepare_requant_terms(PrepareContext& ctx, const int32_t* bias);
  // Points indirection_ at `input`'s pixels, unless it does already.
  void build_indirection(const int8_t* input) const;
  Status pack_weights(PrepareContext& ctx, const Qs8ConvQuantization& q, size_t packed_bytes,
                      const int8_t* weights, const int32_t* bias);
  // What the packed bytes depend on besides the weights and bias (the key
  // of PrepareContext::find_prepared).
  std::string packed_key(const Qs8ConvQuantization& q, bool has_bias) const;
  // Rows [row0, row0 + mr): receptive fields into strip, rows[m] pointing at them.
  void gather_tile(size_t row0, size_t mr, const int8_t* input, int8_t* strip,
                   const int8_t** rows) const;
  // Receptive field of output pixel (b, oy, ox) into dst (K bytes).
  void gather(size_t b, size_t oy, size_t ox, const int8_t* input, int8_t* dst) const;
  // The first input pixel under a tile whose windows lie in one output row
  // and inside the image (consecutive windows stride_w pixels apart), else
  // nullptr.
  const int8_t* inner_tile_corner(size_t row0, size_t mr, const int8_t* input) const;
  // kernel_h * kernel_w pixel pointers per row.
  void fill_pixel_taps(size_t row0, size_t mr, const int8_t* input, const int8_t** taps) const;
  // row_sum_multiplier_ * the sum of each of the tile's mr rows (taps runs
  // of tap_bytes per row, the first `used` bytes of each counting).
  void row_offsets(size_t mr, size_t taps, const int8_t* const* runs, size_t used,
                   int32_t* offsets) const;
  // kernel_h segment pointers per row; border segments assembled in `composed`.
  void fill_row_taps(size_t row0, size_t mr, const int8_t* input, const int8_t** taps,
                     int8_t* composed) const;

  Qs8ConvGeometry g_;
  Qs8GemmKernel kernel_{};
  Qs8GemmParams params_;
  size_t terms_block_bytes_ = 0;  // of params_.requant_terms, per NR block
  const void* packed_ = nullptr;
  const char* name_ = "";          // the tile that runs (a narrow tile's own name)
  const char* variant_name_ = "";  // the variant row, which names the packed layout
  size_t k_ = 0;         // kernel_h * kernel_w * input_c
  size_t packed_k_ = 0;  // K of the packed weights (kRowTaps pads each kernel row)
  size_t rows_ = 0;
  size_t tile_rows_ = 1;  // rows per tile, <= kernel_.mr
  int32_t input_zero_point_ = 0;
  // The kernels read the input offset (a ^ 0x80): offset_ says so, and
  // padding_byte_ is the zero point in the form the kernels read.
  bool offset_ = false;
  int8_t padding_byte_ = 0;
  int32_t row_sum_multiplier_ = 0;
  bool direct_ = false;
  RowSource source_ = RowSource::kGather;
  size_t segment_bytes_ = 0;          // kRowTaps: kernel_w * input_c rounded to k-groups
  // kRowTaps on offset input: the kernels read the padded image (pad_input),
  // no segment is composed at a border.
  bool padded_ = false;
  size_t padded_h_ = 0, padded_w_ = 0;
  // padded_: the taps of a tile in one output row from its first window's
  // corner (kernel_h per row), or nullptr.
  const ptrdiff_t* row_tap_pattern_ = nullptr;
  const int8_t* padding_ = nullptr;   // zero-point bytes for taps outside the image
  const ptrdiff_t* tap_offsets_ = nullptr;  // kPixelTaps: per tap, from an inner window's corner
  // kPixelTaps with few bytes per tap, where filling the taps per tile costs
  // a good part of the multiply-adds: every row's taps, built by run() for
  // the input address it was given last (indirection_input_) and rebuilt
  // when the caller passes another one. nullptr: filled per tile.
  const int8_t** indirection_ = nullptr;
  mutable const int8_t* indirection_input_ = nullptr;
  size_t row_splits_ = 1;
  size_t channel_splits_ = 1;
};

}  // namespace lowbit
