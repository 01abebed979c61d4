# Demo and block models (demo_int8, block_int8, block_float, block_binary),
# written into build/models by lowbit-make-models at build time so
# bench_model, the docs and hand tests have models without committed binaries.
# Cross builds need CMAKE_CROSSCOMPILING_EMULATOR to run the generator.
if(TARGET lowbit-make-models AND (NOT CMAKE_CROSSCOMPILING OR CMAKE_CROSSCOMPILING_EMULATOR))
  set(LOWBIT_MODELS_DIR ${CMAKE_BINARY_DIR}/models)
  set(LOWBIT_MODEL_FILES)
  foreach(model demo_int8 block_int8 block_float block_binary)
    list(APPEND LOWBIT_MODEL_FILES ${LOWBIT_MODELS_DIR}/${model}.lbm)
  endforeach()
  add_custom_command(
    OUTPUT ${LOWBIT_MODEL_FILES}
    COMMAND lowbit-make-models ${LOWBIT_MODELS_DIR}
    DEPENDS lowbit-make-models
    COMMENT "lowbit-make-models: writing ${LOWBIT_MODELS_DIR}"
    VERBATIM)
  # bench_model does not depend on it, so it still builds (for --graph) when a
  # model fails to load; scripts/bench.sh builds both.
  add_custom_target(lowbit_models ALL DEPENDS ${LOWBIT_MODEL_FILES})
endif()
