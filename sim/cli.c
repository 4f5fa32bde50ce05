/* cli.c -- command dispatch; filled in as the commands land. */
#include "cli.h"

#include <stdio.h>

int cli_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "usage: clustersim COMMAND ...\n");
	return 2;
}
