/* fuzz_set.c -- libFuzzer entry point for the set target (see fuzz.h). */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_set(data, size);
}
