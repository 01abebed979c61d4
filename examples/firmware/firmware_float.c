/* Firmware with float32 operators: block_float (float CONV_2D, DEPTHWISE_CONV_2D,
 * CONV_2D and ADD, MobileNetV2-style) compiled into the image, run on lowbit's
 * own float kernels, which only lowbit_op_resolver_add_float_kernels links in.
 * As in firmware_main.c, the arena is static and the inference loop must not
 * allocate.
 *
 *   build-firmware/bin/firmware_float_demo [INPUT_OUT OUTPUT_OUT]
 *   build-firmware/bin/firmware_float_demo --without-float-kernels
 *
 * The second form leaves the float kernels out of the resolver and succeeds
 * only if preparing the model (lowbit_arena_size) is refused with a message
 * naming lowbit_op_resolver_add_float_kernels.
 *
 * With the two paths it writes the input it made and the output it got, so
 * scripts/check-firmware.sh can compare them with the desktop build's
 * lowbit-run --float-kernels own on the same input (byte for byte). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "allocation_counter.h"
#include "lowbit/c_api.h"

extern const unsigned char lowbit_block_float_model[];
extern const size_t lowbit_block_float_model_size;

enum { kArenaBytes = 1024 * 1024, kInvokes = 3 };
static uint8_t arena[kArenaBytes];
static lowbit_op_resolver ops;

static int fail(const char* what, lowbit_status status) {
  printf("firmware_float_demo: %s: %s: %s\n", what, lowbit_status_name(status), lowbit_last_error());
  return 1;
}

/* A stand-in for a sensor: a smooth pattern in [-2, 2]. */
static void fill_input(lowbit_tensor* input) {
  float* values = (float*)lowbit_tensor_data(input);
  const size_t n = lowbit_tensor_bytes(input) / sizeof(float);
  for (size_t i = 0; i < n; ++i) values[i] = (float)((int)((i * 37) % 401) - 200) / 100.0f;
}

static int write_file(const char* path, const void* data, size_t bytes) {
  FILE* f = fopen(path, "wb");
  if (f == NULL) return 0;
  const size_t written = fwrite(data, 1, bytes, f);
  return fclose(f) == 0 && written == bytes;
}

int main(int argc, char** argv) {
  allocation_counting(1);
  /* The model's operators, and the float kernels they need here. */
  lowbit_op_resolver_init(&ops);
  lowbit_status status = lowbit_op_resolver_add(&ops, lowbit_op_Conv2D());
  if (status == LOWBIT_OK) status = lowbit_op_resolver_add(&ops, lowbit_op_DepthwiseConv2D());
  if (status == LOWBIT_OK) status = lowbit_op_resolver_add(&ops, lowbit_op_Add());
  const int without_float = argc == 2 && strcmp(argv[1], "--without-float-kernels") == 0;
  if (status == LOWBIT_OK && !without_float) status = lowbit_op_resolver_add_float_kernels(&ops);
  if (status != LOWBIT_OK) return fail("naming the operators", status);
  lowbit_model* model = NULL;
  status = lowbit_model_create_from_buffer_with_resolver(
      lowbit_block_float_model, lowbit_block_float_model_size, &ops, &model);
  if (status != LOWBIT_OK) return fail("loading the model", status);
  size_t needed = 0;
  status = lowbit_arena_size(model, NULL, &needed);
  if (without_float) {
    /* Sizing the arena prepares the operators, so the refusal comes here already. */
    const int refused = status == LOWBIT_UNSUPPORTED &&
                        strstr(lowbit_last_error(), "lowbit_op_resolver_add_float_kernels") != NULL;
    printf("firmware_float_demo: without the float kernels: %s\n", lowbit_last_error());
    lowbit_model_destroy(model);
    return refused ? 0 : 1;
  }
  if (status != LOWBIT_OK) return fail("sizing the arena", status);
  if (needed > sizeof arena) {
    printf("firmware_float_demo: the model needs %zu arena bytes, the image has %zu\n", needed,
           sizeof arena);
    return 1;
  }
  lowbit_interpreter* interpreter = NULL;
  status = lowbit_interpreter_create(model, NULL, arena, sizeof arena, &interpreter);
  if (status != LOWBIT_OK) return fail("creating the interpreter", status);
  lowbit_tensor* input = lowbit_interpreter_input(interpreter, 0);
  lowbit_tensor* output = lowbit_interpreter_output(interpreter, 0);
  if (lowbit_tensor_dtype(input) != LOWBIT_FLOAT32 || lowbit_tensor_dtype(output) != LOWBIT_FLOAT32) {
    printf("firmware_float_demo: expected a float32 model\n");
    return 1;
  }
  fill_input(input);

  allocation_counting(0);
  const size_t before = allocation_count();
  allocation_counting(1);
  for (int i = 0; i < kInvokes; ++i) {
    status = lowbit_interpreter_invoke(interpreter);
    if (status != LOWBIT_OK) return fail("invoke", status);
  }
  allocation_counting(0);
  const size_t loop_allocations = allocation_count() - before;

  const float* out = (const float*)lowbit_tensor_data(output);
  const size_t n = lowbit_tensor_bytes(output) / sizeof(float);
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i) sum += out[i];
  printf("firmware_float_demo: float kernels %s, arena %zu of %zu bytes used, %zu outputs, sum %.6f\n",
         lowbit_interpreter_float_kernels(interpreter), needed, sizeof arena, n, sum);
  for (size_t op = 0; op < lowbit_interpreter_num_operators(interpreter); ++op) {
    printf("firmware_float_demo: kernel of operator %zu: %s\n", op,
           lowbit_interpreter_kernel_name(interpreter, op));
  }
  printf("firmware_float_demo: %zu allocations during %d invokes\n", loop_allocations, kInvokes);
  int ok = loop_allocations == 0;
  if (argc == 3) {
    ok = ok && write_file(argv[1], lowbit_tensor_data(input), lowbit_tensor_bytes(input)) &&
         write_file(argv[2], out, lowbit_tensor_bytes(output));
  }
  lowbit_interpreter_destroy(interpreter);
  lowbit_model_destroy(model);
  if (!ok) {
    printf("firmware_float_demo: FAILED (allocation in the loop, or the files could not be written)\n");
    return 1;
  }
  return 0;
}
