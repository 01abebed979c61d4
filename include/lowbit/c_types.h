/* The enumerations the C APIs share: the hosted one (lowbit/c_api.h) and
 * the firmware's (lowbit/micro.h). Plain C, no dependencies. */
#ifndef LOWBIT_C_TYPES_H_
#define LOWBIT_C_TYPES_H_

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lowbit_status {
  LOWBIT_OK = 0,
  LOWBIT_INVALID_ARGUMENT = 1,
  LOWBIT_INVALID_MODEL = 2,
  LOWBIT_UNSUPPORTED = 3,
  LOWBIT_RESOURCE_EXHAUSTED = 4,
  LOWBIT_IO_ERROR = 5,
  LOWBIT_FAILED_PRECONDITION = 6,
  LOWBIT_INTERNAL = 7
} lowbit_status;

/* Values match lowbit::DType. LOWBIT_BIT tensors pack the innermost
 * dimension into 32-bit words; their shapes are logical (unpacked). */
typedef enum lowbit_dtype {
  LOWBIT_FLOAT32 = 0,
  LOWBIT_INT8 = 1,
  LOWBIT_UINT8 = 2,
  LOWBIT_INT32 = 3,
  LOWBIT_BIT = 4,
  LOWBIT_INT64 = 5,
  LOWBIT_BOOL = 6, /* one byte per element, 0 or 1 */
  LOWBIT_INT16 = 7,
  LOWBIT_FLOAT16 = 8, /* IEEE half precision */
  LOWBIT_INT4 = 9 /* two signed 4-bit values per byte, low nibble first */
} lowbit_dtype;

/* Values match lowbit::RequantProfile. */
typedef enum lowbit_requant_profile {
  LOWBIT_PROFILE_TFLITE_REFERENCE = 0,
  LOWBIT_PROFILE_SINGLE_ROUNDING = 1,
  LOWBIT_PROFILE_XNNPACK_FP32 = 2,
  LOWBIT_PROFILE_TFLITE_OPTIMIZED = 3
} lowbit_requant_profile;

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* LOWBIT_C_TYPES_H_ */
