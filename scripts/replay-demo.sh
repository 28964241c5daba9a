#!/usr/bin/env bash
# usage: scripts/replay-demo.sh <checkout> <outdir>: the demo's traffic (seed 42) replayed with the demo spec, parallelism 2
set -euo pipefail
cd "$1"
mvn -q -o compile >/dev/null
mvn -q dependency:build-classpath -Dmdep.outputFile=/tmp/cp.$$ -Dmdep.includeScope=compile >/dev/null
CP="target/classes:$(cat /tmp/cp.$$)"
OPENS=$(grep -o "<flink.jvm.opens>.*</flink.jvm.opens>" pom.xml | sed -e "s#<[^>]*>##g")
MAIN=$(grep -rl "public static void main" src/main/java | xargs grep -l '"replay"' | head -1 | sed 's|src/main/java/||; s|\.java$||; s|/|.|g')
mkdir -p "$2/traffic"
java -Xmx2g $OPENS -cp "$CP" $MAIN simulate --out-dir "$2/traffic" --seed 42 >/dev/null
java -Xmx3g $OPENS -cp "$CP" $MAIN replay --spec src/main/resources/demo-spec.yaml --predictions "$2/traffic/predictions.jsonl" \
  --labels "$2/traffic/labels.jsonl" --business-events "$2/traffic/business-events.jsonl" --out "$2/out" --parallelism 2 2>/tmp/replay-err.log | tail -1
(cd "$2/out" && sha256sum *.jsonl)
