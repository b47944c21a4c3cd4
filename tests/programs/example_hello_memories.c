// The demo from examples/, under the oracle.
#include "../../examples/hello-memories/main.c"
