/* XNNPACK's entry points that lowbit's float operators call, all failing,
 * for the static bench_model and lowbit-run (src/platform/README.md): Debian has no
 * static XNNPACK. lowbit_xnnpack_stand_in tells the runtime
 * (src/runtime/float_kernels.cpp) that these are linked, so float operators
 * default to lowbit's own kernels and asking for XNNPACK's is refused with
 * that reason; none of the entry points below is then reached, they exist for
 * the linker (and fail, naming the missing library, if one ever is). C++ (the
 * declarations in xnnpack.h are extern "C"), so the unused parameters can go
 * unnamed. */
#include <cstdio>
#include <xnnpack.h>

extern "C" int lowbit_xnnpack_stand_in(void) { return 1; }

enum xnn_status xnn_initialize(const struct xnn_allocator* /*allocator*/) {
  std::fprintf(stderr, "error: this build has no XNNPACK; float operators run on lowbit's own "
                       "kernels (--float-kernels=own)\n");
  return xnn_status_unsupported_hardware;
}

enum xnn_status xnn_create_add_nd_f32(
    float /*output_min*/, float /*output_max*/, uint32_t /*flags*/,
    xnn_operator_t* /*add_op_out*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_create_average_pooling2d_nhwc_f32(
    uint32_t /*input_padding_top*/, uint32_t /*input_padding_right*/,
    uint32_t /*input_padding_bottom*/, uint32_t /*input_padding_left*/, uint32_t /*pooling_height*/,
    uint32_t /*pooling_width*/, uint32_t /*stride_height*/, uint32_t /*stride_width*/,
    size_t /*channels*/, size_t /*input_pixel_stride*/, size_t /*output_pixel_stride*/,
    float /*output_min*/, float /*output_max*/, uint32_t /*flags*/,
    xnn_operator_t* /*average_pooling_op_out*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_create_clamp_nc_f32(
    size_t /*channels*/, size_t /*input_stride*/, size_t /*output_stride*/, float /*output_min*/,
    float /*output_max*/, uint32_t /*flags*/, xnn_operator_t* /*clamp_op_out*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_create_convolution2d_nhwc_f32(
    uint32_t /*input_padding_top*/, uint32_t /*input_padding_right*/,
    uint32_t /*input_padding_bottom*/, uint32_t /*input_padding_left*/, uint32_t /*kernel_height*/,
    uint32_t /*kernel_width*/, uint32_t /*subsampling_height*/, uint32_t /*subsampling_width*/,
    uint32_t /*dilation_height*/, uint32_t /*dilation_width*/, uint32_t /*groups*/,
    size_t /*group_input_channels*/, size_t /*group_output_channels*/,
    size_t /*input_channel_stride*/, size_t /*output_channel_stride*/, const float* /*kernel*/,
    const float* /*bias*/, float /*output_min*/, float /*output_max*/, uint32_t /*flags*/,
    xnn_operator_t* /*convolution_op_out*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_create_fully_connected_nc_f32(
    size_t /*input_channels*/, size_t /*output_channels*/, size_t /*input_stride*/,
    size_t /*output_stride*/, const float* /*kernel*/, const float* /*bias*/, float /*output_min*/,
    float /*output_max*/, uint32_t /*flags*/, xnn_operator_t* /*fully_connected_op_out*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_create_global_average_pooling_nwc_f32(
    size_t /*channels*/, size_t /*input_stride*/, size_t /*output_stride*/, float /*output_min*/,
    float /*output_max*/, uint32_t /*flags*/, xnn_operator_t* /*global_average_pooling_op_out*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_create_hardswish_nc_f32(
    size_t /*channels*/, size_t /*input_stride*/, size_t /*output_stride*/, uint32_t /*flags*/,
    xnn_operator_t* /*hardswish_op_out*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_create_max_pooling2d_nhwc_f32(
    uint32_t /*input_padding_top*/, uint32_t /*input_padding_right*/,
    uint32_t /*input_padding_bottom*/, uint32_t /*input_padding_left*/, uint32_t /*pooling_height*/,
    uint32_t /*pooling_width*/, uint32_t /*stride_height*/, uint32_t /*stride_width*/,
    uint32_t /*dilation_height*/, uint32_t /*dilation_width*/, size_t /*channels*/,
    size_t /*input_pixel_stride*/, size_t /*output_pixel_stride*/, float /*output_min*/,
    float /*output_max*/, uint32_t /*flags*/, xnn_operator_t* /*max_pooling_op_out*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_create_multiply_nd_f32(
    float /*output_min*/, float /*output_max*/, uint32_t /*flags*/,
    xnn_operator_t* /*multiply_op_out*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_create_sigmoid_nc_f32(
    size_t /*channels*/, size_t /*input_stride*/, size_t /*output_stride*/, uint32_t /*flags*/,
    xnn_operator_t* /*sigmoid_op_out*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_create_softmax_nc_f32(
    size_t /*channels*/, size_t /*input_stride*/, size_t /*output_stride*/, uint32_t /*flags*/,
    xnn_operator_t* /*softmax_op_out*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_delete_operator(xnn_operator_t /*op*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_create_subtract_nd_f32(
    float /*output_min*/, float /*output_max*/, uint32_t /*flags*/,
    xnn_operator_t* /*subtract_op_out*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_run_operator(xnn_operator_t /*op*/, pthreadpool_t /*threadpool*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_setup_add_nd_f32(
    xnn_operator_t /*add_op*/, size_t /*num_input1_dims*/, const size_t* /*input1_shape*/,
    size_t /*num_input2_dims*/, const size_t* /*input2_shape*/, const float* /*input1*/,
    const float* /*input2*/, float* /*output*/, pthreadpool_t /*threadpool*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_setup_subtract_nd_f32(
    xnn_operator_t /*subtract_op*/, size_t /*num_input1_dims*/, const size_t* /*input1_shape*/,
    size_t /*num_input2_dims*/, const size_t* /*input2_shape*/, const float* /*input1*/,
    const float* /*input2*/, float* /*output*/, pthreadpool_t /*threadpool*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_setup_average_pooling2d_nhwc_f32(
    xnn_operator_t /*average_pooling_op*/, size_t /*batch_size*/, size_t /*input_height*/,
    size_t /*input_width*/, const float* /*input*/, float* /*output*/,
    pthreadpool_t /*threadpool*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_setup_clamp_nc_f32(
    xnn_operator_t /*clamp_op*/, size_t /*batch_size*/, const float* /*input*/, float* /*output*/,
    pthreadpool_t /*threadpool*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_setup_convolution2d_nhwc_f32(
    xnn_operator_t /*convolution_op*/, size_t /*batch_size*/, size_t /*input_height*/,
    size_t /*input_width*/, const float* /*input*/, float* /*output*/,
    pthreadpool_t /*threadpool*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_setup_fully_connected_nc_f32(
    xnn_operator_t /*fully_connected_op*/, size_t /*batch_size*/, const float* /*input*/,
    float* /*output*/, pthreadpool_t /*threadpool*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_setup_global_average_pooling_nwc_f32(
    xnn_operator_t /*global_average_pooling_op*/, size_t /*batch_size*/, size_t /*width*/,
    const float* /*input*/, float* /*output*/, pthreadpool_t /*threadpool*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_setup_hardswish_nc_f32(
    xnn_operator_t /*hardswish_op*/, size_t /*batch_size*/, const float* /*input*/,
    float* /*output*/, pthreadpool_t /*threadpool*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_setup_max_pooling2d_nhwc_f32(
    xnn_operator_t /*max_pooling_op*/, size_t /*batch_size*/, size_t /*input_height*/,
    size_t /*input_width*/, const float* /*input*/, float* /*output*/,
    pthreadpool_t /*threadpool*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_setup_multiply_nd_f32(
    xnn_operator_t /*multiply_op*/, size_t /*num_input1_dims*/, const size_t* /*input1_shape*/,
    size_t /*num_input2_dims*/, const size_t* /*input2_shape*/, const float* /*input1*/,
    const float* /*input2*/, float* /*output*/, pthreadpool_t /*threadpool*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_setup_sigmoid_nc_f32(
    xnn_operator_t /*sigmoid_op*/, size_t /*batch_size*/, const float* /*input*/, float* /*output*/,
    pthreadpool_t /*threadpool*/) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_setup_softmax_nc_f32(
    xnn_operator_t /*softmax_op*/, size_t /*batch_size*/, const float* /*input*/, float* /*output*/,
    pthreadpool_t /*threadpool*/) {
  return xnn_status_uninitialized;
}

// The FP16 path (InterpreterOptions::float_precision): never reached, the
// interpreter refuses fp16 without XNNPACK float kernels.
enum xnn_status xnn_create_convolution2d_nhwc_f16(
    uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t,
    uint32_t, uint32_t, size_t, size_t, size_t, size_t, const void*, const void*, float, float,
    uint32_t, xnn_operator_t*) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_setup_convolution2d_nhwc_f16(xnn_operator_t, size_t, size_t, size_t,
                                                 const void*, void*, pthreadpool_t) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_create_fully_connected_nc_f16(size_t, size_t, size_t, size_t, const void*,
                                                  const void*, float, float, uint32_t,
                                                  xnn_operator_t*) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_setup_fully_connected_nc_f16(xnn_operator_t, size_t, const void*, void*,
                                                 pthreadpool_t) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_create_convert_nc_f32_f16(size_t, size_t, size_t, uint32_t, xnn_operator_t*) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_setup_convert_nc_f32_f16(xnn_operator_t, size_t, const float*, void*,
                                             pthreadpool_t) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_create_convert_nc_f16_f32(size_t, size_t, size_t, uint32_t, xnn_operator_t*) {
  return xnn_status_uninitialized;
}

enum xnn_status xnn_setup_convert_nc_f16_f32(xnn_operator_t, size_t, const void*, float*,
                                             pthreadpool_t) {
  return xnn_status_uninitialized;
}
