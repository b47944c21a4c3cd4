# Objects end in .o, as on Unix (CMake gives systems that are not UNIX .obj).
set(CMAKE_C_OUTPUT_EXTENSION .o)
