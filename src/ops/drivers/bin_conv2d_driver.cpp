#include "ops/drivers/bin_conv2d_driver.h"

#include <algorithm>
#include <cstring>

#include "kernels/bin_gemm.h"
#include "ops/binary_util.h"

namespace lowbit {
Status BinConv2DDriver::prepare(PrepareContext& ctx, const char* family, const uint32_t* filter,
                                bool same_padding, ref::BinConv2DParams* p) {
  const size_t taps = size_t(p->kernel_h) * p->kernel_w;
  p->tap_popcounts = nullptr;
  if (same_padding) {
    auto* popcounts =
        static_cast<int32_t*>(ctx.allocate_persistent(size_t(p->out_channels) * taps * 4));
    if (popcounts == nullptr) {
      return Status(StatusCode::kResourceExhausted, "cannot allocate filter tap popcounts");
    }
    ref::bin_tap_popcounts(filter, p->out_channels, static_cast<int32_t>(taps), p->group_channels,
                           popcounts);
    p->tap_popcounts = popcounts;
  }

  // The portable GEMM maps to the direct reference kernel, the definition.
  // Short tiles are the kernels' business (the AVX-512 one has 4- and 8-row
  // bodies).
  const size_t pixels = ref::bin_conv2d_pixels(*p);
  const KernelVariant<BinGemmKernel>& gemm = ctx.selector().select(bin_gemm_variants());
  use_gemm_ = !gemm.fn.portable && bin_conv2d_gemm_supported(*p);
  const size_t tile = use_gemm_ ? gemm.fn.mr : 1;
  const size_t threads = size_t(std::max(1, ctx.pool().num_threads()));
  // One chunk on one thread; otherwise about four per thread, each whole tiles
  // (a chunk ending mid-tile would run a short tile for its last rows).
  tile_ = tile;
  const size_t tiles = (pixels + tile - 1) / tile;
  chunks_ = threads == 1 ? 1 : std::max<size_t>(1, std::min(tiles, threads * 4));
  if (!use_gemm_) {
    name_ = std::string(family) + "__reference";
    return Status::Ok();
  }
  name_ = std::string(family) + "__" + gemm.isa;
  plan_.gemm = gemm.fn;
  // The output stage brings no instruction set the GEMM does not use, so one
  // kernel set (e.g. "avx2") never mixes in another.
  plan_.output = ctx.selector().limited_to(gemm.required).select(bin_output_variants()).fn;
  const size_t packed_bytes = bin_conv2d_gemm_packed_bytes(*p, plan_.gemm);
  if (ctx.sizing_only()) {
    ctx.reserve_persistent(packed_bytes);
  } else {
    void* storage = ctx.allocate_persistent(packed_bytes);
    if (storage == nullptr) {
      return Status(StatusCode::kResourceExhausted,
                    "cannot allocate the packed filter and indirection buffer");
    }
    bin_conv2d_gemm_pack(*p, filter, &plan_, storage);
  }
  scratch_per_chunk_ = bin_conv2d_gemm_scratch_bytes(*p, plan_.gemm);
  ctx.request_scratch(chunks_ * scratch_per_chunk_);
  return Status::Ok();
}

void BinConv2DDriver::run(ThreadPool& pool, const ref::BinConv2DParams& p, const uint32_t* input,
                          const uint32_t* filter, void* output, void* scratch) const {
  const size_t pixels = ref::bin_conv2d_pixels(p);
  const size_t tiles = (pixels + tile_ - 1) / tile_;
  const size_t chunks = std::min(chunks_, tiles);
  if (chunks == 0) return;
  auto body = [&](size_t i) {
    const size_t begin = i * tiles / chunks * tile_;
    const size_t end = std::min(pixels, (i + 1) * tiles / chunks * tile_);
    if (use_gemm_) {
      bin_conv2d_gemm(p, plan_, input, output,
                      static_cast<uint8_t*>(scratch) + i * scratch_per_chunk_, begin, end);
    } else {
      ref::bin_conv2d(p, input, filter, output, begin, end);
    }
  };
  if (chunks == 1) {
    body(0);
  } else {
    pool.parallel_for(chunks, body);
  }
}

}  // namespace lowbit
