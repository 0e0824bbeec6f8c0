#!/usr/bin/env bash
# Build-time interception demo: builds samples/FioMem.Intercept (plain NativeMemory code) twice, without and with
# -p:FioMemInterceptNativeMemory=true, and runs both builds alternately, side by side.
#   eng/intercept-demo.sh [rounds] [threads] [operations per thread]     (default: 3 2 2000000)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

rounds=${1:-3}
threads=${2:-2}
operations=${3:-2000000}
project=samples/FioMem.Intercept
out=artifacts/intercept-demo

for setting in false true; do
  dotnet build "$project" -c Release -nologo -v:m -p:FioMemInterceptNativeMemory=$setting -o "$out/$setting" \
    | grep -E 'FioMem intercepts|error|warning' || true
done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  # Alternate the order so that a machine getting busier or quieter does not favour one build.
  order="false true"; [ $((round % 2)) -eq 0 ] && order="true false"
  for setting in $order; do
    label="without the property"; [ "$setting" = true ] && label="with the property   "
    echo "round $round, $label: $(dotnet "$out/$setting/FioMem.Intercept.dll" "$threads" "$operations")"
  done
done
