/* lowbit micro: the firmware runtime. Runs a .lbm model read in place from
 * the caller's buffer (flash or RAM) with every byte it needs in one
 * caller-supplied arena: persistent data (this runtime's state, packed
 * weights, requantization tables) at the arena's end, planned activations
 * and scratch at its start. It never calls malloc, new or any other
 * allocator, starts no threads, probes no CPU (the instruction sets are
 * fixed when it is built: LOWBIT_FIRMWARE_ISA) and links only the operators
 * a resolver names. int8 models; docs/api.md lists the operators.
 *
 *   static lowbit_micro_resolver ops;
 *   static uint8_t arena[32 * 1024];
 *   lowbit_micro_resolver_init(&ops);
 *   lowbit_micro_resolver_add(&ops, lowbit_micro_op_conv_2d());
 *   ...
 *   lowbit_micro* m;
 *   lowbit_micro_error error;
 *   if (lowbit_micro_create(model, model_bytes, &ops, NULL, arena, sizeof arena, &m, &error)
 *       != LOWBIT_OK) { puts(error.message); ... }
 *   lowbit_micro_tensor in;
 *   lowbit_micro_input(m, 0, &in);      then fill in.data (in.bytes bytes)
 *   lowbit_micro_invoke(m);
 *
 * Nothing needs destroying: the arena holds everything. */
#ifndef LOWBIT_MICRO_H_
#define LOWBIT_MICRO_H_

#include <stddef.h>
#include <stdint.h>

#include "lowbit/c_types.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
  LOWBIT_MICRO_MAX_RANK = 6,
  LOWBIT_MICRO_MAX_OPS = 16,          /* operator types one resolver holds */
  LOWBIT_MICRO_MESSAGE_BYTES = 192,
  /* lowbit_micro_arena_size plans on the stack, for up to this many planned
     buffers (activation tensors plus operator scratch); create has no limit. */
  LOWBIT_MICRO_SIZING_BUFFERS = 256
};

/* One operator type's implementation; lowbit_micro_op_...() return them. */
typedef struct lowbit_micro_op lowbit_micro_op;
const lowbit_micro_op* lowbit_micro_op_conv_2d(void);
const lowbit_micro_op* lowbit_micro_op_depthwise_conv_2d(void);
const lowbit_micro_op* lowbit_micro_op_fully_connected(void);
const lowbit_micro_op* lowbit_micro_op_average_pool_2d(void);
const lowbit_micro_op* lowbit_micro_op_max_pool_2d(void);
const lowbit_micro_op* lowbit_micro_op_reshape(void);
const lowbit_micro_op* lowbit_micro_op_softmax(void);
const lowbit_micro_op* lowbit_micro_op_add(void);

typedef struct lowbit_micro_resolver {
  const lowbit_micro_op* ops[LOWBIT_MICRO_MAX_OPS]; /* private: use the functions */
  size_t count;
} lowbit_micro_resolver;

void lowbit_micro_resolver_init(lowbit_micro_resolver* resolver);
/* Adding an operator twice is harmless; LOWBIT_RESOURCE_EXHAUSTED past
   LOWBIT_MICRO_MAX_OPS types, LOWBIT_INVALID_ARGUMENT for NULL. */
lowbit_status lowbit_micro_resolver_add(lowbit_micro_resolver* resolver, const lowbit_micro_op* op);
/* Every operator above: links them all, so hosts and tests use it; a firmware
   names its model's operators instead. */
lowbit_status lowbit_micro_resolver_add_all(lowbit_micro_resolver* resolver);

typedef struct lowbit_micro_options {
  int profile; /* a lowbit_requant_profile value; default LOWBIT_PROFILE_TFLITE_REFERENCE */
} lowbit_micro_options;
void lowbit_micro_options_init(lowbit_micro_options* options);

/* Why a call failed: the status again and a message naming the operator or
   tensor at fault. */
typedef struct lowbit_micro_error {
  lowbit_status status;
  char message[LOWBIT_MICRO_MESSAGE_BYTES];
} lowbit_micro_error;

/* Arena bytes lowbit_micro_create needs for this model, resolver and options
   (any arena alignment: the answer includes room to align). Checks the model
   and prepares every operator without packing weights or touching memory
   other than the stack. options and error may be NULL. */
lowbit_status lowbit_micro_arena_size(const void* model, size_t model_bytes,
                                      const lowbit_micro_resolver* resolver,
                                      const lowbit_micro_options* options, size_t* arena_bytes,
                                      lowbit_micro_error* error);

typedef struct lowbit_micro lowbit_micro; /* lives in the arena */

/* Checks the model (a corrupt or truncated buffer is LOWBIT_INVALID_MODEL,
   never a crash), prepares every operator and plans the arena. The model
   buffer must be 16-byte aligned and, with the arena, outlive the runtime;
   the resolver is read only during this call. options and error may be NULL. */
lowbit_status lowbit_micro_create(const void* model, size_t model_bytes,
                                  const lowbit_micro_resolver* resolver,
                                  const lowbit_micro_options* options, void* arena,
                                  size_t arena_bytes, lowbit_micro** micro,
                                  lowbit_micro_error* error);

lowbit_status lowbit_micro_invoke(lowbit_micro* micro);
/* The last failure's message ("" after none). */
const char* lowbit_micro_message(const lowbit_micro* micro);

typedef struct lowbit_micro_tensor {
  void* data;   /* in the arena (inputs, outputs) */
  size_t bytes;
  lowbit_dtype dtype;
  int rank;
  int32_t dims[LOWBIT_MICRO_MAX_RANK];
  float scale;  /* per-tensor quantization; 0 and 0 when not quantized */
  int32_t zero_point;
} lowbit_micro_tensor;

size_t lowbit_micro_num_inputs(const lowbit_micro* micro);
size_t lowbit_micro_num_outputs(const lowbit_micro* micro);
/* LOWBIT_INVALID_ARGUMENT when index is out of range. */
lowbit_status lowbit_micro_input(const lowbit_micro* micro, size_t index, lowbit_micro_tensor* tensor);
lowbit_status lowbit_micro_output(const lowbit_micro* micro, size_t index, lowbit_micro_tensor* tensor);

size_t lowbit_micro_num_operators(const lowbit_micro* micro);
/* The kernel an operator runs ("qs8_gemm_2x8c8__avx2"); "" when out of range. */
const char* lowbit_micro_kernel_name(const lowbit_micro* micro, size_t op_index);

typedef struct lowbit_micro_memory {
  size_t arena_bytes;      /* what create used of the arena, alignment included */
  size_t persistent_bytes; /* runtime state, packed weights, parameters */
  size_t planned_bytes;    /* activations and scratch, as planned */
  /* The most bytes live at any one operator (its inputs, outputs and scratch
     that are not constants, plus every other activation still needed later),
     each buffer rounded up to 16 bytes as planned: no plan can use fewer. */
  size_t liveness_bound_bytes;
} lowbit_micro_memory;
void lowbit_micro_memory_use(const lowbit_micro* micro, lowbit_micro_memory* memory);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* LOWBIT_MICRO_H_ */
