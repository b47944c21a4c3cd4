// The example from examples/histogram, under the oracle.
#include "../../examples/histogram/main.c"
