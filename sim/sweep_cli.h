/*
 * sweep_cli.h -- the commands around sweeps (shared/SPEC.md "Command
 * line"), each `int cmd(int argc, char **argv)` with argv[0] the command's
 * name, returning the exit status (0 success, 1 failed, 2 bad input):
 *
 *   sweep SWEEP.yaml [--db FILE] [-j N] [--shard K/N] [--quiet]
 *   merge OUT.db IN.db...
 *   best DB --slo EXPR [--slo EXPR]... [--top N]
 *   compare DB --baseline POINT --candidate POINT
 *
 * and `report --by-point`'s body. These are the only sweep files that
 * print.
 */
#ifndef CLUSTERSIM_SWEEP_CLI_H
#define CLUSTERSIM_SWEEP_CLI_H

#include "store.h"

int sweep_cli_sweep(int argc, char **argv);
int sweep_cli_merge(int argc, char **argv);
int sweep_cli_best(int argc, char **argv);
int sweep_cli_compare(int argc, char **argv);
/* The grouped view of `report DB --by-point` on an open store. */
int sweep_cli_report_points(struct store *st, enum report_format fmt);

#endif
