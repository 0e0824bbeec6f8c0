#!/usr/bin/env bash
# Load test of the sample server: wrk against /echo with 16 KiB bodies on 127.0.0.1, FioMem's pool and Kestrel's
# default pool taking turns. Prints requests/s, p99 latency, RSS before the load, peak RSS (VmHWM) and RSS after an
# idle period, and writes RSS-over-time CSVs and a chart.
#
#   samples/FioMem.Server/loadtest.sh                       # 20 s load, 30 s idle, 64 connections, 2 rounds
#   LOAD_SECONDS=15 IDLE_SECONDS=30 ROUNDS=1 samples/FioMem.Server/loadtest.sh
#
# Needs wrk (Debian/Ubuntu: apt-get install wrk); installs nothing itself.
set -euo pipefail
cd "$(dirname "$0")/../.."

LOAD_SECONDS=${LOAD_SECONDS:-20}
IDLE_SECONDS=${IDLE_SECONDS:-30}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-2}
PORT=${PORT:-5090}
OUT=${OUT:-artifacts/loadtest}
CHART=${CHART:-docs/images/server-rss.png}

if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk is not installed: apt-get install wrk" >&2
  exit 1
fi

dotnet build samples/FioMem.Server -c Release -nologo -v q >/dev/null
server_dll=samples/FioMem.Server/bin/Release/net10.0/FioMem.Server.dll
mkdir -p "$OUT"
results="$OUT/results.tsv"
printf 'round\tpool\trequests_per_s\tp99\trss_before_mib\trss_peak_mib\trss_after_idle_mib\tafter_vs_before\tfiomem_mib_before/end/idle\tgc_committed_mib_before/idle\tthreads_before/idle\tgc_bytes_per_request\n' > "$results"

kib() { awk -v key="$1:" '$1 == key { print $2 }' "/proc/$2/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
bytes_mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
stat_field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" <<<"$2"; }

run_one() {
  local round=$1 pool=$2
  local csv="$OUT/rss-$pool-round$round.csv"
  dotnet "$server_dll" --pool "$pool" --port "$PORT" >"$OUT/server-$pool-round$round.log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/json" >/dev/null 2>&1 && break; sleep 0.1; done

  # RSS once a second from here on, with the phase it falls in.
  local start; start=$(date +%s.%N)
  local phase_file="$OUT/.phase-$pool"; echo warmup >"$phase_file"
  echo "seconds,rss_kib,phase" >"$csv"
  ( while kill -0 "$pid" 2>/dev/null; do
      printf '%s,%s,%s\n' "$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }')" \
        "$(kib VmRSS "$pid")" "$(cat "$phase_file")" >>"$csv"
      sleep 1
    done ) 2>/dev/null &
  local sampler=$!

  # Warm up (JIT, first buffers), then settle for longer than FioMem's trim delay (5 s) before the baseline.
  wrk -t1 -c4 -d2s -s samples/FioMem.Server/echo16k.lua "http://127.0.0.1:$PORT/echo" >/dev/null
  echo settle >"$phase_file"
  sleep "${SETTLE_SECONDS:-8}"
  local before; before=$(kib VmRSS "$pid")
  local stats_before; stats_before=$(curl -fs "http://127.0.0.1:$PORT/stats")

  echo load >"$phase_file"
  local report; report=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${LOAD_SECONDS}s" --latency \
    -s samples/FioMem.Server/echo16k.lua "http://127.0.0.1:$PORT/echo")
  echo idle >"$phase_file"
  local stats_after; stats_after=$(curl -fs "http://127.0.0.1:$PORT/stats")
  local peak; peak=$(kib VmHWM "$pid")
  sleep "$IDLE_SECONDS"
  local after; after=$(kib VmRSS "$pid")
  local stats_idle; stats_idle=$(curl -fs "http://127.0.0.1:$PORT/stats")
  kill "$sampler" 2>/dev/null || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  printf '%s\n%s\n%s\n' "$stats_before" "$stats_after" "$stats_idle" >"$OUT/stats-$pool-round$round.json"

  local rps p99 requests gc_before gc_after
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$report")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$report")
  requests=$(awk '/requests in/ { print $1 }' <<<"$report")
  gc_before=$(stat_field gcAllocatedBytes "$stats_before")
  gc_after=$(stat_field gcAllocatedBytes "$stats_after")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$pool" "$rps" "$p99" "$(mib "$before")" "$(mib "$peak")" "$(mib "$after")" \
    "$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%+.1f%%", (a - b) * 100 / b }')" \
    "$(bytes_mib "$(stat_field fioReservedBytes "$stats_before")")/$(bytes_mib "$(stat_field fioReservedBytes "$stats_after")")/$(bytes_mib "$(stat_field fioReservedBytes "$stats_idle")")" \
    "$(bytes_mib "$(stat_field gcCommittedBytes "$stats_before")")/$(bytes_mib "$(stat_field gcCommittedBytes "$stats_idle")")" \
    "$(stat_field threads "$stats_before")/$(stat_field threads "$stats_idle")" \
    "$(awk -v g="$((gc_after - gc_before))" -v r="$requests" 'BEGIN { printf "%.0f", g / r }')" >>"$results"
  echo "round $round $pool: $rps req/s, p99 $p99, RSS $(mib "$before") -> peak $(mib "$peak") -> $(mib "$after") MiB after ${IDLE_SECONDS}s idle" >&2
  echo "$report" >"$OUT/wrk-$pool-round$round.txt"
  rm -f "$phase_file"
}

for round in $(seq "$ROUNDS"); do
  # Alternate which pool goes first, so neither always gets the quieter machine.
  if (( round % 2 == 1 )); then order="fiomem default"; else order="default fiomem"; fi
  for pool in $order; do run_one "$round" "$pool"; done
done

dotnet "$server_dll" chart "$OUT/rss-fiomem-round1.csv" "$OUT/rss-default-round1.csv" "$CHART" >&2
echo
echo "wrk -t$THREADS -c$CONNECTIONS -d${LOAD_SECONDS}s --latency, POST /echo 16 KiB; RSS after ${IDLE_SECONDS}s idle"
column -t -s $'\t' "$results"
