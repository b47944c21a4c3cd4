// '#pragma mmcc memory': what is not understood is an error, with the
// column of the offending token. A push that is not understood still opens
// a region (that changes nothing), so its pop gets no second error.
#pragma mmcc memory(push, 3)
#pragma mmcc memory(pop)

#pragma mmcc // expect-error@col=13: expected a directive after '#pragma mmcc'; the mmcc pragma is '#pragma mmcc memory(push, N)' or '#pragma mmcc memory(pop)'
#pragma mmcc memories(push, 3) // expect-error@col=14: unknown '#pragma mmcc' directive 'memories'
#pragma mmcc library(3) // expect-error@col=14: unknown '#pragma mmcc' directive 'library'
#pragma mmcc memory push // expect-error@col=21: expected '(' after '#pragma mmcc memory'
#pragma mmcc memory(enter, 3) // expect-error@col=21: expected 'push' or 'pop' in '#pragma mmcc memory(...)'
#pragma mmcc memory() // expect-error@col=21: expected 'push' or 'pop'

#pragma mmcc memory(push) // expect-error@col=25: expected ',' and a memory number after 'push'
#pragma mmcc memory(pop)
#pragma mmcc memory(push 3) // expect-error@col=26: expected ',' and a memory number after 'push'
#pragma mmcc memory(pop)
#pragma mmcc memory(push, three) // expect-error@col=27: expected a memory number (an integer constant from 0 to 255)
#pragma mmcc memory(pop)
#pragma mmcc memory(push, -1) // expect-error@col=27: expected a memory number
#pragma mmcc memory(pop)
#pragma mmcc memory(push, 2.5) // expect-error@col=27: expected a memory number
#pragma mmcc memory(pop)
#pragma mmcc memory(push, 3 // expect-error@col=28: expected ')' to end '#pragma mmcc memory(...)'
#pragma mmcc memory(pop)
#pragma mmcc memory(push, 3) extra // expect-error@col=30: extra tokens after '#pragma mmcc memory(...)'
#pragma mmcc memory(pop)
#pragma mmcc memory(pop, 3) // expect-error@col=24: expected ')' to end '#pragma mmcc memory(...)'

// Memory numbers: at most 255; 10 and 20 are LLVM's reference types.
#pragma mmcc memory(push, 256) // expect-error@col=27: memory 256 is out of range: mmcc supports memories 0 to 255
#pragma mmcc memory(pop)
#pragma mmcc memory(push, 99999999999999999999999) // expect-error@col=27: memory 99999999999999999999999 is out of range
#pragma mmcc memory(pop)
#pragma mmcc memory(push, 10) // expect-error@col=27: memory 10 cannot hold a library's declarations: address space 10 is reserved: LLVM's WebAssembly backend uses it for externref values
#pragma mmcc memory(pop)
#pragma mmcc memory(push, 20) // expect-error@col=27: memory 20 cannot hold a library's declarations: address space 20 is reserved: LLVM's WebAssembly backend uses it for funcref values
#pragma mmcc memory(pop)
#pragma mmcc memory(push, 255)
#pragma mmcc memory(pop)

// Unbalanced.
#pragma mmcc memory(pop) // expect-error@col=21: '#pragma mmcc memory(pop)' without a matching '#pragma mmcc memory(push, N)'
#pragma mmcc memory(push, 3)
#pragma mmcc memory(pop)
#pragma mmcc memory(pop) // expect-error@col=21: '#pragma mmcc memory(pop)' without a matching

// Macros expand in the pragma.
#define LIBRARY_MEMORY 4
#pragma mmcc memory(push, LIBRARY_MEMORY)
int in_four(char *p);
#pragma mmcc memory(pop)
_Static_assert(__builtin_types_compatible_p(__typeof__(in_four), int (__attribute__((address_space(4))) char *)), "memory 4");
