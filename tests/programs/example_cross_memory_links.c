// The example from examples/cross-memory-links, under the oracle.
#include "../../examples/cross-memory-links/main.c"
