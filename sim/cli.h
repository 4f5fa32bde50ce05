/*
 * cli.h -- the commands of shared/SPEC.md "Command line": parsing of
 * arguments, dispatch, printing of errors and the exit status
 * (0 success, 1 the run failed, 2 bad input or usage).
 */
#ifndef CLUSTERSIM_CLI_H
#define CLUSTERSIM_CLI_H

int cli_main(int argc, char **argv);

/*
 * The value of the option `--name VALUE` or `--name=VALUE` at argv[*i]
 * (advancing *i past a separate value); NULL when argv[*i] is not this
 * option; "" when the value is missing, with *missing set (if not NULL).
 * Every command parses its options with it.
 */
const char *cli_opt(int argc, char **argv, int *i, const char *name, int *missing);

#endif
