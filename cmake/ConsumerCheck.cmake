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
message(STATUS "consumer output:\n${step_output}")
