#!/usr/bin/env bash
# clustersim import: the skeleton it prints validates next to the manifests,
# names every workload, marks what to fill in, and runs; usage errors exit 2.
# $1 is the clustersim binary; the working directory is the source tree.
set -eu
bin=$1
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r tests/data/manifests "$tmp/"
cd "$tmp"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" import manifests/*.yaml --nodes m5.large=3,m5.xlarge=2 >shop.yaml 2>warnings.txt ||
	fail "import exited $?: $(cat warnings.txt)"
"$bin" validate shop.yaml >validate.txt 2>&1 || fail "skeleton does not validate: $(cat validate.txt)"
grep -q 'valid scenario "manifests": 2 node groups, 3 workloads, 1 traffic streams' validate.txt ||
	fail "unexpected validate output: $(cat validate.txt)"

# One profile stub per workload, marked for the user; paths as given.
for w in kafka node-exporter web; do
	grep -q "^  - name: $w\$" shop.yaml || fail "no profile stub for $w"
done
[ "$(grep -c 'FILL IN' shop.yaml)" -ge 10 ] || fail "too few FILL IN marks"
grep -q '^  - "manifests/web.yaml"$' shop.yaml || fail "manifest paths not as given"
grep -q '^    instance_type: m5.xlarge$' shop.yaml || fail "no m5.xlarge node group"
# Web traffic for the Deployment a Service selects; Kafka's stub commented out.
grep -q '^  - workload: web ' shop.yaml || fail "no traffic stub for web"
grep -q '^  # - workload: kafka$' shop.yaml || fail "kafka's traffic stub not commented out"
# Warnings go to stderr, not into the skeleton.
grep -q 'kinds the simulator does not use, ignored: Service (2), ConfigMap (1)' warnings.txt ||
	fail "no ignored-kinds warning: $(cat warnings.txt)"
grep -q 'warning' shop.yaml && fail "warnings in the skeleton"

# It runs (briefly), and validate prints the manifests' warnings.
"$bin" run shop.yaml --db run.db --quiet --set duration=2m >run.txt 2>&1 || fail "run: $(cat run.txt)"
grep -q 'clustersim: warning: manifests: kinds the simulator does not use' run.txt ||
	fail "run does not print the warnings"

# A folder works as well, and --name names the scenario.
"$bin" import manifests --nodes t3.medium=2 --name shop-eks >folder.yaml 2>/dev/null
"$bin" validate folder.yaml >/dev/null 2>&1 || fail "folder skeleton does not validate"
grep -q '^name: shop-eks$' folder.yaml || fail "--name ignored"

# Usage errors: exit status 2 and a message.
st=0; "$bin" import manifests --nodes t3.mediun=2 >/dev/null 2>err.txt || st=$?
[ $st -eq 2 ] || fail "unknown type: exit $st"
grep -q 'did you mean "t3.medium"' err.txt || fail "no suggestion: $(cat err.txt)"
st=0; "$bin" import manifests >/dev/null 2>err.txt || st=$?
[ $st -eq 2 ] || fail "missing --nodes: exit $st"
st=0; "$bin" import nope/*.yaml --nodes t3.medium=1 >/dev/null 2>err.txt || st=$?
[ $st -eq 2 ] || fail "missing files: exit $st"
grep -q 'nope/\*.yaml: no file matches' err.txt || fail "missing file message: $(cat err.txt)"
st=0; "$bin" import nope.yaml --nodes t3.medium=1 >/dev/null 2>err.txt || st=$?
[ $st -eq 2 ] || fail "missing file: exit $st"
grep -q 'nope.yaml: no such file or folder' err.txt || fail "missing file message: $(cat err.txt)"
printf 'kind: Deployment\napiVersion: apps/v1\nmetadata: {name: x}\nspec: {}\n' >bad.yaml
st=0; "$bin" import bad.yaml --nodes t3.medium=1 >/dev/null 2>err.txt || st=$?
[ $st -eq 2 ] || fail "bad manifest: exit $st"
grep -q '^clustersim: bad.yaml:4:7: Deployment x: spec: missing required key "template"$' err.txt ||
	fail "bad manifest message: $(cat err.txt)"
echo ok
