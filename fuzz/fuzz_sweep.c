/* fuzz_sweep.c -- libFuzzer entry point for the sweep target (see fuzz.h). */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_sweep(data, size);
}
