#!/usr/bin/env bash
# Retells the story of README.md with numbers: runs every scenario under
# scenarios/story/ (each into results/<scenario name>.db), the instance-choice
# sweep (results/story-instance-choice.db), prints their reports and the
# sweep's answer, and draws every chart with an index.html review page per
# scenario under results/charts/<scenario name>/.
#   scripts/story.sh BIN [--update-docs]   (--update-docs copies the README's charts to docs/images/)
set -eu
cd "$(dirname "$0")/.."
bin=$1
update_docs=${2:-}
slo=(--slo 'p99_ms<=300' --slo 'error_rate<=0.001')
mkdir -p results/charts
start=$(date +%s)

for s in single vertical horizontal ec2-cluster ec2-cluster-fixed eks; do
	f=scenarios/story/$s.yaml
	[ -f "$f" ] || continue
	name=story-$s
	echo "== $f"
	"$bin" run "$f" --quiet
	if [ "$s" = eks ]; then
		# The two fixed clusters eks.yaml compares itself with (see its header).
		fixed=(--set autoscaler.enabled=false --set workloads.user-server.hpa=)
		echo "== $f, a fixed cluster of 2 nodes"
		"$bin" run "$f" --quiet "${fixed[@]}" --set workloads.user-server.replicas=4
		echo "== $f, a fixed cluster sized for the peak (6 nodes)"
		"$bin" run "$f" --quiet "${fixed[@]}" --set workloads.user-server.replicas=20 \
			--set node_groups.ng-1.count=6
	fi
	"$bin" plot "results/$name.db" --all -o "results/charts/$name" "${slo[@]}" >/dev/null
done

sweep=scenarios/story/sweeps/instance-choice.yaml
if [ -f "$sweep" ]; then
	echo "== $sweep"
	"$bin" sweep "$sweep" --db results/story-instance-choice.db --quiet
	"$bin" report results/story-instance-choice.db | tail -n 30
	"$bin" best results/story-instance-choice.db "${slo[@]}" || true
	"$bin" plot results/story-instance-choice.db --all -o results/charts/story-instance-choice "${slo[@]}" >/dev/null
fi
echo "story done in $(($(date +%s) - start)) s; charts: results/charts/*/index.html"

if [ "$update_docs" = --update-docs ]; then
	# Refresh the charts README.md shows: docs/images/<scenario>-<chart file>.
	mkdir -p docs/images
	for img in $(grep -o 'docs/images/[^)]*\.png' README.md | sort -u); do
		base=${img#docs/images/}
		for d in results/charts/*/; do
			n=$(basename "$d")
			f=${base#"$n"-}
			if [ "$f" != "$base" ] && [ -f "$d$f" ]; then
				cp "$d$f" "$img"
			fi
		done
	done
fi
