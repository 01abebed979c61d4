/* Keyword-spotting firmware: the MLPerf Tiny KWS model (DS-CNN, int8,
 * converted to .lbm at build time) compiled into the image, a static arena,
 * and only the model's operators linked. The same source is the x86, aarch64
 * and armv7 firmware (cross builds link it statically); scripts/check-firmware.sh
 * and scripts/test-arm.sh compare their outputs byte for byte.
 *
 *   firmware_kws INPUT.bin OUTPUT.bin   (INPUT: the 490 int8 bytes of one
 *                                        1x49x10x1 spectrogram, e.g.
 *                                        ../shared/models/mlperf_tiny/kws_sample_input_int8.bin)
 *
 * Prints the arena it needs, the kernel of each operator, the 12 scores and
 * the best class, and writes the scores to OUTPUT. */
#include <stdint.h>
#include <stdio.h>

#include "lowbit/c_api.h"

extern const unsigned char lowbit_kws_model[];
extern const size_t lowbit_kws_model_size;

enum { kArenaBytes = 64 * 1024 };
static uint8_t arena[kArenaBytes];
static lowbit_op_resolver ops;

static int fail(const char* what, lowbit_status status) {
  printf("firmware_kws: %s: %s: %s\n", what, lowbit_status_name(status), lowbit_last_error());
  return 1;
}

/* The KWS model's operators (lowbit-convert and lowbit-inspect list them):
 * only these are linked into the image. */
static lowbit_status add_model_operators(lowbit_op_resolver* resolver) {
  const lowbit_op* const needed[] = {lowbit_op_Conv2D(), lowbit_op_DepthwiseConv2D(),
                                     lowbit_op_AveragePool2D(), lowbit_op_Reshape(),
                                     lowbit_op_FullyConnected(), lowbit_op_Softmax()};
  lowbit_op_resolver_init(resolver);
  for (size_t i = 0; i < sizeof needed / sizeof needed[0]; ++i) {
    const lowbit_status status = lowbit_op_resolver_add(resolver, needed[i]);
    if (status != LOWBIT_OK) return status;
  }
  return LOWBIT_OK;
}

/* Reads exactly `bytes` bytes (the whole file). */
static int read_input(const char* path, void* data, size_t bytes) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) return 0;
  const size_t got = fread(data, 1, bytes, f);
  const int at_end = fgetc(f) == EOF;
  fclose(f);
  return got == bytes && at_end;
}

static int write_output(const char* path, const void* data, size_t bytes) {
  FILE* f = fopen(path, "wb");
  if (f == NULL) return 0;
  const size_t written = fwrite(data, 1, bytes, f);
  return fclose(f) == 0 && written == bytes;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    printf("usage: firmware_kws INPUT.bin OUTPUT.bin\n");
    return 2;
  }
  lowbit_status status = add_model_operators(&ops);
  if (status != LOWBIT_OK) return fail("naming the operators", status);
  lowbit_model* model = NULL;
  status = lowbit_model_create_from_buffer_with_resolver(lowbit_kws_model, lowbit_kws_model_size,
                                                         &ops, &model);
  if (status != LOWBIT_OK) return fail("loading the model", status);
  size_t needed = 0;
  status = lowbit_arena_size(model, NULL, &needed);
  if (status != LOWBIT_OK) return fail("sizing the arena", status);
  lowbit_interpreter* interpreter = NULL;
  status = lowbit_interpreter_create(model, NULL, arena, sizeof arena, &interpreter);
  if (status != LOWBIT_OK) return fail("creating the interpreter", status);
  lowbit_tensor* input = lowbit_interpreter_input(interpreter, 0);
  lowbit_tensor* output = lowbit_interpreter_output(interpreter, 0);
  if (!read_input(argv[1], lowbit_tensor_data(input), lowbit_tensor_bytes(input))) {
    printf("firmware_kws: %s: cannot read exactly %zu input bytes\n", argv[1],
           lowbit_tensor_bytes(input));
    return 1;
  }
  status = lowbit_interpreter_invoke(interpreter);
  if (status != LOWBIT_OK) return fail("invoke", status);

  printf("firmware_kws: model %zu bytes, arena %zu of %zu bytes, packed weights %zu bytes\n",
         lowbit_kws_model_size, needed, sizeof arena,
         lowbit_interpreter_packed_weight_bytes(interpreter));
  for (size_t op = 0; op < lowbit_interpreter_num_operators(interpreter); ++op) {
    printf("firmware_kws: kernel of operator %zu: %s\n", op,
           lowbit_interpreter_kernel_name(interpreter, op));
  }
  const int8_t* scores = (const int8_t*)lowbit_tensor_data(output);
  const size_t classes = lowbit_tensor_bytes(output);
  size_t best = 0;
  printf("firmware_kws: scores");
  for (size_t i = 0; i < classes; ++i) {
    printf(" %d", scores[i]);
    if (scores[i] > scores[best]) best = i;
  }
  printf("\nfirmware_kws: class %zu\n", best);
  if (!write_output(argv[2], scores, classes)) {
    printf("firmware_kws: cannot write %s\n", argv[2]);
    return 1;
  }
  lowbit_interpreter_destroy(interpreter);
  lowbit_model_destroy(model);
  return 0;
}
