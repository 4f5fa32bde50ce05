# autoscaling.gp -- autoscaling over time, two panels on one time axis:
# top, replicas per workload (wanted, as set by the HPA: solid; Ready:
# dashed); bottom, nodes per node group (created and not yet deleted:
# solid; Ready: dashed), which shows the cluster autoscaler's scale-up and
# scale-down and the boot time between a node's creation and Ready.
#
# Data file (clustersim plot DB --chart autoscaling --data FILE): first one
# block per workload, then one block per node group, blocks separated by
# two blank lines:
#   t_s "NAME replicas" "NAME ready"     workload header row
#   T REPLICAS READY                     simulated s, pods, pods
#   t_s "GROUP nodes" "GROUP ready"      node group header row
#   T NODES READY                        simulated s, nodes, nodes; a value
#                                        holds until the next row (steps)
#
# Variables (-e "name=value; ..."):
#   nworkloads  workload blocks (required: the rest are node groups)
#   datafile  the data file (default "autoscaling.dat")
#   outfile   output .png or .svg (default "chart.png"); term: pngcairo|svg
#   title     chart title
#   tmax, tdiv, tunit   x axis end (s), seconds per unit and unit name
#   extra     gnuplot commands run just before each panel is plotted
#
# By hand:
#   gnuplot -e "datafile='autoscaling.dat'; outfile='as.png'; nworkloads=2" scripts/plot/autoscaling.gp

_d = ARG0; _i = strlen(_d); while (_i > 0 && _d[_i:_i] ne "/") { _i = _i - 1 }
load _d[1:_i] . "common.gp"
if (!exists("datafile")) datafile = "autoscaling.dat"
if (!exists("title")) title = "replicas and nodes"
if (!exists("nworkloads")) nworkloads = 0

stats [*:*][*:*] datafile using 1 nooutput
nblocks = STATS_blocks
ngroups = nblocks - nworkloads
eval time_axis
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set ytics autofreq
set lmargin at screen 0.08

# One legend width for both panels, so their plots line up.
keytitle = "node group"
eval key_layout
set multiplot title title font ",16"
if (nworkloads > 0) {
	# Top panel: replicas. Its x axis labels are left to the bottom panel.
	set tmargin at screen 0.90
	set bmargin at screen (ngroups > 0 ? 0.53 : 0.12)
	set ylabel "replicas (pods)"
	set key title "workload (dashed: Ready)"
	if (ngroups > 0) {
		set format x ""
		unset xlabel
	}
	if (exists("extra")) { eval extra }
	stats [*:*][*:*] datafile index 0:(nworkloads - 1) using 2 nooutput
	if (STATS_max <= 12) { set ytics 1 } else { set ytics autofreq }
	# One legend entry per workload (its wanted replicas); the dashed Ready
	# line of the same colour needs none, so many workloads still fit.
	plot for [i=0:nworkloads-1] datafile index i using ($1/tdiv):2 with steps \
		lt (i+1) lw 2.5 title columnheader(2), \
	     for [i=0:nworkloads-1] datafile index i using ($1/tdiv):3 with steps \
		lt (i+1) lw 1.5 dt 11 notitle
	set format x "% g"
	eval time_axis
}
if (ngroups > 0) {
	set tmargin at screen (nworkloads > 0 ? 0.47 : 0.90)
	set bmargin at screen 0.12
	set ylabel "nodes"
	set key title "node group (dashed: Ready)"
	if (exists("extra")) { eval extra }
	# Colours go on from the workloads' so a group is not mistaken for one.
	stats [*:*][*:*] datafile index nworkloads:(nblocks - 1) using 2 nooutput
	if (STATS_max <= 12) { set ytics 1 } else { set ytics autofreq }
	plot for [i=nworkloads:nblocks-1] datafile index i using ($1/tdiv):2 \
		with steps lt (i+1) lw 2.5 title columnheader(2), \
	     for [i=nworkloads:nblocks-1] datafile index i using ($1/tdiv):3 \
		with steps lt (i+1) lw 1.5 dt 11 notitle
}
unset multiplot
