# Objects end in .o, as on Unix (CMake gives systems that are not UNIX .obj).
set(CMAKE_CXX_OUTPUT_EXTENSION .o)
