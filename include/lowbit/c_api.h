/* The lowbit C API: load a model from memory, size and supply the arena,
 * invoke, and read tensors. Every function reports failure through its
 * return value; no C++ exception crosses this boundary. Handles are opaque.
 *
 * Memory: lowbit_interpreter_create allocates while it prepares (kernels,
 * packed weights, plan). With a caller-supplied arena, lowbit_interpreter_invoke
 * and the tensor accessors allocate nothing. */
#ifndef LOWBIT_C_API_H_
#define LOWBIT_C_API_H_

#include <stddef.h>
#include <stdint.h>

#include "lowbit/c_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lowbit_model lowbit_model;
typedef struct lowbit_interpreter lowbit_interpreter;
typedef struct lowbit_tensor lowbit_tensor;

typedef struct lowbit_interpreter_options {
  int num_threads;                /* 1 to 256 */
  /* A lowbit_requant_profile value; an int because C callers may store any
     value, which the API then refuses with LOWBIT_INVALID_ARGUMENT. */
  int profile;
  const char* kernel;             /* NULL or "" = $LOWBIT_KERNEL or "auto"; "reference", "avx2", ... */
  /* Who runs float32 operators: NULL or "" = $LOWBIT_FLOAT_KERNELS or "default"
     (XNNPACK where the build links it, else lowbit's own kernels); "own";
     "xnnpack" (LOWBIT_UNSUPPORTED in a build without it: the static tools). */
  const char* float_kernels;
  /* Arithmetic of the float convolutions and fully connected layers: NULL, ""
     or "fp32" (default); "fp16": half precision through XNNPACK, where the CPU
     has AVX512-FP16 or ARMv8.2 FP16 and float_kernels resolves to "xnnpack"
     (else LOWBIT_UNSUPPORTED from prepare, with lowbit_last_error saying why). */
  const char* float_precision;
} lowbit_interpreter_options;

/* Fills the defaults: one thread, tflite_reference, automatic kernels and
   float kernels. */
void lowbit_interpreter_options_init(lowbit_interpreter_options* options);

/* "ok", "invalid argument", ... */
const char* lowbit_status_name(lowbit_status status);
/* The message of the last failure on this thread (never NULL; "" after none). */
const char* lowbit_last_error(void);

/* The buffer is used in place when 64-byte aligned (it must then outlive the
 * model); otherwise it is copied. */
lowbit_status lowbit_model_create_from_buffer(const void* data, size_t size, lowbit_model** model);
lowbit_status lowbit_model_create_from_file(const char* path, lowbit_model** model);
/* A TFLite model (.tflite, Larq Compute Engine ones too), converted in memory
 * as lowbit-convert would; the model keeps its own copy, not the caller's
 * buffer. Slower to load than a .lbm, which is used in place. */
lowbit_status lowbit_model_create_from_tflite_buffer(const void* data, size_t size,
                                                     lowbit_model** model);
lowbit_status lowbit_model_create_from_tflite_file(const char* path, lowbit_model** model);
void lowbit_model_destroy(lowbit_model* model); /* NULL is fine */

/* Op resolvers: the operators a model may use. A static binary links only the
 * operators its resolver names (firmware: lowbit/micro.h has its own):
 *
 *   static lowbit_op_resolver ops;     (no allocation: one slot per operator type)
 *   lowbit_op_resolver_init(&ops);
 *   lowbit_op_resolver_add(&ops, lowbit_op_Conv2D());
 *   lowbit_op_resolver_add(&ops, lowbit_op_Softmax());
 *   lowbit_model_create_from_buffer_with_resolver(data, size, &ops, &model);
 *
 * The functions above load with every operator of the build instead. */
typedef struct lowbit_op lowbit_op; /* one operator's implementation */

/* lowbit_op_Conv2D(), lowbit_op_DepthwiseConv2D(), ...: one per line of
 * lowbit/ops.def, named by the lowbit::OpType enumerator without its k. */
#define LOWBIT_OP(Name, value, SCHEMA_NAME, OptionsKind) const lowbit_op* lowbit_op_##Name(void);
#include "lowbit/ops.def"

enum {
  LOWBIT_OP_RESOLVER_SLOTS = 0 /* the number of operator types */
#define LOWBIT_OP(Name, value, SCHEMA_NAME, OptionsKind) +1
#include "lowbit/ops.def"
};
typedef struct lowbit_op_resolver {
  const lowbit_op* slots[LOWBIT_OP_RESOLVER_SLOTS]; /* private: use the functions */
} lowbit_op_resolver;

/* Empties the resolver (NULL is ignored). */
void lowbit_op_resolver_init(lowbit_op_resolver* resolver);
/* Adds one operator; adding it again is harmless. */
lowbit_status lowbit_op_resolver_add(lowbit_op_resolver* resolver, const lowbit_op* op);
/* Float32 operators on lowbit's own kernels (no XNNPACK): CONV_2D,
 * DEPTHWISE_CONV_2D, FULLY_CONNECTED, pools, MEAN, ADD/SUB/MUL, SOFTMAX,
 * LOGISTIC, HARD_SWISH, RELU, RELU6 with float32 tensors. The library always
 * links them; this call stays for code written for the retired whole-runtime
 * firmware build, which linked them only on request. */
lowbit_status lowbit_op_resolver_add_float_kernels(lowbit_op_resolver* resolver);
/* lowbit_model_create_from_buffer with only the resolver's operators: a model
 * using any other fails with LOWBIT_UNSUPPORTED and a message naming the
 * operator and the lowbit_op_...() to add. The resolver is read only during
 * this call. */
lowbit_status lowbit_model_create_from_buffer_with_resolver(const void* data, size_t size,
                                                            const lowbit_op_resolver* resolver,
                                                            lowbit_model** model);
/* The same for a TFLite model (hosted builds; see above). */
lowbit_status lowbit_model_create_from_tflite_buffer_with_resolver(const void* data, size_t size,
                                                                   const lowbit_op_resolver* resolver,
                                                                   lowbit_model** model);

/* Bytes of caller arena an interpreter for this model and these options
 * needs (any alignment is fine: the size includes room to align). Plans
 * without packing weights or touching an arena; docs/api.md gives its cost. */
lowbit_status lowbit_arena_size(const lowbit_model* model, const lowbit_interpreter_options* options,
                                size_t* arena_bytes);

/* Prepares an interpreter. With arena == NULL it owns its arena; otherwise
 * it runs in [arena, arena + arena_bytes), which must outlive it. options may
 * be NULL for the defaults. The model must outlive the interpreter. */
lowbit_status lowbit_interpreter_create(const lowbit_model* model,
                                        const lowbit_interpreter_options* options, void* arena,
                                        size_t arena_bytes, lowbit_interpreter** interpreter);
void lowbit_interpreter_destroy(lowbit_interpreter* interpreter); /* NULL is fine */

lowbit_status lowbit_interpreter_invoke(lowbit_interpreter* interpreter);
/* Recurrent state (LSTM cell/output state) persists across invokes; this sets
 * it back to its initial value. */
lowbit_status lowbit_interpreter_reset_state(lowbit_interpreter* interpreter);
/* The interpreter's last failure (never NULL; "" after none). */
const char* lowbit_interpreter_error(const lowbit_interpreter* interpreter);

size_t lowbit_interpreter_num_inputs(const lowbit_interpreter* interpreter);
size_t lowbit_interpreter_num_outputs(const lowbit_interpreter* interpreter);
/* NULL when out of range or not found. Tensors live as long as the interpreter. */
lowbit_tensor* lowbit_interpreter_input(const lowbit_interpreter* interpreter, size_t index);
lowbit_tensor* lowbit_interpreter_output(const lowbit_interpreter* interpreter, size_t index);
lowbit_tensor* lowbit_interpreter_input_by_name(const lowbit_interpreter* interpreter, const char* name);
lowbit_tensor* lowbit_interpreter_output_by_name(const lowbit_interpreter* interpreter, const char* name);
/* The planned arena (without alignment room and read slack) and packed weights. */
size_t lowbit_interpreter_arena_bytes(const lowbit_interpreter* interpreter);
size_t lowbit_interpreter_packed_weight_bytes(const lowbit_interpreter* interpreter);
/* Operators, and the kernel prepare chose for one ("qs8_gemm_2x8c8__avx2"; "" when out of range). */
size_t lowbit_interpreter_num_operators(const lowbit_interpreter* interpreter);
const char* lowbit_interpreter_kernel_name(const lowbit_interpreter* interpreter, size_t op_index);
/* Who runs this interpreter's float32 operators, resolved: "own" or "xnnpack". */
const char* lowbit_interpreter_float_kernels(const lowbit_interpreter* interpreter);
/* "fp32" or "fp16". */
const char* lowbit_interpreter_float_precision(const lowbit_interpreter* interpreter);

const char* lowbit_tensor_name(const lowbit_tensor* tensor);
lowbit_dtype lowbit_tensor_dtype(const lowbit_tensor* tensor);
int lowbit_tensor_rank(const lowbit_tensor* tensor);
/* 0 when dim is out of range. */
int32_t lowbit_tensor_dim(const lowbit_tensor* tensor, int dim);
void* lowbit_tensor_data(lowbit_tensor* tensor);
size_t lowbit_tensor_bytes(const lowbit_tensor* tensor);
/* real = scale * (q - zero_point). Returns the number of (scale, zero point)
 * pairs: 0 = not quantized, 1 = per tensor, more = per index along *axis.
 * scales / zero_points / axis may be NULL. */
size_t lowbit_tensor_quantization(const lowbit_tensor* tensor, const float** scales,
                                  const int32_t** zero_points, int* axis);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* LOWBIT_C_API_H_ */
