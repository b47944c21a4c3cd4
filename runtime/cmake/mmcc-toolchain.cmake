# CMake toolchain file for mmcc: builds a project for WebAssembly
# (wasm32-wasip1) with mmcc and mmcc++ from this repository's .build/bin.
#
#   cmake -S <project> -B <build> -DCMAKE_TOOLCHAIN_FILE=<mmcc>/runtime/cmake/mmcc-toolchain.cmake
#         [-DMMCC_IN_MEMORY=3]
#
# - CMAKE_SYSTEM_NAME is WASI, described by Platform/WASI.cmake beside this
#   file (CMake 3.25 has no WASI platform of its own): executables end in
#   .wasm, libraries are static (lib<name>.a; a SHARED library is built as a
#   static one, with CMake's warning).
# - try_compile and try_run work: a check links a real .wasm module, and
#   try_run (and ctest) run it on wasmtime through `mmtool run`
#   (mmcc-run.sh beside this file, CMAKE_CROSSCOMPILING_EMULATOR), with the
#   working directory preopened.
# - MMCC_IN_MEMORY=<K> (a cache variable) makes every compile and link of
#   the project `mmcc --in-memory=<K> ...`: the objects in its static
#   libraries come out already retargeted into memory K (ready to link into
#   an application whose own code stays in memory 0), and its executables
#   are whole programs in memory K. The flag is the compiler's first
#   argument (CMAKE_C_COMPILER_ARG1), so it comes before every input, as
#   `--in-memory=` requires, whatever CMAKE_C_FLAGS holds.
# - MMCC_ROOT (a cache variable) is the mmcc source folder; by default the
#   one holding this file.
#
# Archives are made with llvm-ar-19, which writes a symbol index for wasm
# objects (GNU ar writes none; wasm-ld 19 copes without one, but reads the
# archive member by member then).

get_filename_component(_mmcc_default_root "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
set(MMCC_ROOT "${_mmcc_default_root}" CACHE PATH "The mmcc source folder (holding .build/bin/mmcc)")
set(MMCC_IN_MEMORY "" CACHE STRING
    "If set (1-255, not 10 or 20): compile and link everything with --in-memory=<K>, so the project's code and data live in memory K")

# try_compile projects read this file again: give them the same settings.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES MMCC_ROOT MMCC_IN_MEMORY)

set(CMAKE_SYSTEM_NAME WASI)
set(CMAKE_SYSTEM_VERSION 1)
set(CMAKE_SYSTEM_PROCESSOR wasm32)

# Platform/WASI.cmake
list(APPEND CMAKE_MODULE_PATH "${CMAKE_CURRENT_LIST_DIR}")

set(_mmcc_bin "${MMCC_ROOT}/.build/bin")
if(NOT EXISTS "${_mmcc_bin}/mmcc")
  message(FATAL_ERROR "mmcc is not built (${_mmcc_bin}/mmcc is missing): run ./install.sh --no-demo in ${MMCC_ROOT}")
endif()

if(MMCC_IN_MEMORY STREQUAL "" OR MMCC_IN_MEMORY STREQUAL "0")
  set(CMAKE_C_COMPILER "${_mmcc_bin}/mmcc")
  set(CMAKE_CXX_COMPILER "${_mmcc_bin}/mmcc++")
else()
  if(NOT MMCC_IN_MEMORY MATCHES "^[0-9]+$" OR MMCC_IN_MEMORY GREATER 255 OR MMCC_IN_MEMORY EQUAL 10 OR MMCC_IN_MEMORY EQUAL 20)
    message(FATAL_ERROR "MMCC_IN_MEMORY=${MMCC_IN_MEMORY}: expected a memory number, 1 to 255 except 10 and 20")
  endif()
  # A list of two: CMake takes the second item as CMAKE_<LANG>_COMPILER_ARG1,
  # which follows the compiler in every compile and link command.
  set(CMAKE_C_COMPILER "${_mmcc_bin}/mmcc" "--in-memory=${MMCC_IN_MEMORY}")
  set(CMAKE_CXX_COMPILER "${_mmcc_bin}/mmcc++" "--in-memory=${MMCC_IN_MEMORY}")
endif()
set(CMAKE_C_COMPILER_TARGET wasm32-wasip1)
set(CMAKE_CXX_COMPILER_TARGET wasm32-wasip1)

find_program(MMCC_LLVM_AR NAMES llvm-ar-19 llvm-ar)
find_program(MMCC_LLVM_RANLIB NAMES llvm-ranlib-19 llvm-ranlib)
if(NOT MMCC_LLVM_AR OR NOT MMCC_LLVM_RANLIB)
  message(FATAL_ERROR "llvm-ar-19 or llvm-ranlib-19 is missing (Debian package llvm-19): run ./install.sh in ${MMCC_ROOT}")
endif()
set(CMAKE_AR "${MMCC_LLVM_AR}" CACHE FILEPATH "Archiver (llvm-ar: it indexes wasm objects)")
set(CMAKE_RANLIB "${MMCC_LLVM_RANLIB}" CACHE FILEPATH "Ranlib (llvm-ranlib)")

# Checks and tests run the module on wasmtime.
set(CMAKE_CROSSCOMPILING_EMULATOR "${CMAKE_CURRENT_LIST_DIR}/mmcc-run.sh")

# Headers and libraries come from mmcc's sysroot only; programs from the host.
set(CMAKE_FIND_ROOT_PATH "${MMCC_ROOT}/.build/sysroot")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
