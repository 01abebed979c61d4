/* Keyword spotting with lowbit micro: the MLPerf Tiny KWS model (int8
 * DS-CNN, one 49x10 spectrogram in, 12 class scores out) compiled into the
 * image, every byte the runtime needs in one static arena, only the model's
 * six operators linked. The same file is the x86-64, aarch64 and armv7
 * firmware (Linux, linked statically on ARM) and the bare-metal Cortex-M4
 * one (qemu-system-arm -M mps2-an386, output through semihosting);
 * scripts/check-firmware.sh runs all four and compares their scores.
 *
 *   kws_firmware [OUTPUT.bin]      hosted: also writes the 12 score bytes there
 *   kws_firmware [EXTRA_INVOKES]   bare metal: invokes that many more times
 *                                  (instruction counts by difference)
 *
 * The lines marked "counting hook" are this example's proof that nothing
 * allocates (allocation_counter.c); a firmware leaves them out. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocation_counter.h"
#include "lowbit/micro.h"

/* The .lbm (lowbit-convert's output) and one input as const arrays, written
 * by the build (cmake/LowbitEmbedFile.cmake; `xxd -i` with _Alignas(16) added
 * does as well). The model is read in place, so it must be 16-byte aligned. */
extern const unsigned char lowbit_kws_model[];
extern const size_t lowbit_kws_model_size;
extern const unsigned char lowbit_kws_input[];
extern const size_t lowbit_kws_input_size;

/* lowbit_micro_arena_size's answer for this model (printed below) is what the
 * arena must hold; it differs a little by target, as packed weights do. */
#ifndef KWS_ARENA_BYTES
#define KWS_ARENA_BYTES (64 * 1024)
#endif
static _Alignas(16) uint8_t arena[KWS_ARENA_BYTES];
static lowbit_micro_resolver ops;

static int fail(const char* what, const char* message) {
  printf("kws_firmware: %s: %s\n", what, message);
  return 1;
}

int main(int argc, char** argv) {
#if defined(__linux__)
  const char* output_path = argc > 1 ? argv[1] : NULL;
  const long extra_invokes = 0;
#else
  const long extra_invokes = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
#endif
  allocation_counting(1); /* counting hook */

  /* The model's operators (lowbit-inspect lists them): nothing else is linked. */
  const lowbit_micro_op* const model_ops[] = {
      lowbit_micro_op_conv_2d(),         lowbit_micro_op_depthwise_conv_2d(),
      lowbit_micro_op_average_pool_2d(), lowbit_micro_op_reshape(),
      lowbit_micro_op_fully_connected(), lowbit_micro_op_softmax()};
  lowbit_micro_resolver_init(&ops);
  for (size_t i = 0; i < sizeof model_ops / sizeof model_ops[0]; ++i) {
    if (lowbit_micro_resolver_add(&ops, model_ops[i]) != LOWBIT_OK) {
      return fail("naming the operators", "lowbit_micro_resolver_add failed");
    }
  }
  lowbit_micro_error error;
  size_t needed = 0;
  if (lowbit_micro_arena_size(lowbit_kws_model, lowbit_kws_model_size, &ops, NULL, &needed,
                              &error) != LOWBIT_OK) {
    return fail("sizing the arena", error.message);
  }
  if (needed > sizeof arena) {
    printf("kws_firmware: the model needs %lu arena bytes, the image has %lu (KWS_ARENA_BYTES)\n",
           (unsigned long)needed, (unsigned long)sizeof arena);
    return 1;
  }
  lowbit_micro* kws = NULL;
  if (lowbit_micro_create(lowbit_kws_model, lowbit_kws_model_size, &ops, NULL, arena,
                          sizeof arena, &kws, &error) != LOWBIT_OK) {
    return fail("creating the runtime", error.message);
  }
  lowbit_micro_tensor input, output;
  if (lowbit_micro_input(kws, 0, &input) != LOWBIT_OK || input.bytes != lowbit_kws_input_size) {
    return fail("the input", "the model's first input does not take the sample's bytes");
  }
  for (long i = 0; i <= extra_invokes; ++i) {
    /* A new frame before each invoke, as a real firmware would. */
    memcpy(input.data, lowbit_kws_input, input.bytes);
    if (lowbit_micro_invoke(kws) != LOWBIT_OK) return fail("invoke", lowbit_micro_message(kws));
  }
  if (lowbit_micro_output(kws, 0, &output) != LOWBIT_OK) return fail("the output", "missing");

  allocation_counting(0); /* counting hook */
  lowbit_micro_memory memory;
  lowbit_micro_memory_use(kws, &memory);
  printf("kws_firmware: model %lu bytes; arena %lu bytes needed (lowbit_micro_arena_size), %lu in "
         "the image, %lu used: %lu persistent + %lu planned (liveness bound %lu)\n",
         (unsigned long)lowbit_kws_model_size, (unsigned long)needed, (unsigned long)sizeof arena,
         (unsigned long)memory.arena_bytes, (unsigned long)memory.persistent_bytes,
         (unsigned long)memory.planned_bytes, (unsigned long)memory.liveness_bound_bytes);
  for (size_t op = 0; op < lowbit_micro_num_operators(kws); ++op) {
    printf("kws_firmware: kernel of operator %lu: %s\n", (unsigned long)op,
           lowbit_micro_kernel_name(kws, op));
  }
  const int8_t* scores = (const int8_t*)output.data;
  size_t best = 0;
  printf("kws_firmware: scores");
  for (size_t i = 0; i < output.bytes; ++i) {
    printf(" %d", scores[i]);
    if (scores[i] > scores[best]) best = i;
  }
  printf("\nkws_firmware: class %lu\n", (unsigned long)best);

  /* counting hook */
  printf("kws_firmware: %lu allocator calls from lowbit_micro_arena_size to the last of %ld "
         "invokes\n", (unsigned long)allocation_calls(), extra_invokes + 1);
  if (allocation_calls() != 0) return fail("FAILED", "the runtime called the allocator");
#if defined(__linux__)
  if (output_path != NULL) {
    FILE* f = fopen(output_path, "wb");
    const int written = f != NULL && fwrite(scores, 1, output.bytes, f) == output.bytes;
    if (f == NULL || fclose(f) != 0 || !written) return fail("cannot write", output_path);
  }
#endif
  return 0;
}
