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
    COMMAND ${CMAKE_COMMAND} -E make_directory ${LOWBIT_MODELS_DIR}
    COMMAND lowbit-make-models ${LOWBIT_MODELS_DIR}
    DEPENDS lowbit-make-models
    COMMENT "lowbit-make-models: writing ${LOWBIT_MODELS_DIR}"
    VERBATIM)
  # bench_model does not depend on it, so it still builds (for --graph) when a
  # model fails to load; scripts/bench.sh builds both.
  add_custom_target(lowbit_models ALL DEPENDS ${LOWBIT_MODEL_FILES})
endif()

# Hand-test style checks of lowbit-run, lowbit-inspect and bench_model on the
# generated models (scripts/check-tools.sh), one ctest per check.
if(LOWBIT_BUILD_TESTS AND TARGET lowbit_models AND TARGET bench_model
   AND TARGET lowbit-run AND TARGET lowbit-inspect)
  foreach(check inspect threads kernels inputs errors corrupt bench tflite)
    add_test(NAME "tools: ${check}"
      COMMAND ${CMAKE_SOURCE_DIR}/scripts/check-tools.sh ${check}
              $<TARGET_FILE_DIR:lowbit-run> ${LOWBIT_MODELS_DIR})
  endforeach()
endif()
