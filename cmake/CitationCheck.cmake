# Checks CITATION.cff against the parts of the Citation File Format 1.2.0 schema a citation
# needs: the required keys (cff-version, message, title, authors) and the keys Kolmo promises
# (version, date-released as YYYY-MM-DD, license as an SPDX id, abstract, keywords,
# repository-code as a URL), and that the version matches the CMake project version.
# Usage: cmake -DCITATION=<CITATION.cff> -DPROJECT_VERSION=<x.y.z> -P CitationCheck.cmake
file(READ "${CITATION}" cff)
set(cff "\n${cff}")  # every top-level key now follows a newline

function(require_match pattern problem)
  if(NOT cff MATCHES "${pattern}")
    message(FATAL_ERROR "CITATION.cff: ${problem}")
  endif()
endfunction()

foreach(key cff-version message title authors version date-released license abstract keywords repository-code)
  require_match("\n${key}:" "lacks the top-level key '${key}'")
endforeach()
require_match("\ncff-version: 1\\.2\\.0\n" "cff-version must be 1.2.0")
require_match("\ndate-released: \"?[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]\"?\n" "date-released must be YYYY-MM-DD")
require_match("\nlicense: MIT\n" "license must be the SPDX id MIT (the LICENSE file)")
require_match("\nrepository-code: \"?https?://[^\n]+\n" "repository-code must be a URL")
require_match("\nauthors:\n  - (name|family-names|given-names): [^\n]+\n" "authors must be a list of persons or entities")
require_match("\nversion: \"?${PROJECT_VERSION}\"?\n" "version does not match the project version ${PROJECT_VERSION}")
message(STATUS "CITATION.cff has every required CFF 1.2.0 key; version ${PROJECT_VERSION}")
