#!/usr/bin/env bash
# flink-lib: the JobManager's and TaskManagers' entrypoint. Copies ONNX Runtime from the cluster lib module
# (flink-job/cluster/target/lib, mounted at $STREAMREC_LIB; its version is pinned once, in the root pom) onto
# Flink's lib/, where it loads parent-first (docs/CLUSTER.md), adds the Prometheus reporter if the image has no
# plugins/metrics-prometheus, then runs the image's own entrypoint with the arguments (jobmanager | taskmanager).
set -euo pipefail

STREAMREC_LIB=${STREAMREC_LIB:-/streamrec/lib}
FLINK_HOME=${FLINK_HOME:-/opt/flink}
FLINK_ENTRYPOINT=${FLINK_ENTRYPOINT:-/docker-entrypoint.sh}

shopt -s nullglob
ort=("$STREAMREC_LIB"/onnxruntime-*.jar)
if [ "${#ort[@]}" -ne 1 ]; then
    echo "flink-lib: expected one onnxruntime-*.jar in $STREAMREC_LIB, found ${#ort[@]};" \
        "build it first: mvn -B -q -pl flink-job,flink-job/cluster -DskipTests package" >&2
    exit 1
fi
cp "${ort[0]}" "$FLINK_HOME/lib/"
prom=("$FLINK_HOME"/plugins/metrics-prometheus/*.jar)
if [ "${#prom[@]}" -eq 0 ]; then
    cp "$STREAMREC_LIB"/flink-metrics-prometheus-*.jar "$FLINK_HOME/lib/"
fi
exec "$FLINK_ENTRYPOINT" "$@"
