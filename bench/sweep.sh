#!/usr/bin/env bash
# A load sweep (docs/benchmarks.md#sweep): one flow at several closed-model concurrencies and open-model
# rates, each its own Gatling run with its own warm-up, against the stack COUNTERSIGN_BASE_URL /
# COUNTERSIGN_TENANT_ID / COUNTERSIGN_SECRET_KEY name (or -Dcountersign.* given after --). Then the
# points under the output directory, this sweep's and earlier ones', are gathered into sweep.json,
# sweep.csv and sweep.md, and charted.
#
#   bench/sweep.sh [--flow push] [--concurrency "4 8 16 32"] [--rates "100 200"] [--duration 60]
#                  [--warmup 25] [--out bench/target/sweep] [--charts DIR] [--no-build] [--report-only]
#                  [-- -Dname=value ...]
set -euo pipefail
cd "$(dirname "$0")/.."

flow=push concurrency="4 8 16 32" rates="" duration=60 warmup=25 out=bench/target/sweep charts="" build=1 run=1 pause=5
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --flow) flow=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --rates) rates=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --charts) charts=$2; shift 2 ;;
    --pause) pause=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --report-only) run=0; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "unknown option $1 (see the head of $0)" >&2; exit 2 ;;
  esac
done

if [[ $build == 1 ]]; then
  # Once for the whole sweep: the bench module, what it needs, and its test classpath.
  ./mvnw -B -q -Pbench -pl bench -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
fi
cp="bench/target/test-classes:bench/target/classes:$(cat bench/target/bench-classpath.txt)"
mkdir -p "$out"

point() { # <name> <load property>
  local dir="$out/$1"
  rm -rf "$dir" && mkdir -p "$dir"
  echo "== $1: $flow, $2, ${warmup} s warm-up, ${duration} s measured ($(date -u +%T))"
  # The JVM options the Gatling Maven plugin forks with; a failed run (1 % errors) still leaves its summary.
  java -Xmx1G -XX:+HeapDumpOnOutOfMemoryError -XX:MaxInlineLevel=20 -XX:MaxTrivialSize=12 \
    --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED -cp "$cp" \
    -Dflow="$flow" "$2" -Dduration="$duration" -Dwarmup="$warmup" \
    -Dcountersign.bench.results="$dir/gatling" -Dcountersign.bench.summary="$dir/summary.json" "${extra[@]}" \
    io.gatling.app.Gatling -s dev.countersign.bench.load.CountersignSimulation -rf "$dir/gatling" -rd "$1" \
    </dev/null >"$dir/gatling.log" 2>&1 || echo "   (Gatling exited $?: see $dir/gatling.log)"
  grep -E '^(Completed flows|Summary written)' "$dir/gatling.log" | sed 's/^/   /' || true
  sleep "$pause"
}

if [[ $run == 1 ]]; then
  for c in $concurrency; do point "$flow-c$c" "-Dconcurrency=$c"; done
  for r in $rates; do point "$flow-r$r" "-Drate=$r"; done
fi
java -cp "$cp" dev.countersign.bench.sweep.SweepReport "$out" ${charts:+"$charts"}
