# Runs ${KOLMO} ${ARGS} (a ;-list) and checks its exit code is ${EXPECTED_CODE} and that its
# output contains ${EXPECTED_TEXT}; for exit code 2 also that stderr is exactly one line.
# Usage: cmake -DKOLMO=... -DEXPECTED_CODE=2 -DEXPECTED_TEXT=... -DARGS=a;b -P CliExitCheck.cmake
execute_process(COMMAND ${KOLMO} ${ARGS}
  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code STREQUAL EXPECTED_CODE)
  message(FATAL_ERROR "kolmo ${ARGS}: exit code ${code}, expected ${EXPECTED_CODE}\nstdout:\n${out}\nstderr:\n${err}")
endif()
string(FIND "${out}${err}" "${EXPECTED_TEXT}" position)
if(position EQUAL -1)
  message(FATAL_ERROR "kolmo ${ARGS}: output lacks '${EXPECTED_TEXT}'\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(EXPECTED_CODE EQUAL 2)
  string(STRIP "${err}" stripped)
  string(FIND "${stripped}" "\n" newline)
  if(NOT newline EQUAL -1 OR NOT stripped MATCHES "^kolmo: error: ")
    message(FATAL_ERROR "kolmo ${ARGS}: expected one line 'kolmo: error: ...' on stderr, got:\n${err}")
  endif()
endif()
