#!/usr/bin/env bash
# Runs the sweep of k8s-sweep.yaml on the current kubectl context, merges
# it (k8s-merge.yaml) and copies the merged database to results/ here
# (docs/distributed.md). Needs the image clustersim:0.1.0 on the nodes.
#   scripts/distributed/k8s-run.sh [TIMEOUT]      e.g. 2h; default 24h
set -eu
here=$(dirname "$0")
timeout=${1:-24h}
kubectl delete job clustersim-sweep clustersim-merge --ignore-not-found
kubectl apply -f "$here/k8s-sweep.yaml"
kubectl wait --for=condition=complete --timeout="$timeout" job/clustersim-sweep
kubectl apply -f "$here/k8s-merge.yaml"
kubectl wait --for=condition=complete --timeout=1h job/clustersim-merge
kubectl logs job/clustersim-merge
# The merge Job's pod has ended; a short-lived pod with the volume copies
# the result out.
kubectl run clustersim-fetch --image=clustersim:0.1.0 --restart=Never \
	--overrides='{"spec":{"containers":[{"name":"fetch","image":"clustersim:0.1.0",
	"command":["sleep","600"],"volumeMounts":[{"name":"r","mountPath":"/results"}]}],
	"volumes":[{"name":"r","persistentVolumeClaim":{"claimName":"clustersim-results"}}]}}'
kubectl wait --for=condition=ready --timeout=5m pod/clustersim-fetch
mkdir -p results
kubectl cp clustersim-fetch:/results/web-sweep.db results/web-sweep.db
kubectl delete pod clustersim-fetch --wait=false
echo "results/web-sweep.db"
