#include "ops/drivers/qs8w4_fc_driver.h"

#include <algorithm>

namespace lowbit {
namespace {

// The most rows any W4A8 variant takes in one call.
constexpr size_t kMaxTileRows = 16;

}  // namespace

Status Qs8w4FullyConnectedDriver::prepare(PrepareContext& ctx,
                                          const KernelVariant<Qs8w4GemmKernel>& variant,
                                          size_t rows, size_t n, size_t k,
                                          const Qs8ConvQuantization& quantization,
                                          const uint8_t* int4_weights, const int32_t* bias) {
  kernel_ = variant.fn;
  name_ = variant.name;
  if (kernel_.mr > kMaxTileRows) {
    return Status(StatusCode::kInternal, std::string(name_) + " takes more rows than the driver");
  }
  rows_ = rows;
  n_ = n;
  k_ = k;
  const size_t nr = kernel_.layout.nr;
  blocks_ = (n + nr - 1) / nr;
  block_bytes_ = qs8w4_gemm_packed_bytes(kernel_.layout, nr, k);
  auto* packed = static_cast<uint8_t*>(
      ctx.allocate_persistent(qs8w4_gemm_packed_bytes(kernel_.layout, n, k)));
  if (packed == nullptr) {
    return Status(StatusCode::kResourceExhausted, "cannot allocate the packed int4 weights");
  }
  qs8w4_gemm_pack(kernel_.layout, n, k, int4_weights, bias, quantization.input_zero_point,
                  packed);
  packed_ = packed;
  LOWBIT_RETURN_IF_ERROR(make_gemm_params(ctx, quantization, n, nr, &params_));
  // A batch-1 layer has one row tile: its channel blocks are what threads
  // share. Each output comes from the same exact integer sums whatever the
  // split, so the bytes do not depend on the thread count.
  const size_t threads = static_cast<size_t>(std::max(1, ctx.pool().num_threads()));
  channel_splits_ = threads == 1 ? 1 : std::min(blocks_, 4 * threads);
  return Status::Ok();
}

void Qs8w4FullyConnectedDriver::run_task(size_t row0, size_t mr, size_t first_block,
                                         size_t end_block, const int8_t* input,
                                         int8_t* output) const {
  if (first_block >= end_block) return;
  const int8_t* rows[kMaxTileRows];
  for (size_t m = 0; m < mr; ++m) rows[m] = input + (row0 + m) * k_;
  const size_t c0 = first_block * kernel_.layout.nr;
  const size_t nc = std::min<size_t>(n_, end_block * kernel_.layout.nr) - c0;
  Qs8GemmParams params = params_;
  params.multiplier += c0;
  params.shift += c0;
  params.scale += c0;
  kernel_.fn(mr, nc, k_, rows, packed_ + first_block * block_bytes_, output + row0 * n_ + c0, n_,
             params);
}

void Qs8w4FullyConnectedDriver::run(ThreadPool& pool, const int8_t* input, int8_t* output) const {
  const size_t mr = kernel_.mr;
  const size_t tiles = (rows_ + mr - 1) / mr;
  auto task = [&](size_t tile, size_t split) {
    const size_t row0 = tile * mr;
    const size_t first = blocks_ * split / channel_splits_;
    const size_t end = blocks_ * (split + 1) / channel_splits_;
    run_task(row0, std::min(mr, rows_ - row0), first, end, input, output);
  };
  if (channel_splits_ == 1 && tiles == 1) {
    task(0, 0);
    return;
  }
  pool.parallel_for_2d(tiles, channel_splits_, task);
}

}  // namespace lowbit
