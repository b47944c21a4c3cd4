// The example from examples/crc-table, under the oracle.
#include "../../examples/crc-table/main.c"
