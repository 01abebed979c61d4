/* The C API in one page: load a .lbm model, ask how much arena it needs,
 * supply that arena, fill the inputs, invoke, print the outputs. Exits
 * nonzero on any failure, so ctest runs it as a check of the C API from C.
 *
 *   build/bin/hello_c [MODEL.lbm]   (default: build/models/demo_int8.lbm) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lowbit/c_api.h"

#ifndef LOWBIT_DEFAULT_MODEL
#define LOWBIT_DEFAULT_MODEL "models/demo_int8.lbm"
#endif

static int fail(const char* what, lowbit_status status) {
  fprintf(stderr, "%s failed: %s: %s\n", what, lowbit_status_name(status), lowbit_last_error());
  return 1;
}

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : LOWBIT_DEFAULT_MODEL;
  lowbit_model* model = NULL;
  lowbit_status status = lowbit_model_create_from_file(path, &model);
  if (status != LOWBIT_OK) return fail("loading the model", status);

  lowbit_interpreter_options options;
  lowbit_interpreter_options_init(&options);
  size_t arena_bytes = 0;
  status = lowbit_arena_size(model, &options, &arena_bytes);
  if (status != LOWBIT_OK) return fail("sizing the arena", status);
  void* arena = malloc(arena_bytes); /* firmware would use a static buffer */
  lowbit_interpreter* interpreter = NULL;
  status = lowbit_interpreter_create(model, &options, arena, arena_bytes, &interpreter);
  if (status != LOWBIT_OK) return fail("creating the interpreter", status);

  for (size_t i = 0; i < lowbit_interpreter_num_inputs(interpreter); ++i) {
    lowbit_tensor* input = lowbit_interpreter_input(interpreter, i);
    memset(lowbit_tensor_data(input), 1, lowbit_tensor_bytes(input));
  }
  status = lowbit_interpreter_invoke(interpreter);
  if (status != LOWBIT_OK) return fail("invoke", status);

  for (size_t i = 0; i < lowbit_interpreter_num_outputs(interpreter); ++i) {
    lowbit_tensor* output = lowbit_interpreter_output(interpreter, i);
    printf("output %zu \"%s\" dtype %d shape [", i, lowbit_tensor_name(output),
           (int)lowbit_tensor_dtype(output));
    for (int d = 0; d < lowbit_tensor_rank(output); ++d) {
      printf(d ? ",%d" : "%d", (int)lowbit_tensor_dim(output, d));
    }
    const float* scales = NULL;
    const int32_t* zero_points = NULL;
    const size_t quantized = lowbit_tensor_quantization(output, &scales, &zero_points, NULL);
    printf("] %zu bytes", lowbit_tensor_bytes(output));
    if (quantized == 1) printf(", scale %g zero point %d", scales[0], (int)zero_points[0]);
    printf("\n");
  }
  printf("arena: %zu bytes supplied, %zu planned\n", arena_bytes,
         lowbit_interpreter_arena_bytes(interpreter));
  lowbit_interpreter_destroy(interpreter);
  free(arena);
  lowbit_model_destroy(model);
  return 0;
}
