# Runs one example for ctest: it passes when the program exits 0 AND prints
# every expected line. (ctest's PASS_REGULAR_EXPRESSION alone ignores the exit
# status, and matches any one of several patterns rather than all of them.)
#   cmake -DPROGRAM=exe "-DARGS=a;b" "-DEXPECT=line one;line two" -P expect_output.cmake
execute_process(COMMAND ${PROGRAM} ${ARGS}
  OUTPUT_VARIABLE output ERROR_VARIABLE errors RESULT_VARIABLE status)
message("${output}${errors}")
if(NOT status STREQUAL "0")
  message(FATAL_ERROR "${PROGRAM} exited with ${status}")
endif()
foreach(line IN LISTS EXPECT)
  string(FIND "${output}" "${line}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "expected in the output (LiteRT's answer for the same input): ${line}")
  endif()
endforeach()
