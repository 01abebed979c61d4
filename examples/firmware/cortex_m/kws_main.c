/* The MLPerf Tiny keyword-spotting model (int8 DS-CNN) on a bare-metal
 * Cortex-M4 (qemu-system-arm -M mps2-an386, semihosting): the model and the
 * sample input compiled in, a static arena, only the model's operators
 * linked. Prints the kernel of each operator and the output bytes in hex for
 * the sample input and three frames derived from it (frame f adds
 * (i*7 + f*13) % 61 - 30 to byte i, saturated), which
 * scripts/check-cortex-m.sh compares with the x86 build byte for byte.
 *   cortex_m_kws [KERNEL_SET [N]]    (qemu: -semihosting-config arg=...)
 * KERNEL_SET is "auto" (the build's fixed instruction sets: the Cortex-M4
 * GEMM and depthwise kernels) or "reference"; N more invokes on the sample
 * follow, so two runs give the instructions of one inference by difference.
 * Fails if an invoke allocates. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../allocation_counter.h"
#include "lowbit/c_api.h"
#include "semihosting.h"

extern const unsigned char lowbit_kws_model[];
extern const size_t lowbit_kws_model_size;
extern const unsigned char lowbit_kws_input[];
extern const size_t lowbit_kws_input_size;

/* KWS needs 16,703 bytes (lowbit_arena_size, checked below). */
enum { kArenaBytes = 32 * 1024, kFrames = 4 };
static _Alignas(16) uint8_t arena[kArenaBytes];
static lowbit_op_resolver ops;

static int fail(const char* what, lowbit_status status) {
  printf("cortex_m_kws: %s: %s: %s\n", what, lowbit_status_name(status), lowbit_last_error());
  return 1;
}

static lowbit_status add_model_operators(lowbit_op_resolver* resolver) {
  const lowbit_op* const needed[] = {lowbit_op_Conv2D(),         lowbit_op_DepthwiseConv2D(),
                                     lowbit_op_AveragePool2D(),  lowbit_op_FullyConnected(),
                                     lowbit_op_Reshape(),        lowbit_op_Softmax()};
  lowbit_op_resolver_init(resolver);
  for (size_t i = 0; i < sizeof needed / sizeof needed[0]; ++i) {
    const lowbit_status status = lowbit_op_resolver_add(resolver, needed[i]);
    if (status != LOWBIT_OK) return status;
  }
  return LOWBIT_OK;
}

static void fill_frame(lowbit_tensor* input, int frame) {
  int8_t* data = (int8_t*)lowbit_tensor_data(input);
  for (size_t i = 0; i < lowbit_kws_input_size; ++i) {
    int value = (int8_t)lowbit_kws_input[i];
    if (frame > 0) value += (int)((i * 7 + (size_t)frame * 13) % 61) - 30;
    data[i] = (int8_t)(value < -128 ? -128 : value > 127 ? 127 : value);
  }
}

static void print_hex(const char* label, int index, const uint8_t* bytes, size_t n) {
  printf("cortex_m_kws: %s %d:", label, index);
  for (size_t i = 0; i < n; ++i) printf(" %02x", bytes[i]);
  printf("\n");
}

int main(int argc, char** argv) {
  lowbit_interpreter_options options;
  lowbit_interpreter_options_init(&options);
  options.kernel = argc > 1 ? argv[1] : "auto";
  const long repeats = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
  /* newlib allocates stdout's buffer at the first printf: before counting. */
  printf("cortex_m_kws: kernel set %s\n", options.kernel);
  /* --- initialisation --- */
  allocation_counting(1);
  lowbit_status status = add_model_operators(&ops);
  if (status != LOWBIT_OK) return fail("naming the operators", status);
  lowbit_model* model = NULL;
  status = lowbit_model_create_from_buffer_with_resolver(lowbit_kws_model, lowbit_kws_model_size,
                                                         &ops, &model);
  if (status != LOWBIT_OK) return fail("loading the model", status);
  size_t needed = 0;
  status = lowbit_arena_size(model, &options, &needed);
  if (status != LOWBIT_OK) return fail("sizing the arena", status);
  if (needed > sizeof arena) {
    printf("cortex_m_kws: the model needs %lu arena bytes, the image has %lu\n",
           (unsigned long)needed, (unsigned long)sizeof arena);
    return 1;
  }
  lowbit_interpreter* interpreter = NULL;
  status = lowbit_interpreter_create(model, &options, arena, sizeof arena, &interpreter);
  if (status != LOWBIT_OK) return fail("creating the interpreter", status);
  lowbit_tensor* input = lowbit_interpreter_input(interpreter, 0);
  lowbit_tensor* output = lowbit_interpreter_output(interpreter, 0);
  if (lowbit_tensor_bytes(input) != lowbit_kws_input_size) {
    printf("cortex_m_kws: the sample input has %lu bytes, the model's input %lu\n",
           (unsigned long)lowbit_kws_input_size, (unsigned long)lowbit_tensor_bytes(input));
    return 1;
  }
  allocation_counting(0);
  const size_t init_allocations = allocation_count();
  const size_t init_heap = semihosting_heap_used();

  /* --- inference: no allocation from here on --- */
  allocation_counting(1);
  for (int frame = 0; frame < kFrames; ++frame) {
    fill_frame(input, frame);
    status = lowbit_interpreter_invoke(interpreter);
    if (status != LOWBIT_OK) return fail("invoke", status);
    print_hex("output", frame, (const uint8_t*)lowbit_tensor_data(output),
              lowbit_tensor_bytes(output));
  }
  fill_frame(input, 0);
  for (long i = 0; i < repeats; ++i) {
    status = lowbit_interpreter_invoke(interpreter);
    if (status != LOWBIT_OK) return fail("invoke", status);
  }
  allocation_counting(0);
  const size_t loop_allocations = allocation_count() - init_allocations;

  for (size_t op = 0; op < lowbit_interpreter_num_operators(interpreter); ++op) {
    printf("cortex_m_kws: kernel of operator %lu: %s\n", (unsigned long)op,
           lowbit_interpreter_kernel_name(interpreter, op));
  }
  printf("cortex_m_kws: model %lu bytes, arena %lu of %lu bytes used, packed weights %lu bytes\n",
         (unsigned long)lowbit_kws_model_size, (unsigned long)needed, (unsigned long)sizeof arena,
         (unsigned long)lowbit_interpreter_packed_weight_bytes(interpreter));
  printf("cortex_m_kws: %lu heap allocations (%lu bytes of heap) during initialisation, "
         "%lu during %ld invokes\n",
         (unsigned long)init_allocations, (unsigned long)init_heap,
         (unsigned long)loop_allocations, kFrames + repeats);
  lowbit_interpreter_destroy(interpreter);
  lowbit_model_destroy(model);
  if (loop_allocations != 0) {
    printf("cortex_m_kws: FAILED: an invoke allocated\n");
    return 1;
  }
  return 0;
}
