#!/usr/bin/env bash
# Load test of the sample server: wrk on 127.0.0.1 against FioMem's transport and pool and against Kestrel as it comes,
# taking turns round by round. Each server run goes through every case in turn:
#   64 and 2,000 connections  x  GET /json and POST /echo with 16 KiB bodies  x  one request at a time and 16-deep pipelining
# then idles, and the script prints requests/s per case and round, the medians over the rounds with FioMem's median as
# a multiple of Kestrel's, and the resident memory before the load, at its peak and after the idle period, with the
# server's own peaks per case (working set, GC committed bytes, FioMem's reservation, pool buffers, the transport buffers
# rented by either pool, the connections open and 4 KiB segments per connection at those peaks; and at the working set's
# peak: buffers rented, GC committed bytes and the GC's generations; /peak). It writes RSS-over-time CSVs and a chart to $OUT (artifacts/loadtest).
#
#   samples/FioMem.Server/loadtest.sh                                  # 8 s per case, 20 s idle, 3 rounds
#   LOAD_SECONDS=15 ROUNDS=5 CASES="64:json:1 64:echo:1" samples/FioMem.Server/loadtest.sh
#   FIOMEM_SERVER_PIPES=1 CASES="2000:echo:16" samples/FioMem.Server/loadtest.sh   # and where the rented peak was
#
# A case is CONNECTIONS:ROUTE:DEPTH (ROUTE json or echo, DEPTH 1 or the pipelining depth). 2,000 connections need
# `ulimit -n` above 2,100 for wrk and the server. Needs wrk (Debian/Ubuntu: apt-get install wrk); installs nothing itself.
set -euo pipefail
cd "$(dirname "$0")/../.."

LOAD_SECONDS=${LOAD_SECONDS:-8}
IDLE_SECONDS=${IDLE_SECONDS:-20}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-5090}
CASES=${CASES:-"64:json:1 64:echo:1 64:json:16 64:echo:16 2000:json:1 2000:echo:1 2000:json:16 2000:echo:16"}
OUT=${OUT:-artifacts/loadtest}
CHART=${CHART:-$OUT/server-rss.png}

if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk is not installed: apt-get install wrk" >&2
  exit 1
fi

dotnet build samples/FioMem.Server -c Release -nologo -v q >/dev/null
server_dll=samples/FioMem.Server/bin/Release/net10.0/FioMem.Server.dll
lua=samples/FioMem.Server/pipeline.lua
mkdir -p "$OUT"
results="$OUT/results.tsv"
memory="$OUT/memory.tsv"
printf 'round\tpool\tcase\trequests_per_s\tp99\terrors\n' > "$results"
printf 'round\tpool\trss_before_mib\trss_peak_mib\trss_after_idle_mib\tfiomem_reserved_mib_before/end/idle\tthreads_before/idle\n' > "$memory"
peaks="$OUT/peaks.tsv"
printf 'round\tpool\tcase\tworking_set_peak_mib\tgc_committed_peak_mib\tfiomem_reserved_peak_mib\tpool_buffers_peak\tpool_rented_peak_mib\tconnections_peak\tsegments_per_connection\tat_ws_peak:rented_mib\tgc_committed_mib\tgen0/gen1/gen2/loh/poh_mib\n' > "$peaks"
pipes="$OUT/pipes.tsv"
if [[ ${FIOMEM_SERVER_PIPES:-} == 1 ]]; then
  printf 'round\tpool\tcase\tpool_rented_peak_mib\tconnections\tunread_input_mib\tinput_segments\tunsent_output_mib\toutput_segments\tother_segments\n' > "$pipes"
fi
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/loadavg.txt" >&2

kib() { awk -v key="$1:" '$1 == key { print $2 }' "/proc/$2/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
bytes_mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
# A figure of /stats, or of /peak's own peaks (the first occurrence); at_peak: of /peak's sample at the working set's peak (the last).
stat_field() { grep -o "\"$1\":[0-9]*" <<<"$2" | head -1 | cut -d: -f2; }
at_peak() { grep -o "\"$1\":[0-9]*" <<<"$2" | tail -1 | cut -d: -f2; }

run_case() {
  local pool=$1 round=$2 spec=$3
  local connections route depth
  IFS=: read -r connections route depth <<<"$spec"
  local body=0; [[ $route == echo ]] && body=16384
  local threads=$THREADS; (( connections < threads )) && threads=$connections
  local report
  report=$(wrk -t"$threads" -c"$connections" -d"${LOAD_SECONDS}s" --latency -s "$lua" \
    "http://127.0.0.1:$PORT/$route" -- "/$route" "$depth" "$body" 2>&1 || true)
  echo "$report" >"$OUT/wrk-$pool-round$round-$connections-$route-$depth.txt"
  local rps p99 errors
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$report")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$report")
  errors=$(awk '/Socket errors|Non-2xx/ { $1 = $1; printf "%s; ", $0 }' <<<"$report")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$pool" "$spec" "${rps:-0}" "${p99:--}" "${errors:-none}" >>"$results"
  # The server's own peaks during the case (sampled every 20 ms), then start over for the next case.
  local peak; peak=$(curl -fs "http://127.0.0.1:$PORT/peak?reset=true" || true)
  local gens="" g
  for g in gen0Bytes gen1Bytes gen2Bytes lohBytes pohBytes; do gens+="${gens:+/}$(bytes_mib "$(at_peak $g "$peak")")"; done
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$pool" "$spec" "$(bytes_mib "$(stat_field workingSetBytes "$peak")")" \
    "$(bytes_mib "$(stat_field gcCommittedBytes "$peak")")" "$(bytes_mib "$(stat_field fioReservedBytes "$peak")")" \
    "$(stat_field fioPoolBuffers "$peak")" "$(bytes_mib "$(stat_field poolRentedBytes "$peak")")" "$(stat_field connections "$peak")" \
    "$(awk -v r="$(stat_field poolRentedBytes "$peak")" -v c="$(stat_field connections "$peak")" 'BEGIN { printf "%.1f", (c > 0 ? r / 4096 / c : 0) }')" \
    "$(bytes_mib "$(at_peak poolRentedBytes "$peak")")" \
    "$(bytes_mib "$(at_peak gcCommittedBytes "$peak")")" "$gens" >>"$peaks"
  # With FIOMEM_SERVER_PIPES=1 the server also splits its rented peak into the connections' unread input and unsent output.
  if [[ ${FIOMEM_SERVER_PIPES:-} == 1 ]]; then
    local census; census=$(curl -fs "http://127.0.0.1:$PORT/pipes" || true)
    local rented inseg outseg
    rented=$(stat_field poolRentedBytes "$census"); inseg=$(stat_field inputSegments "$census"); outseg=$(stat_field outputSegments "$census")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$pool" "$spec" "$(bytes_mib "$rented")" "$(stat_field connections "$census")" \
      "$(bytes_mib "$(stat_field inputBytes "$census")")" "$inseg" "$(bytes_mib "$(stat_field outputBytes "$census")")" "$outseg" \
      "$(( ${rented:-0} / 4096 - ${inseg:-0} - ${outseg:-0} ))" >>"$pipes"
  fi
  echo "round $round $pool $spec: ${rps:-0} req/s, p99 ${p99:--}" >&2
}

run_server() {
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
  wrk -t1 -c4 -d2s -s "$lua" "http://127.0.0.1:$PORT/echo" -- /echo 1 16384 >/dev/null
  wrk -t1 -c4 -d1s -s "$lua" "http://127.0.0.1:$PORT/json" -- /json 1 0 >/dev/null
  echo settle >"$phase_file"
  sleep "${SETTLE_SECONDS:-8}"
  local before; before=$(kib VmRSS "$pid")
  local stats_before; stats_before=$(curl -fs "http://127.0.0.1:$PORT/stats")

  echo load >"$phase_file"
  curl -fs "http://127.0.0.1:$PORT/peak?reset=true" >/dev/null || true
  for spec in $CASES; do run_case "$pool" "$round" "$spec"; done
  echo idle >"$phase_file"
  local stats_after; stats_after=$(curl -fs "http://127.0.0.1:$PORT/stats")
  local peak; peak=$(kib VmHWM "$pid")
  sleep "$IDLE_SECONDS"
  local after; after=$(kib VmRSS "$pid")
  local stats_idle; stats_idle=$(curl -fs "http://127.0.0.1:$PORT/stats")
  kill "$sampler" 2>/dev/null || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  printf '%s\n%s\n%s\n' "$stats_before" "$stats_after" "$stats_idle" >"$OUT/stats-$pool-round$round.json"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$pool" "$(mib "$before")" "$(mib "$peak")" "$(mib "$after")" \
    "$(bytes_mib "$(stat_field fioReservedBytes "$stats_before")")/$(bytes_mib "$(stat_field fioReservedBytes "$stats_after")")/$(bytes_mib "$(stat_field fioReservedBytes "$stats_idle")")" \
    "$(stat_field threads "$stats_before")/$(stat_field threads "$stats_idle")" >>"$memory"
  echo "round $round $pool: RSS $(mib "$before") -> peak $(mib "$peak") -> $(mib "$after") MiB after ${IDLE_SECONDS}s idle" >&2
  rm -f "$phase_file"
}

for round in $(seq "$ROUNDS"); do
  # Alternate which server goes first, so neither always gets the quieter machine.
  if (( round % 2 == 1 )); then order="fiomem default"; else order="default fiomem"; fi
  for pool in $order; do run_server "$round" "$pool"; done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/loadavg.txt" >&2

dotnet "$server_dll" chart "$OUT/rss-fiomem-round1.csv" "$OUT/rss-default-round1.csv" "$CHART" >&2

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
pick() { awk -F'\t' -v p="$1" -v c="$2" -v col="$3" '$2 == p && $3 == c { print $col }' "$4"; }
summary="$OUT/summary.tsv"
printf 'case (connections:route:depth)\tfiomem req/s (median)\tkestrel req/s (median)\tfiomem / kestrel\tper round (fiomem / kestrel)\n' >"$summary"
for spec in $CASES; do
  f=$(pick fiomem "$spec" 4 "$results" | median)
  d=$(pick default "$spec" 4 "$results" | median)
  per=$(paste <(pick fiomem "$spec" 4 "$results") <(pick default "$spec" 4 "$results") | awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), ($2 > 0 ? $1 / $2 : 0) }')
  printf '%s\t%.0f\t%.0f\t%s\t%s\n' "$spec" "$f" "$d" "$(awk -v f="$f" -v d="$d" 'BEGIN { printf "%.2f", (d > 0 ? f / d : 0) }')" "$per" >>"$summary"
done
for pool in fiomem default; do
  printf 'RSS after %s s idle, %s (median MiB)\t%s\n' "$IDLE_SECONDS" "$pool" "$(awk -F'\t' -v p="$pool" '$2 == p { print $5 }' "$memory" | median)" >>"$summary"
done

echo
echo "wrk -t$THREADS -d${LOAD_SECONDS}s per case, $ROUNDS rounds; fiomem = AddFioMemoryPool(), default = Kestrel as it comes"
column -t -s $'\t' "$results"
echo
column -t -s $'\t' "$memory"
echo
column -t -s $'\t' "$peaks"
echo
if [[ ${FIOMEM_SERVER_PIPES:-} == 1 ]]; then column -t -s $'\t' "$pipes"; echo; fi
column -t -s $'\t' "$summary"
