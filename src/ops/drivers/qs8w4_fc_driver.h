// FULLY_CONNECTED with int4 weights through the W4A8 GEMM microkernels
// (kernels/qs8w4_gemm.h): the weights stay two per byte in the packed
// layout, which halves the bytes a batch-1 layer streams from memory. Rows
// are the batch's input rows, columns the output channels.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/qs8w4_gemm.h"
#include "ops/drivers/qs8_gemm_conv_driver.h"
#include "ops/op_kernel.h"

namespace lowbit {

class Qs8w4FullyConnectedDriver {
 public:
  // Packs the [n][k] int4 weights and the bias into persistent memory.
  Status prepare(PrepareContext& ctx, const KernelVariant<Qs8w4GemmKernel>& variant, size_t rows,
                 size_t n, size_t k, const Qs8ConvQuantization& quantization,
                 const uint8_t* int4_weights, const int32_t* bias);
  void run(ThreadPool& pool, const int8_t* input, int8_t* output) const;
  const char* name() const { return name_; }

 private:
  // Rows [row0, row0 + mr) against channel blocks [first_block, end_block).
  void run_task(size_t row0, size_t mr, size_t first_block, size_t end_block, const int8_t* input,
                int8_t* output) const;

  Qs8w4GemmKernel kernel_{};
  Qs8GemmParams params_;
  const uint8_t* packed_ = nullptr;
  const char* name_ = "";
  size_t rows_ = 0, n_ = 0, k_ = 0;
  size_t block_bytes_ = 0;  // one block of NR packed channels
  size_t blocks_ = 0;
  size_t channel_splits_ = 1;
};

}  // namespace lowbit
