# Writes OUTPUT (a C++ header) with the git commit and dirty flag of SOURCE_DIR. Run at every
# build (lib/CMakeLists.txt, target kolmo_git_state), so a report names the commit the binary was
# built from, not the one CMake was configured at; configure_file leaves OUTPUT untouched when
# nothing changed, so an unchanged tree recompiles nothing. Outside a git checkout (a source
# tarball) the commit is "unknown".
set(KOLMO_GIT_COMMIT "unknown")
set(KOLMO_GIT_DIRTY "false")
set(KOLMO_GIT_KNOWN "false")
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse HEAD WORKING_DIRECTORY "${SOURCE_DIR}"
                  OUTPUT_VARIABLE commit RESULT_VARIABLE commit_result ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(commit_result EQUAL 0)
    set(KOLMO_GIT_COMMIT "${commit}")
    set(KOLMO_GIT_KNOWN "true")
    # Tracked files only: build directories and untracked scratch files do not make a tree dirty.
    execute_process(COMMAND "${GIT_EXECUTABLE}" status --porcelain --untracked-files=no
                    WORKING_DIRECTORY "${SOURCE_DIR}" OUTPUT_VARIABLE changes ERROR_QUIET)
    if(NOT changes STREQUAL "")
      set(KOLMO_GIT_DIRTY "true")
    endif()
  endif()
endif()
configure_file("${TEMPLATE}" "${OUTPUT}" @ONLY)
