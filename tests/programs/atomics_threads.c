// mmcc-flags: -matomics
// atomics.c with the atomics feature: real atomic instructions on memory N.
#include "atomics.c"
