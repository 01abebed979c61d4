/* Uses the installed C API from C: loads the .lbm given on the command line,
 * runs it over a caller arena, prints the first output's shape. */
#include <stdio.h>
#include <stdlib.h>

#include "lowbit/c_api.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: consumer_c MODEL.lbm\n");
    return 2;
  }
  lowbit_model* model = NULL;
  size_t arena_bytes = 0;
  lowbit_interpreter* interpreter = NULL;
  if (lowbit_model_create_from_file(argv[1], &model) != LOWBIT_OK ||
      lowbit_arena_size(model, NULL, &arena_bytes) != LOWBIT_OK) {
    fprintf(stderr, "consumer_c: %s\n", lowbit_last_error());
    return 1;
  }
  void* arena = malloc(arena_bytes);
  if (lowbit_interpreter_create(model, NULL, arena, arena_bytes, &interpreter) != LOWBIT_OK ||
      lowbit_interpreter_invoke(interpreter) != LOWBIT_OK) {
    fprintf(stderr, "consumer_c: %s\n", lowbit_last_error());
    return 1;
  }
  lowbit_tensor* out = lowbit_interpreter_output(interpreter, 0);
  printf("consumer_c: output \"%s\" rank %d, %zu bytes, arena %zu bytes\n", lowbit_tensor_name(out),
         lowbit_tensor_rank(out), lowbit_tensor_bytes(out), arena_bytes);
  lowbit_interpreter_destroy(interpreter);
  lowbit_model_destroy(model);
  free(arena);
  return 0;
}
