# Run with cmake -P: installs the already-built kolmo from KOLMO_BINARY_DIR into a scratch
# prefix, then configures, builds and runs the consumer project in CONSUMER_SOURCE_DIR, which
# uses only find_package(kolmo REQUIRED) and kolmo::kolmo. Any failing step fails the test.
foreach(var KOLMO_BINARY_DIR CONSUMER_SOURCE_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "ConsumerCheck.cmake: ${var} must be set")
  endif()
endforeach()

set(prefix "${WORK_DIR}/prefix")
set(build "${WORK_DIR}/build")
file(REMOVE_RECURSE "${WORK_DIR}")

function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "consumer check: ${what} failed (exit ${rc})\n${out}\n${err}")
  endif()
  message(STATUS "consumer check: ${what}: ok")
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

run_step("install" ${CMAKE_COMMAND} --install "${KOLMO_BINARY_DIR}" --prefix "${prefix}")
run_step("configure" ${CMAKE_COMMAND} -S "${CONSUMER_SOURCE_DIR}" -B "${build}"
  -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER})
run_step("build" ${CMAKE_COMMAND} --build "${build}")
run_step("run" "${build}/kolmo_consumer")
run_step("run the SDE example" "${build}/kolmo_consumer_sde")
run_step("run the diffusion example" "${build}/kolmo_consumer_diffusion")
run_step("run the grid-vs-Monte-Carlo example" "${build}/kolmo_consumer_cross_check")
run_step("run a -march=native program" "${build}/kolmo_consumer_native")
# The installed kolmo finds the baselines installed beside it (share/kolmo/baselines), not the
# build machine's source tree, and its report carries the provenance fields.
run_step("run the installed kolmo" "${prefix}/bin/kolmo" verify --filter "^ou/variance-ode-rk4$" --threads 1
         --json "${WORK_DIR}/installed.json")
file(READ "${WORK_DIR}/installed.json" report)
string(JSON baselines GET "${report}" options baselines)
file(REAL_PATH "${prefix}/share/kolmo/baselines" expected_baselines)
file(REAL_PATH "${baselines}" actual_baselines)
if(NOT actual_baselines STREQUAL expected_baselines)
  message(FATAL_ERROR "consumer check: the installed kolmo used baselines '${baselines}', not '${expected_baselines}'")
endif()
string(JSON recorded GET "${report}" cases 0 baseline)
if(recorded STREQUAL "" OR recorded STREQUAL "null")
  message(FATAL_ERROR "consumer check: the installed kolmo found no baseline for ou/variance-ode-rk4")
endif()
foreach(field git build machine dependencies date_utc command_line)
  string(JSON value ERROR_VARIABLE missing GET "${report}" provenance ${field})
  if(missing)
    message(FATAL_ERROR "consumer check: the report has no provenance field '${field}'")
  endif()
endforeach()
message(STATUS "consumer check: the installed kolmo used ${baselines} and reported its provenance")
message(STATUS "consumer output:\n${step_output}")
