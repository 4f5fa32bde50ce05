/*
 * cli.h -- the commands of shared/SPEC.md "Command line": parsing of
 * arguments, dispatch, printing of errors and the exit status
 * (0 success, 1 the run failed, 2 bad input or usage).
 */
#ifndef CLUSTERSIM_CLI_H
#define CLUSTERSIM_CLI_H

int cli_main(int argc, char **argv);

#endif
