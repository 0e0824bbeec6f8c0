#!/usr/bin/env bash
# Native AOT check: publishes an app that uses FioMem with -p:PublishAot=true, fails on any trim/AOT warning, runs the
# binary and prints the publish time and binary size.
#   eng/aot-check.sh [project-dir] [-- app arguments]    (default: samples/FioMem.Demo)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

project=${1:-samples/FioMem.Demo}
shift || true
[ "${1:-}" = "--" ] && shift
app_args=("$@")

name=$(basename "$project")
out=artifacts/aot/$name
log=artifacts/aot/$name.publish.log
rid=linux-x64
case "$(uname -m)" in aarch64|arm64) rid=linux-arm64 ;; esac
rm -rf "$out"; mkdir -p "$out"

start=$(date +%s)
# The ILCompiler packages come from the configured package sources; the SDK picks their version.
if ! dotnet publish "$project" -c Release -r "$rid" -p:PublishAot=true -o "$out" -nologo >"$log" 2>&1; then
  cat "$log"; echo "aot-check: publish failed"; exit 1
fi
seconds=$(( $(date +%s) - start ))

# IL2xxx are trimming warnings, IL3xxx AOT warnings; any other warning also counts (warnings are errors here).
if grep -E ': warning [A-Z]+[0-9]+' "$log" | sort -u | grep .; then
  echo "aot-check: publish produced warnings"; exit 1
fi

csproj=$(ls "$project"/*.csproj | head -n 1)
assembly=$(sed -n 's:.*<AssemblyName>\(.*\)</AssemblyName>.*:\1:p' "$csproj" | head -n 1)
binary=$out/${assembly:-$(basename "$csproj" .csproj)}
[ -f "$binary" ] && [ -x "$binary" ] || { echo "aot-check: no native binary at $binary"; exit 1; }
echo "aot-check: running $binary ${app_args[*]:-}"
"$binary" "${app_args[@]}"
size=$(stat -c %s "$binary")
echo "aot-check: OK — published in ${seconds} s, $binary is ${size} bytes ($(( size / 1024 )) KiB), no trim/AOT warnings"
