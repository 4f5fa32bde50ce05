/* fuzz_units.c -- libFuzzer entry point for the units target (see fuzz.h). */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_units(data, size);
}
