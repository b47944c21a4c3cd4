// A region must be closed in the file that opens it: at the end of the
// file, the push that is still open is an error (regions left open at the
// end of a header: check.sh's own checks).
#pragma mmcc memory(push, 3)
int closed(char *p);
#pragma mmcc memory(pop)

#pragma mmcc memory(push, 3) // expect-error@col=21: '#pragma mmcc memory(push, 3)' is not closed at the end of the file: add '#pragma mmcc memory(pop)' after the library's declarations
int open_until_the_end(char *p);
