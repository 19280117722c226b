# Warnings for Kolmo's own targets only; third-party headers come in as SYSTEM includes
# through their imported targets, so their warnings stay out of our builds.
function(kolmo_enable_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion>)
endfunction()
