// QUANTIZE, DEQUANTIZE and CAST convert between dtypes with one kernel family
// per dtype pair: create() picks the family, prepare() only fills the parameters.
#pragma once

#include <cstddef>
#include <memory>

#include "ops/add_elementwise_util.h"

namespace lowbit {

template <typename In, typename Out, typename Params>
class ConversionKernel : public UnaryElementwiseKernel<In, Out, Params> {
 public:
  using Fn = typename UnaryElementwiseKernel<In, Out, Params>::Fn;
  // Fills the parameters from the operator's tensors and profile.
  using SetParams = void (*)(const PrepareContext& ctx, Params* params);

  ConversionKernel(const KernelFamily<Fn>& family, SetParams set_params)
      : family_(family), set_params_(set_params) {}

  Status prepare(PrepareContext& ctx) override {
    set_params_(ctx, &this->params_);
    return this->choose(ctx, family_);
  }

 private:
  KernelFamily<Fn> family_;
  SetParams set_params_;
};

// The conversion kernel of a family; dtypes and parameters follow from the
// family's function type.
template <typename Params, typename In, typename Out>
std::unique_ptr<OpKernel> conversion_kernel(
    const KernelFamily<void (*)(const Params&, size_t, const In*, Out*)>& family,
    void (*set_params)(const PrepareContext&, Params*)) {
  return std::make_unique<ConversionKernel<In, Out, Params>>(family, set_params);
}

}  // namespace lowbit
