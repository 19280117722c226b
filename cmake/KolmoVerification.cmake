# kolmo_add_verification(<target> [NAME <test-name>] [TIER fast|full|all] [THREADS <n>]
#                        [LABELS <label>...] [ARGS <extra arguments>...])
#
# Adds a downstream verification executable — one whose main() returns
# kolmo::verify::main(argc, argv, registry) — to the project's ctest: the test runs its cases of
# TIER (default fast) with THREADS threads (default 2) and fails when a case fails (exit 1) or the
# command line is wrong (exit 2). The test is labelled `verification` plus any LABELS. Installed
# with Kolmo's CMake package; find_package(kolmo) makes it available.
function(kolmo_add_verification target)
  cmake_parse_arguments(PARSE_ARGV 1 KOLMO_VERIFICATION "" "NAME;TIER;THREADS" "LABELS;ARGS")
  if(NOT TARGET ${target})
    message(FATAL_ERROR "kolmo_add_verification: '${target}' is not a target")
  endif()
  if(KOLMO_VERIFICATION_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "kolmo_add_verification: unknown arguments ${KOLMO_VERIFICATION_UNPARSED_ARGUMENTS}")
  endif()
  set(name "${KOLMO_VERIFICATION_NAME}")
  if(NOT name)
    set(name "${target}")
  endif()
  set(tier "${KOLMO_VERIFICATION_TIER}")
  if(NOT tier)
    set(tier fast)
  endif()
  if(NOT tier MATCHES "^(fast|full|all)$")
    message(FATAL_ERROR "kolmo_add_verification: TIER '${tier}' is not fast, full or all")
  endif()
  set(threads "${KOLMO_VERIFICATION_THREADS}")
  if(NOT threads)
    set(threads 2)
  endif()
  add_test(NAME ${name}
           COMMAND $<TARGET_FILE:${target}> --tier ${tier} --threads ${threads} ${KOLMO_VERIFICATION_ARGS})
  set_tests_properties(${name} PROPERTIES LABELS "verification;${KOLMO_VERIFICATION_LABELS}")
endfunction()
