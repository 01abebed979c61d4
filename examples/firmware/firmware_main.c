/* Firmware-style use of lowbit from C: the model is compiled into the image,
 * the arena is a static buffer, only the model's operators are linked, and
 * after initialisation the inference loop never allocates (checked: the
 * program fails if the allocator is called after init).
 *
 *   build-firmware/bin/firmware_demo      (cmake -DLOWBIT_FIRMWARE=ON) */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "allocation_counter.h"
#include "lowbit/c_api.h"

extern const unsigned char lowbit_demo_model[];
extern const size_t lowbit_demo_model_size;

enum { kArenaBytes = 512 * 1024, kFrames = 20 };
static uint8_t arena[kArenaBytes];
static lowbit_op_resolver ops;

static int fail(const char* what, lowbit_status status) {
  printf("firmware_demo: %s: %s: %s\n", what, lowbit_status_name(status), lowbit_last_error());
  return 1;
}

/* A stand-in for a camera frame: a moving gradient. */
static void capture_frame(lowbit_tensor* input, int frame) {
  int8_t* pixels = (int8_t*)lowbit_tensor_data(input);
  const size_t n = lowbit_tensor_bytes(input);
  for (size_t i = 0; i < n; ++i) pixels[i] = (int8_t)((i * 7 + (size_t)frame * 13) % 256 - 128);
}

/* demo_int8's operators (lowbit-inspect build/models/demo_int8.lbm lists them):
 * only these are linked into the image. */
static lowbit_status add_model_operators(lowbit_op_resolver* resolver) {
  const lowbit_op* const needed[] = {lowbit_op_Conv2D(), lowbit_op_DepthwiseConv2D(),
                                     lowbit_op_Add(),    lowbit_op_Mean(),
                                     lowbit_op_FullyConnected(), lowbit_op_Softmax()};
  lowbit_op_resolver_init(resolver);
  for (size_t i = 0; i < sizeof needed / sizeof needed[0]; ++i) {
    const lowbit_status status = lowbit_op_resolver_add(resolver, needed[i]);
    if (status != LOWBIT_OK) return status;
  }
  return LOWBIT_OK;
}

static int top_class(lowbit_tensor* output) {
  const int8_t* scores = (const int8_t*)lowbit_tensor_data(output);
  int best = 0;
  for (int i = 1; i < lowbit_tensor_dim(output, 1); ++i) {
    if (scores[i] > scores[best]) best = i;
  }
  return best;
}

int main(void) {
  /* --- initialisation: the only phase allowed to allocate --- */
  allocation_counting(1);
  lowbit_status status = add_model_operators(&ops);
  if (status != LOWBIT_OK) return fail("naming the operators", status);
  lowbit_model* model = NULL;
  status = lowbit_model_create_from_buffer_with_resolver(lowbit_demo_model, lowbit_demo_model_size,
                                                         &ops, &model);
  if (status != LOWBIT_OK) return fail("loading the model", status);
  size_t needed = 0;
  status = lowbit_arena_size(model, NULL, &needed);
  if (status != LOWBIT_OK) return fail("sizing the arena", status);
  if (needed > sizeof arena) {
    printf("firmware_demo: the model needs %zu arena bytes, the image has %zu\n", needed, sizeof arena);
    return 1;
  }
  lowbit_interpreter* interpreter = NULL;
  status = lowbit_interpreter_create(model, NULL, arena, sizeof arena, &interpreter);
  if (status != LOWBIT_OK) return fail("creating the interpreter", status);
  lowbit_tensor* input = lowbit_interpreter_input(interpreter, 0);
  lowbit_tensor* output = lowbit_interpreter_output(interpreter, 0);
  const size_t init_allocations = allocation_count();

  /* --- the inference loop: no allocation from here on --- */
  allocation_counting(0);
  const size_t before = allocation_count();
  allocation_counting(1);
  int classes[kFrames];
  for (int frame = 0; frame < kFrames; ++frame) {
    capture_frame(input, frame);
    status = lowbit_interpreter_invoke(interpreter);
    if (status != LOWBIT_OK) return fail("invoke", status);
    classes[frame] = top_class(output);
  }
  allocation_counting(0);
  const size_t loop_allocations = allocation_count() - before;

  printf("firmware_demo: model %zu bytes, arena %zu of %zu bytes used, packed weights %zu bytes\n",
         lowbit_demo_model_size, needed, sizeof arena,
         lowbit_interpreter_packed_weight_bytes(interpreter));
  for (size_t op = 0; op < lowbit_interpreter_num_operators(interpreter); ++op) {
    printf("firmware_demo: kernel of operator %zu: %s\n", op,
           lowbit_interpreter_kernel_name(interpreter, op));
  }
  printf("firmware_demo: top class per frame:");
  for (int frame = 0; frame < kFrames; ++frame) printf(" %d", classes[frame]);
  printf("\nfirmware_demo: %zu allocations during initialisation, %zu during %d invokes\n",
         init_allocations, loop_allocations, kFrames);
  lowbit_interpreter_destroy(interpreter);
  lowbit_model_destroy(model);
  if (loop_allocations != 0) {
    printf("firmware_demo: FAILED: the inference loop allocated\n");
    return 1;
  }
  return 0;
}
