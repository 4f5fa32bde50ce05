#!/usr/bin/env bash
# tests/cli/bad_input.sh BIN -- bad input through the command line: each case
# must exit with status 2, print exactly the expected one-line message on
# stderr, nothing on stdout, and leave no results database behind.
# Covers the limits of docs/limits.md (absurd but well-formed values, hostile
# YAML, trace files, NaN/Inf in every kind of numeric field), --set and usage.
# Messages are checked whole: positions are 1-based line:column of the
# offending value (counted by hand in the texts below).
set -u
bin=$1
src=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
cp "$src"/tests/data/trace-unsorted.csv "$src"/tests/data/trace-negative.csv .

n=0
fails=0
# expect2 MESSAGE ARGS...: runs BIN ARGS, wants status 2 and stderr MESSAGE.
expect2() {
	local want=$1 out err rc
	shift
	n=$((n + 1))
	out=$("$bin" "$@" 2>"$tmp/stderr")
	rc=$?
	err=$(cat "$tmp/stderr")
	if [ "$rc" != 2 ] || [ "$err" != "$want" ] || [ -n "$out" ] || [ -e out.db ]; then
		printf 'case %d: clustersim %s\n  status %s (want 2)\n  stderr: %s\n  want:   %s\n' \
			"$n" "$*" "$rc" "$err" "$want"
		[ -n "$out" ] && printf '  stdout: %s\n' "$out"
		[ -e out.db ] && printf '  out.db was created\n'
		fails=$((fails + 1))
		rm -f out.db
	fi
}

# scenario NAME: the four lines below, then stdin.
scenario() {
	{
		printf 'name: t\nduration: 1h\nnode_groups:\n'
		printf '  - {name: w, instance_type: m5.large, count: 2}\n'
		cat
	} >"$1"
}

# ---- absurd but well-formed values -----------------------------------------
scenario replicas.yaml <<'EOF'
workloads:
  - {name: web, replicas: 1000000000}
EOF
expect2 'clustersim: replicas.yaml:6:27: workloads[web].replicas: expected an integer from 0 to 100000, got "1000000000"' \
	run replicas.yaml --db out.db

# A century at 1 ms: the duration is refused first (it comes first).
printf 'name: t\nduration: 36500d\nsample_interval: 1ms\nnode_groups: [{name: w, instance_type: m5.large}]\n' >century.yaml
expect2 'clustersim: century.yaml:2:11: duration: expected a duration greater than 0s and at most 366d, got "36500d"' \
	run century.yaml --db out.db

# 366 d / 10^7 samples = 3.16224 s.
printf 'name: t\nduration: 366d\nsample_interval: 1ms\nnode_groups: [{name: w, instance_type: m5.large}]\n' >samples.yaml
expect2 'clustersim: samples.yaml:3:18: sample_interval: expected a duration of at least 3s162ms240us (at most 10000000 samples in 366d), got "1ms"' \
	validate samples.yaml

# Sample rows: 10 nodes + 1000 pods + 1 workload = 1011 rows a sample;
# 31622400 s x 1011 / 2.5e7 rows = 1278.809856 s at least between samples.
printf 'name: t\nduration: 366d\nnode_groups: [{name: w, instance_type: m5.large, count: 10}]\nworkloads: [{name: web, replicas: 1000}]\n' >rows.yaml
expect2 'clustersim: rows.yaml:1:1: sample_interval: expected a duration of at least 21m18s809ms856us (at most 25000000 sample rows in 366d: 10 nodes + 1000 pods + 1 workloads per sample; or record.pod_samples: false)' \
	run rows.yaml --db out.db
# The same refused through --set (the mark is then the override's).
expect2 'clustersim: --set:1:17: sample_interval: expected a duration of at least 21m18s809ms856us (at most 25000000 sample rows in 366d: 10 nodes + 1000 pods + 1 workloads per sample; or record.pod_samples: false), got "1m"' \
	run rows.yaml --set sample_interval=1m --db out.db

scenario rps.yaml <<'EOF'
workloads:
  - {name: web}
traffic:
  - {workload: web, rate: {shape: constant, rps: 1e12}}
EOF
expect2 'clustersim: rps.yaml:8:50: traffic[0].rate.rps: expected a number from 0 to 10000000, got "1e12"' \
	run rps.yaml --db out.db

# Expected requests: 10^7 rps x 3600 s = 3.6e10 > 10^10.
scenario volume.yaml <<'EOF'
workloads:
  - {name: web}
traffic:
  - {workload: web, rate: {shape: constant, rps: 1e7}}
EOF
expect2 'clustersim: volume.yaml:8:27: traffic[0].rate: expected at most 10000000000 requests per run over all traffic streams, got 3.6e+10 in 1h (rps x duration, streams up to this one; shorten the run or lower the rate)' \
	run volume.yaml --db out.db
# Two streams of 1e6 rps for 1h: 7.2e9 after the first two; the third, a
# diurnal from 0 to 2e6 over one whole period (mean 1e6), brings 1.08e10.
scenario volume2.yaml <<'EOF'
workloads:
  - {name: web}
traffic:
  - {workload: web, rate: {shape: constant, rps: 1e6}}
  - {workload: web, rate: {shape: constant, rps: 1e6}}
  - {workload: web, rate: {shape: diurnal, min: 0, max: 2e6, period: 1h}}
EOF
expect2 'clustersim: volume2.yaml:10:27: traffic[2].rate: expected at most 10000000000 requests per run over all traffic streams, got 1.08e+10 in 1h (rps x duration, streams up to this one; shorten the run or lower the rate)' \
	validate volume2.yaml

scenario nodes.yaml <<'EOF'
instance_types:
  - {name: m5.large, max_pods: 100000}
EOF
expect2 'clustersim: nodes.yaml:6:32: instance_types[m5.large].max_pods: expected an integer from 1 to 5000, got "100000"' \
	validate nodes.yaml

# m5.large has 2 vCPUs: at most 120 credits (vCPU-minutes) an hour.
scenario credits.yaml <<'EOF'
instance_types:
  - {name: m5.large, burstable: {credits_per_hour: 121}}
EOF
expect2 'clustersim: credits.yaml:6:52: instance_types[m5.large].burstable.credits_per_hour: expected a number of at most 60 x vcpu (120) credits per hour (a baseline of at most 1), got "121"' \
	validate credits.yaml

# ---- hostile YAML ------------------------------------------------------------
{
	printf 'a0: &a0 lol\n'
	for i in 1 2 3 4 5 6 7 8 9; do
		printf 'a%d: &a%d [' "$i" "$i"
		for j in 1 2 3 4 5 6 7 8 9; do printf '*a%d, ' $((i - 1)); done
		printf '*a%d]\n' $((i - 1))
	done
} >laughs.yaml
# Line 7 is a6 (10^5 nodes below it after 5 levels); the 8th alias crosses 10^6.
expect2 'clustersim: laughs.yaml:7:45: document too large: more than 1000000 nodes (an alias counts its anchor'"'"'s nodes each time it is used)' \
	run laughs.yaml --db out.db

# A 1 MiB string aliased 300 times: the 255th alias (column 5 + 4 x 254)
# brings the text past 256 MiB.
{
	printf 'name: t\nduration: 1h\nx: &a "'
	head -c 1048576 /dev/zero | tr '\0' x
	printf '"\ny: ['
	for i in $(seq 299); do printf '*a, '; done
	printf '*a]\n'
} >longlaughs.yaml
expect2 'clustersim: longlaughs.yaml:4:1021: document too large: more than 268435456 bytes of text (an alias counts its anchor'"'"'s text each time it is used)' \
	validate longlaughs.yaml

{
	printf 'name: t\nx: '
	for i in $(seq 100); do printf '['; done
} >deep.yaml
expect2 'clustersim: deep.yaml:2:67: document nested too deeply: more than 64 levels' validate deep.yaml

head -c $((64 * 1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >huge.yaml
expect2 'clustersim: huge.yaml: file too large: more than 67108864 bytes' run huge.yaml --db out.db
rm -f huge.yaml

printf 'name: t\nduration: [1h\n' >syntax.yaml
expect2 "clustersim: syntax.yaml:3:1: invalid YAML: did not find expected ',' or ']' while parsing a flow sequence" \
	validate syntax.yaml
printf 'name: t\nduration: 1h\nduration: 2h\n' >dup.yaml
expect2 'clustersim: dup.yaml:3:1: duplicate key "duration" (first at line 2)' validate dup.yaml
printf 'name: t\nduration: *nope\n' >alias.yaml
expect2 'clustersim: alias.yaml:2:11: unknown alias "*nope"' validate alias.yaml
expect2 'clustersim: missing.yaml: cannot open: No such file or directory' run missing.yaml --db out.db
mkdir adir
expect2 'clustersim: adir: cannot open: is a directory' validate adir

# ---- trace files -------------------------------------------------------------
trace() {
	scenario "$1" <<EOF
workloads:
  - {name: web}
traffic:
  - {workload: web, rate: {shape: trace, file: $2}}
EOF
}
trace unsorted.yaml trace-unsorted.csv
expect2 'clustersim: trace-unsorted.csv:3:1: traffic[0].rate.file: expected seconds of at least 60 (rows sorted by time), got "30,7"' \
	run unsorted.yaml --db out.db
trace negative.yaml trace-negative.csv
expect2 'clustersim: trace-negative.csv:2:1: traffic[0].rate.file: expected seconds >= 0 and rps from 0 to 10000000, got "10,-1"' \
	validate negative.yaml
printf 'seconds,rps\n0,1\ninf,2\n' >inf.csv
trace inftrace.yaml inf.csv
expect2 'clustersim: inf.csv:3:1: traffic[0].rate.file: expected a row "seconds,rps" of two finite numbers, got "inf,2"' \
	validate inftrace.yaml
trace zero.yaml /dev/zero
expect2 'clustersim: zero.yaml:8:48: traffic[0].rate.file: expected a regular CSV file of at most 64 MiB (/dev/zero is not a regular file), got "/dev/zero"' \
	validate zero.yaml

# ---- NaN and Inf in every kind of numeric field ------------------------------
scenario nan-cpu.yaml <<'EOF'
workloads:
  - {name: web, requests: {cpu: .nan}}
EOF
expect2 'clustersim: nan-cpu.yaml:6:33: workloads[web].requests.cpu: expected a CPU quantity like 250m or 0.5, got ".nan"' \
	validate nan-cpu.yaml
scenario inf-mem.yaml <<'EOF'
workloads:
  - {name: web, limits: {memory: .inf}}
EOF
expect2 'clustersim: inf-mem.yaml:6:34: workloads[web].limits.memory: expected a memory quantity like 128Mi, got ".inf"' \
	validate inf-mem.yaml
printf 'name: t\nduration: .inf\nnode_groups: [{name: w, instance_type: m5.large}]\n' >inf-dur.yaml
expect2 'clustersim: inf-dur.yaml:2:11: duration: expected a duration like 15s or 1h30m, got ".inf"' \
	validate inf-dur.yaml
scenario nan-rps.yaml <<'EOF'
workloads:
  - {name: web}
traffic:
  - {workload: web, rate: {shape: constant, rps: .nan}}
EOF
expect2 'clustersim: nan-rps.yaml:8:50: traffic[0].rate.rps: expected a number from 0 to 10000000, got ".nan"' \
	validate nan-rps.yaml
scenario inf-int.yaml <<'EOF'
workloads:
  - {name: web, replicas: .inf}
EOF
expect2 'clustersim: inf-int.yaml:6:27: workloads[web].replicas: expected an integer from 0 to 100000, got ".inf"' \
	validate inf-int.yaml
printf 'name: t\nduration: 1h\nseed: .inf\nnode_groups: [{name: w, instance_type: m5.large}]\n' >inf-seed.yaml
expect2 'clustersim: inf-seed.yaml:3:7: seed: expected an integer of at least 0, got ".inf"' \
	validate inf-seed.yaml
scenario inf-price.yaml <<'EOF'
instance_types:
  - {name: m5.large, price_per_hour: 1e999}
EOF
expect2 'clustersim: inf-price.yaml:6:38: instance_types[m5.large].price_per_hour: expected a price in USD per hour like 0.0416, got "1e999"' \
	validate inf-price.yaml
scenario nan-dist.yaml <<'EOF'
workloads:
  - {name: web, request_cpu: {dist: exponential, mean: NaN}}
EOF
expect2 'clustersim: nan-dist.yaml:6:56: workloads[web].request_cpu.mean: expected a duration like 15s or 1h30m, got "NaN"' \
	validate nan-dist.yaml
scenario inf-cv.yaml <<'EOF'
workloads:
  - {name: web, request_cpu: {dist: lognormal, mean: 10ms, cv: -.inf}}
EOF
expect2 'clustersim: inf-cv.yaml:6:64: workloads[web].request_cpu.cv: expected a number from 0 to 100, got "-.inf"' \
	validate inf-cv.yaml
scenario nan-percent.yaml <<'EOF'
workloads:
  - {name: web, requests: {cpu: 1}, hpa: {max: 3, target_cpu_utilization: .nan}}
EOF
expect2 'clustersim: nan-percent.yaml:6:75: workloads[web].hpa.target_cpu_utilization: expected a percentage like 80 or 80%, got ".nan"' \
	validate nan-percent.yaml
scenario nan-fraction.yaml <<'EOF'
instance_types:
  - {name: m5.large, burstable: {baseline: .nan}}
EOF
expect2 'clustersim: nan-fraction.yaml:6:44: instance_types[m5.large].burstable.baseline: expected a number from 0 to 1, got ".nan"' \
	validate nan-fraction.yaml
scenario inf-diurnal.yaml <<'EOF'
workloads:
  - {name: web}
traffic:
  - {workload: web, rate: {shape: diurnal, min: 1, max: .Inf}}
EOF
expect2 'clustersim: inf-diurnal.yaml:8:57: traffic[0].rate.max: expected a number from 0 to 10000000, got ".Inf"' \
	validate inf-diurnal.yaml
scenario inf-cluster.yaml <<'EOF'
cluster: {control_plane_price_per_hour: -.inf}
EOF
expect2 'clustersim: inf-cluster.yaml:5:41: cluster.control_plane_price_per_hour: expected a price in USD per hour like 0.0416, got "-.inf"' \
	validate inf-cluster.yaml

# ---- --set -------------------------------------------------------------------
expect2 'clustersim: --set:1:24: workloads[web].replicas: expected an integer from 0 to 100000, got "1e9"' \
	run replicas.yaml --set workloads.web.replicas=1e9 --db out.db
expect2 'clustersim: --set:1:10: duration: expected a duration like 15s or 1h30m, got ".nan"' \
	run replicas.yaml --set duration=.nan --db out.db
expect2 'clustersim: --set:1:24: node_groups: expected the name of an item of node_groups (w), got "nope"' \
	run replicas.yaml --set node_groups.nope.count=3 --db out.db
expect2 'clustersim: --set: expected PATH=VALUE like workloads.web.replicas=3, got "novalue"' \
	run replicas.yaml --set novalue --db out.db
# A bad path is marked at the value, like every --set error.
expect2 'clustersim: --set:1:6: expected a path like workloads.web.replicas, got "a..b"' \
	run replicas.yaml --set a..b=1 --db out.db

# ---- sweeps ------------------------------------------------------------------
{
	printf 'scenario: rps.yaml\nparameters:\n'
	printf '  workloads.web.replicas: [%s]\n' "$(seq -s, 1 100)"
	printf '  node_groups.w.count: [%s]\n' "$(seq -s, 1 100)"
	printf '  seed: [%s]\n' "$(seq -s, 1 101)"
} >points.yaml
expect2 'clustersim: points.yaml:5:9: parameters.seed: expected fewer values: at most 1000000 points in a sweep (the product of the list lengths reaches 1010000 here), got a list' \
	validate points.yaml
printf 'scenario: replicas.yaml\nreplications: 0\n' >reps.yaml
expect2 'clustersim: reps.yaml:2:15: replications: expected an integer from 1 to 10000, got "0"' validate reps.yaml
printf 'scenario: volume.yaml\nparameters:\n  workloads.web.replicas: [1, 2]\n' >sweepvol.yaml
expect2 'clustersim: volume.yaml:8:27: traffic[0].rate: expected at most 10000000000 requests per run over all traffic streams, got 3.6e+10 in 1h (rps x duration, streams up to this one; shorten the run or lower the rate) (sweep point 0: {"workloads.web.replicas":1})' \
	validate sweepvol.yaml

# ---- usage -------------------------------------------------------------------
expect2 'clustersim: unknown command "frobnicate" (see clustersim --help)' frobnicate
expect2 'clustersim: run: expected a scenario file (see clustersim --help)' run
expect2 'clustersim: --seed: expected a non-negative integer, got "abc" (see clustersim --help)' \
	run replicas.yaml --seed abc --db out.db
expect2 'clustersim: --seed: expected a non-negative integer, got "-1" (see clustersim --help)' \
	run replicas.yaml --seed -1 --db out.db
expect2 'clustersim: run: unexpected argument "--bogus" (see clustersim --help)' \
	run replicas.yaml --bogus --db out.db
expect2 'clustersim: --threads: expected 1 or 2, got "3" (see clustersim --help)' \
	run replicas.yaml --threads 3 --db out.db
expect2 'clustersim: --threads: expected 1 or 2, got "0" (see clustersim --help)' \
	run replicas.yaml --threads 0 --db out.db
expect2 'clustersim: validate: expected one scenario or sweep file (see clustersim --help)' validate

echo "bad_input: $n cases, $fails failed"
[ "$fails" = 0 ] && [ "$n" -ge 45 ]
