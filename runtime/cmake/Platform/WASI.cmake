# The WASI platform (wasm32-wasip1) for CMake versions that have none
# (CMake 3.25); found through CMAKE_MODULE_PATH, which
# ../mmcc-toolchain.cmake sets.
set(WASI 1)

set(CMAKE_EXECUTABLE_SUFFIX ".wasm")
set(CMAKE_STATIC_LIBRARY_PREFIX "lib")
set(CMAKE_STATIC_LIBRARY_SUFFIX ".a")
set(CMAKE_FIND_LIBRARY_PREFIXES "lib")
set(CMAKE_FIND_LIBRARY_SUFFIXES ".a")

# No dynamic linking: add_library(x SHARED) becomes a static library.
set_property(GLOBAL PROPERTY TARGET_SUPPORTS_SHARED_LIBS FALSE)
set(CMAKE_DL_LIBS "")

# Where find_* looks below the sysroot (CMAKE_FIND_ROOT_PATH).
list(APPEND CMAKE_SYSTEM_PREFIX_PATH /)
list(APPEND CMAKE_SYSTEM_INCLUDE_PATH /include/wasm32-wasip1)
list(APPEND CMAKE_SYSTEM_LIBRARY_PATH /lib/wasm32-wasip1)
