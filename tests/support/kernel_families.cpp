#include "support/kernel_families.h"

#include "kernels/arg_reduce.h"
#include "kernels/bin_gemm.h"
#include "kernels/bin_maxpool2d.h"
#include "kernels/bin_pack.h"
#include "kernels/cast.h"
#include "kernels/copy.h"
#include "kernels/data_movement.h"
#include "kernels/f32_dot4.h"
#include "kernels/f32_float.h"
#include "kernels/f32_igemm.h"
#include "kernels/qs8_conv.h"
#include "kernels/qs8_dwconv.h"
#include "kernels/qs8_elementwise.h"
#include "kernels/qs16_dwconv.h"
#include "kernels/qs16_gemm.h"
#include "kernels/qs8_gemm.h"
#include "kernels/qs8_hardswish.h"
#include "kernels/qs8_logistic.h"
#include "kernels/qs8_math.h"
#include "kernels/qs8_matvec.h"
#include "kernels/qs8_mean.h"
#include "kernels/qs8_pool.h"
#include "kernels/qs8_quantize.h"
#include "kernels/qs8_softmax.h"
#include "kernels/qs8w4_gemm.h"
#include "kernels/reduce.h"
#include "kernels/resize.h"
#include "kernels/transpose_conv.h"

namespace lowbit::testing {

// One entry per table of every config in kernels/configs/.
std::vector<KernelFamilyRows> all_kernel_families() {
  return {
      // qs8_gemm_config.cpp, qs8_dwconv_config.cpp, qs8_conv_config.cpp
      family_rows("qs8_gemm", qs8_gemm_variants()),
      // qs8w4_gemm_config.cpp
      family_rows("qs8w4_gemm", qs8w4_gemm_variants()),
      family_rows("qs8_dwconv", qs8_dwconv_variants()),
      family_rows("qs8_conv2d", qs8_conv2d_variants()),
      family_rows("qu8_conv2d", qu8_conv2d_variants()),
      family_rows("qs8_depthwise_conv2d", qs8_depthwise_conv2d_variants()),
      family_rows("qu8_depthwise_conv2d", qu8_depthwise_conv2d_variants()),
      family_rows("qs8_fully_connected", qs8_fully_connected_variants()),
      // qs16_gemm_config.cpp, qs16_dwconv_config.cpp
      family_rows("qs16_gemm", qs16_gemm_variants()),
      family_rows("qs16_dwconv", qs16_dwconv_variants()),
      family_rows("qu8_fully_connected", qu8_fully_connected_variants()),
      // qs8_elementwise_config.cpp, qs8_pool_config.cpp, qs8_mean_config.cpp
      family_rows("qs8_add", qs8_add_variants()),
      family_rows("qs8_mul", qs8_mul_variants()),
      family_rows("qs16_add", qs16_add_variants()),
      family_rows("qs16_mul", qs16_mul_variants()),
      family_rows("qs16_add_pot", qs16_add_pot_variants()),
      family_rows("qs16_mean", qs16_mean_variants()),
      family_rows("qs8_average_pool2d", qs8_average_pool2d_variants()),
      family_rows("qu8_average_pool2d", qu8_average_pool2d_variants()),
      family_rows("qs8_max_pool2d", qs8_max_pool2d_variants()),
      family_rows("qu8_max_pool2d", qu8_max_pool2d_variants()),
      family_rows("qs8_mean", qs8_mean_variants()),
      family_rows("qu8_mean", qu8_mean_variants()),
      // qs8_matvec_config.cpp
      family_rows("qs8_matvec", qs8_matvec_variants()),
      family_rows("qs8_rowdot", qs8_rowdot_variants()),
      family_rows("qs16_rowdot", qs16_rowdot_variants()),
      // f32_dot4_config.cpp
      family_rows("f32_dot4", f32_dot4_variants()),
      // qs8_softmax_config.cpp, qs8_logistic_config.cpp, qs8_hardswish_config.cpp
      family_rows("qs8_softmax", qs8_softmax_variants()),
      family_rows("qs8_softmax_table", qs8_softmax_table_variants()),
      family_rows("qs8_qs16_softmax", qs8_qs16_softmax_variants()),
      family_rows("qs16_softmax", qs16_softmax_variants()),
      family_rows("qs8_logistic", qs8_logistic_variants()),
      family_rows("qs8_logistic_table", qs8_logistic_table_variants()),
      family_rows("qs8_hardswish", qs8_hardswish_variants()),
      // qs8_math_config.cpp
      family_rows("x8_lut", x8_lut_variants()),
      family_rows("qs8_prelu", qs8_prelu_variants()),
      family_rows("qs8_squared_difference", qs8_squared_difference_variants()),
      family_rows("f32_leaky_relu", f32_leaky_relu_variants()),
      family_rows("qs16_leaky_relu", qs16_leaky_relu_variants()),
      family_rows("qs16_logistic", qs16_logistic_variants()),
      family_rows("qs16_tanh", qs16_tanh_variants()),
      // f32_float_config.cpp
      family_rows("f32_conv2d", f32_conv2d_variants()),
      family_rows("f32_dwconv2d", f32_dwconv2d_variants()),
      family_rows("f32_gemm", f32_gemm_variants()),
      family_rows("f32_igemm", f32_igemm_variants()),  // f32_igemm_config.cpp
      family_rows("f32_avgpool2d", f32_avgpool2d_variants()),
      family_rows("f32_maxpool2d", f32_maxpool2d_variants()),
      family_rows("f32_mean", f32_mean_variants()),
      family_rows("f32_add", f32_add_variants()),
      family_rows("f32_sub", f32_sub_variants()),
      family_rows("f32_mul", f32_mul_variants()),
      family_rows("f32_clamp", f32_clamp_variants()),
      family_rows("f32_logistic", f32_logistic_variants()),
      family_rows("f32_hardswish", f32_hardswish_variants()),
      family_rows("f32_softmax", f32_softmax_variants()),
      // cast_config.cpp
      family_rows("u8_f32_cast", u8_f32_cast_variants()),
      family_rows("s8_f32_cast", s8_f32_cast_variants()),
      family_rows("s32_f32_cast", s32_f32_cast_variants()),
      family_rows("f32_s32_cast", f32_s32_cast_variants()),
      // qs8_quantize_config.cpp
      family_rows("qs8_quantize", qs8_quantize_variants()),
      family_rows("qu8_quantize", qu8_quantize_variants()),
      family_rows("qs8_requantize", qs8_requantize_variants()),
      family_rows("qu8_qs8_requantize", qu8_qs8_requantize_variants()),
      family_rows("qs8_qu8_requantize", qs8_qu8_requantize_variants()),
      family_rows("qu8_requantize", qu8_requantize_variants()),
      family_rows("qs8_dequantize", qs8_dequantize_variants()),
      family_rows("qu8_dequantize", qu8_dequantize_variants()),
      family_rows("qs8_relu", qs8_relu_variants()),
      family_rows("qu8_relu", qu8_relu_variants()),
      family_rows("qs16_quantize", qs16_quantize_variants()),
      family_rows("qs16_dequantize", qs16_dequantize_variants()),
      family_rows("qs16_requantize", qs16_requantize_variants()),
      family_rows("qs16_qs8_requantize", qs16_qs8_requantize_variants()),
      family_rows("qs8_qs16_requantize", qs8_qs16_requantize_variants()),
      family_rows("qs16_qs32_requantize", qs16_qs32_requantize_variants()),
      family_rows("qs32_qs16_requantize", qs32_qs16_requantize_variants()),
      // copy_config.cpp
      family_rows("copy_pad", copy_pad_variants()),
      family_rows("copy_bytes", copy_bytes_variants()),
      family_rows("copy_concat", copy_concat_variants()),
      // data_movement_config.cpp
      family_rows("move_strided", move_strided_variants()),
      family_rows("move_gather", move_gather_variants()),
      // arg_reduce_config.cpp
      family_rows("arg_reduce", arg_reduce_variants()),
      // reduce_config.cpp
      family_rows("reduce", reduce_variants()),
      // resize_config.cpp
      family_rows("f32_resize_bilinear", f32_resize_bilinear_variants()),
      family_rows("qu8_resize_bilinear", qu8_resize_bilinear_variants()),
      family_rows("qs8_resize_bilinear", qs8_resize_bilinear_variants()),
      family_rows("copy_resize_nearest", copy_resize_nearest_variants()),
      // transpose_conv_config.cpp
      family_rows("qs8_transpose_conv_gemm", qs8_transpose_conv_gemm_variants()),
      family_rows("qu8_transpose_conv_gemm", qu8_transpose_conv_gemm_variants()),
      family_rows("qs8_transpose_conv_output", qs8_transpose_conv_output_variants()),
      family_rows("qu8_transpose_conv_output", qu8_transpose_conv_output_variants()),
      // bin_gemm_config.cpp, bin_output_config.cpp, bin_pack_config.cpp,
      // bin_unpack_config.cpp, bin_maxpool2d_config.cpp
      family_rows("bin_gemm", bin_gemm_variants()),
      family_rows("bin_output", bin_output_variants()),
      family_rows("bin_pack_f32", bin_pack_f32_variants()),
      family_rows("bin_pack_qs8", bin_pack_qs8_variants()),
      family_rows("bin_unpack_f32", bin_unpack_f32_variants()),
      family_rows("bin_unpack_qs8", bin_unpack_qs8_variants()),
      family_rows("bin_maxpool2d", bin_maxpool2d_variants()),
  };
}

}  // namespace lowbit::testing
