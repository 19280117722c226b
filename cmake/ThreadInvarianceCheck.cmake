# Runs the fast verification tier with 1 and with 3 threads and checks that every case
# measured exactly the same value: Kolmo's results must not depend on the thread count.
# Usage: cmake -DKOLMO=<kolmo executable> -DWORK_DIR=<scratch dir> -P ThreadInvarianceCheck.cmake
file(MAKE_DIRECTORY "${WORK_DIR}")
foreach(threads 1 3)
  execute_process(COMMAND ${KOLMO} verify --tier fast --threads ${threads} --json "${WORK_DIR}/threads-${threads}.json"
    RESULT_VARIABLE code OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "kolmo verify --threads ${threads} exited with ${code}: ${err}")
  endif()
  file(READ "${WORK_DIR}/threads-${threads}.json" json_${threads})
endforeach()

string(JSON cases LENGTH "${json_1}" cases)
math(EXPR last "${cases} - 1")
foreach(i RANGE ${last})
  string(JSON name GET "${json_1}" cases ${i} name)
  # The JSON writer prints doubles with round-trip precision, so equal text means equal bits.
  string(JSON one GET "${json_1}" cases ${i} measured)
  string(JSON three GET "${json_3}" cases ${i} measured)
  if(NOT one STREQUAL three)
    message(FATAL_ERROR "${name}: measured ${one} with 1 thread but ${three} with 3 threads")
  endif()
  message(STATUS "${name}: ${one} with 1 and 3 threads")
endforeach()
