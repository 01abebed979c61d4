# Generates the FlatBuffers C++ header for schema/lowbit.fbs at build time;
# generated headers are never committed.
set(LOWBIT_GENERATED_DIR ${CMAKE_BINARY_DIR}/generated)
set(LOWBIT_SCHEMA_HEADER ${LOWBIT_GENERATED_DIR}/schema/lowbit_generated.h)
add_custom_command(
  OUTPUT ${LOWBIT_SCHEMA_HEADER}
  COMMAND ${FLATC_EXECUTABLE} --cpp --scoped-enums -o ${LOWBIT_GENERATED_DIR}/schema
          ${CMAKE_SOURCE_DIR}/schema/lowbit.fbs
  DEPENDS ${CMAKE_SOURCE_DIR}/schema/lowbit.fbs
  COMMENT "flatc: generating lowbit_generated.h")
add_custom_target(lowbit_schema DEPENDS ${LOWBIT_SCHEMA_HEADER})
