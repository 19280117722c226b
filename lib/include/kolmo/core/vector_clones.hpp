#pragma once
// KOLMO_VECTOR_CLONES marks a hot loop to be compiled once per instruction set —
// x86-64-v4 (AVX-512 with DQ/VL, which the vectorised Philox needs at full width), AVX2 and the
// baseline — with the clone picked at load time. The library itself is built for the baseline
// (Eigen's SSE2 packets). Files using it are compiled with -ffp-contract=off (lib/CMakeLists.txt)
// so that no clone fuses a·b + c: every clone then gives the baseline's bits.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define KOLMO_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define KOLMO_VECTOR_CLONES
#endif
