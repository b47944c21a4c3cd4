// The example from examples/records-cxx, under the oracle.
#include "../../examples/records-cxx/main.cpp"
