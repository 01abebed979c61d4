// The geometry of CONV_2D and DEPTHWISE_CONV_2D over NHWC tensors, as the
// int8 convolution drivers see it: one struct for the hosted drivers
// (src/ops/drivers/) and lowbit micro's operators (src/micro/ops/).
#pragma once

#include <cstdint>

namespace lowbit {

struct ConvGeometry {
  int32_t batch = 1, input_h = 1, input_w = 1, input_c = 1;
  int32_t output_h = 1, output_w = 1, output_c = 1;
  int32_t kernel_h = 1, kernel_w = 1;
  int32_t stride_h = 1, stride_w = 1;
  int32_t dilation_h = 1, dilation_w = 1;
  int32_t pad_top = 0, pad_left = 0;
};

}  // namespace lowbit
