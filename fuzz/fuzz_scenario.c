/* fuzz_scenario.c -- libFuzzer entry point for the scenario target (see fuzz.h). */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_scenario(data, size);
}
