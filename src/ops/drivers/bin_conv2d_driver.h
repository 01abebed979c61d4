// How BCONV2D and BFULLY_CONNECTED run a binary convolution: the direct
// reference kernel, or indirection + the best bin_gemm microkernel (kernels/bin_gemm.h)
// the kernel selector allows. Both give the same bits (tests/ops_binary).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels/reference/bin_conv2d.h"
#include "ops/drivers/bin_conv2d_gemm_driver.h"
#include "ops/op_kernel.h"

namespace lowbit {

class BinConv2DDriver {
 public:
  // `p` is complete but for tap_popcounts, which this fills when padding can
  // reach outside the image (`same_padding`). `family` names the kernel:
  // "<family>__<isa>". Requests scratch and persistent memory from ctx.
  Status prepare(PrepareContext& ctx, const char* family, const uint32_t* filter,
                 bool same_padding, ref::BinConv2DParams* p);
  void run(ThreadPool& pool, const ref::BinConv2DParams& p, const uint32_t* input,
           const uint32_t* filter, void* output, void* scratch) const;
  const char* name() const { return name_.c_str(); }

 private:
  std::string name_;
  bool use_gemm_ = false;
  BinConv2DGemmPlan plan_;
  size_t chunks_ = 1;
  size_t tile_ = 1;  // pixels per GEMM tile (chunks start on tile boundaries)
  size_t scratch_per_chunk_ = 0;
};

}  // namespace lowbit
