#!/usr/bin/env bash
# How far `dotnet format analyzers --diagnostics FIO003 --severity info` migrates real NativeMemory code to FioMem.
#
#   eng/migration-reach.sh CHECKOUTS [--fiomem DIR] [--work DIR] [--only NAME[,NAME...]]
#
# CHECKOUTS holds one plain checkout per repository, under the folder names below (this script fetches nothing).
# For each recipe it copies the checkout to a scratch folder (--work, default: a fixed folder under the system temp
# folder, outside this repository), references a freshly packed FioMem from DIR (default: this repository) through a
# local-folder package source, builds and runs the repository's own tests, runs the one migration command, then builds
# and tests again — once with the defaults and once with `fiomem_migrate_public_api = true` in .editorconfig — and
# prints one table row per recipe. Tests run twice each time: normally and with FIOMEM_CHECKED=1.
#
# Call sites are counted over the C# files of the migrated project, as matches of
#   NativeMemory.<Alloc|AllocZeroed|Realloc|Free|AlignedAlloc|AlignedRealloc|AlignedFree>(
# (one match per call, several per line counted; whitespace allowed around the dot). A file that imports NativeMemory
# with `using static` or an alias would be undercounted: the script stops if it meets one.
#
# Columns: sites = NativeMemory call sites before; migrated = sites the command rewrote to FioMemory (defaults /
# opt-in); build = the migrated project builds for every target it has, with the number of FIO002 warnings (memory
# released by another allocator than the one that made it); tests = passed/total before → after the defaults → after
# the opt-in, normal and checked; ex = FioMem ownership exceptions (foreign, interior or double free) in all checked runs.
# Logs, timings and the migrated trees stay in the work folder.
set -uo pipefail
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDDISABLENODEREUSE=1

usage() { echo "usage: $0 CHECKOUTS [--fiomem DIR] [--work DIR] [--only NAME[,NAME...]]" >&2; exit 2; }
[ $# -ge 1 ] || usage
EXT=$(cd "$1" && pwd) || usage
shift
SELF=$(cd "$(dirname "$0")/.." && pwd)
FIOMEM=$SELF
WORK=${TMPDIR:-/tmp}/fiomem-migration-reach
ONLY=
while [ $# -gt 0 ]; do
  case "$1" in
    --fiomem) FIOMEM=$(cd "$2" && pwd) || usage; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    *) usage ;;
  esac
done
case "$WORK" in "$FIOMEM"/*|"$EXT"/*) echo "the work folder must be outside $FIOMEM and $EXT" >&2; exit 2 ;; esac
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
TIMINGS=$WORK/timings.txt
: >"$TIMINGS"; : >"$WORK/failed-tests.txt"

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
timed() { # timed LABEL LOGFILE command... : runs the command with its output in LOGFILE, records the wall time
  local label=$1 logfile=$2 start status; shift 2
  start=$(date +%s.%N)
  "$@" >"$logfile" 2>&1; status=$?
  printf '%-44s %7.1f s  exit %d\n' "$label" "$(echo "$(date +%s.%N) - $start" | bc)" "$status" >>"$TIMINGS"
  return $status
}

# ---------------------------------------------------------------------------------------------------------------------
# Recipes. Each sets: CHECKOUT (folder under CHECKOUTS), PROJECT (the project migrated and counted), TESTS (test project,
# or empty), FLAKY (test names known to fail on timing alone, rerun up to three times when they are the only failures),
# SMOKE (a function run after each build instead of tests, or empty), and defines edit() (run inside the copy:
# retargeting and the FioMem reference; every change to the repository's own files is made here).
# ---------------------------------------------------------------------------------------------------------------------
RECIPES=(Frent Frent4 binary MoonWorks Wiaoj.Primitives NativeMemoryArray Arch.LowLevel Qommon)
# Code bases measured first before the safe-by-construction migration (one recipe each, below the first eight).
RECIPES+=(Checs BepuUtilities DragonLib NativeCollections Sci.NET.Mathematics)

recipe_Frent() { # net10.0 only (one of its four targets)
  CHECKOUT=Frent PROJECT=Frent/Frent.csproj TESTS=Frent.Tests/Frent.Tests.csproj FLAKY= SMOKE=
  edit() { set_targets Frent/Frent.csproj net10.0; add_fiomem Frent/Frent.csproj; }
}
recipe_Frent4() { # its original four targets; FioMem for net10.0 only. The netstandard2.1 polyfills name a preview
  # System.Collections.Immutable that the package source here does not serve (restore then fails on NU1605, with or
  # without FioMem): the release of the same line as its System.Text.Json 9.0.8 replaces it. That System.Text.Json wants a
  # Microsoft.Bcl.AsyncInterfaces 9.0.8 the source does not serve either; the restore warning (NU1603) it raises on the
  # project makes the MSBuild workspace of dotnet format drop the project's references, so 9.0.9 is named directly.
  CHECKOUT=Frent PROJECT=Frent/Frent.csproj TESTS=Frent.Tests/Frent.Tests.csproj FLAKY= SMOKE=
  edit() {
    perl -pi -e 's#"System.Collections.Immutable" Version="10.0.0-preview.1.25080.5"#"System.Collections.Immutable" Version="9.0.8"#' Frent/Frent.csproj
    perl -pi -e 's#(\s*)(<PackageReference Include="System.Text.Json" Version="9.0.8" />)#$1$2$1<PackageReference Include="Microsoft.Bcl.AsyncInterfaces" Version="9.0.9" />#' Frent/Frent.csproj
    add_fiomem Frent/Frent.csproj net10.0
  }
}
recipe_binary() { # Binary.Experimental (net10.0)
  CHECKOUT=binary PROJECT=code/Binary.Experimental/Binary.Experimental.csproj
  TESTS=code/Binary.Experimental.Tests/Binary.Experimental.Tests.csproj FLAKY= SMOKE=
  edit() { add_fiomem code/Binary.Experimental/Binary.Experimental.csproj; }
}
recipe_MoonWorks() { # net9.0 -> net10.0; no tests: a small program runs the migrated code that needs no native library
  CHECKOUT=MoonWorks PROJECT=MoonWorks.csproj TESTS= FLAKY= SMOKE=moonworks_smoke
  edit() { set_targets MoonWorks.csproj net10.0; add_fiomem MoonWorks.csproj; }
}
recipe_Wiaoj.Primitives() { # net10.0
  CHECKOUT=libraries PROJECT=src/Extensions/Primitives/Wiaoj.Primitives/Wiaoj.Primitives.csproj
  TESTS=tests/Wiaoj.Primitives.Tests.Unit/Wiaoj.Primitives.Tests.Unit.csproj SMOKE=
  FLAKY='SnowflakePerformanceTests.Measure_Throughput' # asserts a minimum of IDs per second (no NativeMemory on its path)
  edit() { add_fiomem src/Extensions/Primitives/Wiaoj.Primitives/Wiaoj.Primitives.csproj; }
}
recipe_NativeMemoryArray() { # netstandard2.0;netstandard2.1;net5.0;net6.0 -> netstandard2.0;netstandard2.1;net10.0
  CHECKOUT=NativeMemoryArray PROJECT=src/NativeMemoryArray/NativeMemoryArray.csproj
  TESTS=tests/NativeMemoryArray.Tests/NativeMemoryArray.Tests.csproj FLAKY= SMOKE=
  edit() {
    set_targets src/NativeMemoryArray/NativeMemoryArray.csproj 'netstandard2.0;netstandard2.1;net10.0'
    add_fiomem src/NativeMemoryArray/NativeMemoryArray.csproj net10.0
    set_targets tests/NativeMemoryArray.Tests/NativeMemoryArray.Tests.csproj net10.0
  }
}
recipe_Arch.LowLevel() { # net7.0;net6.0;netstandard2.1 -> net10.0;netstandard2.1, tests net7.0 -> net10.0. The package
  # source here serves CommunityToolkit.HighPerformance 8.4.0 for its 8.2.2, which needs System.Runtime.CompilerServices.Unsafe
  # 6.1.0 where the project names 6.0.0 (NU1605, with or without FioMem): both are named at the versions served (a
  # restore warning on the project would make dotnet format's MSBuild workspace drop its references).
  CHECKOUT=Arch.Extended PROJECT=Arch.LowLevel/Arch.LowLevel.csproj TESTS=Arch.LowLevel.Tests/Arch.LowLevel.Tests.csproj
  FLAKY= SMOKE=
  edit() {
    perl -pi -e 's#"System.Runtime.CompilerServices.Unsafe" Version="6.0.0"#"System.Runtime.CompilerServices.Unsafe" Version="6.1.0"#; s#"CommunityToolkit.HighPerformance" Version="8.2.2"#"CommunityToolkit.HighPerformance" Version="8.4.0"#' Arch.LowLevel/Arch.LowLevel.csproj
    set_targets Arch.LowLevel/Arch.LowLevel.csproj 'net10.0;netstandard2.1'
    add_fiomem Arch.LowLevel/Arch.LowLevel.csproj net10.0
    set_targets Arch.LowLevel.Tests/Arch.LowLevel.Tests.csproj net10.0
  }
}
recipe_Qommon() { # net6.0;net7.0 -> net10.0 (library and tests). On net10.0 one call of its own ToDictionary extension
  # is ambiguous with the framework's (CS0121, with or without FioMem): it is called by its class name.
  CHECKOUT=Qommon PROJECT=src/Qommon/Qommon.csproj TESTS=src/Qommon.Tests/Qommon.Tests.csproj FLAKY= SMOKE=
  edit() {
    perl -pi -e 's#return dictionary\.ToDictionary\(comparer\);#return Qommon.Collections.EnumerableExtensions.ToDictionary(dictionary, comparer);#' src/Qommon/Metadata/Extensions/MetadataExtensions.cs
    set_targets src/Qommon/Qommon.csproj net10.0; add_fiomem src/Qommon/Qommon.csproj
    set_targets src/Qommon.Tests/Qommon.Tests.csproj net10.0
  }
}

recipe_Checs() { # net6.0 -> net10.0 (library and tests)
  CHECKOUT=Checs PROJECT=src/Checs/Checs.csproj TESTS=src/Checs.Tests/Checs.Tests.csproj FLAKY= SMOKE=
  edit() {
    set_targets src/Checs/Checs.csproj net10.0; add_fiomem src/Checs/Checs.csproj
    set_targets src/Checs.Tests/Checs.Tests.csproj net10.0
  }
}
recipe_BepuUtilities() { # bepuphysics2's BepuUtilities, net8.0 -> net10.0 (CommonSettings.props sets the target of every
  # library project). Its tests are a console program (BepuUtilitiesTests: allocator churn, quick collections over the
  # buffer pool, then math timings), run as the smoke program.
  CHECKOUT=bepuphysics2 PROJECT=BepuUtilities/BepuUtilities.csproj TESTS= FLAKY= SMOKE=bepu_smoke
  edit() {
    perl -pi -e 's#<TargetFramework>net8.0</TargetFramework>#<TargetFramework>net10.0</TargetFramework>#' CommonSettings.props
    add_fiomem BepuUtilities/BepuUtilities.csproj
    set_targets BepuUtilitiesTests/BepuUtilitiesTests.csproj net10.0
  }
}
recipe_DragonLib() { # net8.0 -> net10.0 (library and tests). The test project names Microsoft.NET.Test.Sdk 17.9.0 and
  # NUnit.Analyzers 4.0.1, which the package source here does not serve: the restore warning (NU1603) is on the test
  # project only, so nothing is changed for it. Its tests do not reach RuntimeArray, where the NativeMemory calls are.
  CHECKOUT=DragonLib PROJECT=DragonLib/DragonLib.csproj TESTS=DragonLib.Tests/DragonLib.Tests.csproj FLAKY= SMOKE=
  edit() {
    set_targets DragonLib/DragonLib.csproj net10.0; add_fiomem DragonLib/DragonLib.csproj
    set_targets DragonLib.Tests/DragonLib.Tests.csproj net10.0
  }
}
recipe_NativeCollections() { # net10.0;net9.0;net8.0;net7.0;net6.0;net5.0;netstandard2.1 -> netstandard2.1;net10.0, FioMem
  # for net10.0 only. No test suite: its Test program (concurrent queues, stack and dictionary, checked for matching
  # sums) runs as the smoke program. That program first installs its own allocator (function pointers over NativeMemory
  # in the program) in place of the library's; the call is removed so that the program runs the library's own
  # NativeMemory path, the one the migration rewrites.
  CHECKOUT=NativeCollections PROJECT=NativeCollections/NativeCollections.csproj TESTS= FLAKY= SMOKE=nativecollections_smoke
  edit() {
    set_targets NativeCollections/NativeCollections.csproj 'netstandard2.1;net10.0'
    add_fiomem NativeCollections/NativeCollections.csproj net10.0
    perl -pi -e 's#^(\s*)SimpleAllocator\.Custom\(\);#$1// SimpleAllocator.Custom();#' Test/Test/Program.cs
    grep -q '// SimpleAllocator.Custom();' Test/Test/Program.cs || { echo "could not edit Test/Test/Program.cs" >&2; exit 1; }
  }
}
recipe_Sci.NET.Mathematics() { # net8.0 -> net10.0 (every project, from src/Directory.Build.props). global.json pins SDK
  # 8.0.100 (latestPatch): removed. The output path starts with $(SolutionDir), empty when a project is built alone (the
  # output would go to /Artifacts, shared by both trees): the props folder's parent instead. Versions the package
  # source here does not serve are named at served ones (a restore warning on the project would make dotnet format's
  # MSBuild workspace drop its references): System.Management 9.0.18, JetBrains.Annotations 2025.2.2, FluentAssertions
  # [7.2.2] (an exact version), xunit.runner.visualstudio 3.1.5; its System.Threading.Tasks.Parallel reference, which the
  # framework provides, raises NU1510 on the project (a restore warning) and is removed. Versions are managed centrally,
  # so FioMem is named with VersionOverride. The repository builds with its own analyzer packages
  # (pinned at versions not all served) and warnings as errors: those analyzers are off and warnings stay warnings, so
  # FIO002 is counted like everywhere else instead of failing the build.
  CHECKOUT=Sci.NET PROJECT=src/Sci.NET.Mathematics/Sci.NET.Mathematics.csproj
  TESTS=src/Sci.NET.Mathematics.UnitTests/Sci.NET.Mathematics.UnitTests.csproj FLAKY= SMOKE=
  edit() {
    rm -f global.json NuGet.config # its NuGet.config names a package source this machine does not reach
    perl -pi -e 's#<TargetFramework>net8.0</TargetFramework>#<TargetFramework>net10.0</TargetFramework>#g; s#\$\(SolutionDir\)\\#\$(MSBuildThisFileDirectory)..\\#g; s#<EnableAnalyzers>true</EnableAnalyzers>#<EnableAnalyzers>false</EnableAnalyzers>#; s#<TreatWarningsAsErrors>true</TreatWarningsAsErrors>#<TreatWarningsAsErrors>false</TreatWarningsAsErrors>#' src/Directory.Build.props
    perl -pi -e 's#<(TreatWarningsAsErrors|CodeAnalysisTreatWarningsAsErrors)>true<#<$1>false<#' eng/build-props/AddAnalyzers.props
    perl -pi -e 's#"System.Management" Version="9.0.8"#"System.Management" Version="9.0.18"#; s#"JetBrains.Annotations" Version="2025.2.0"#"JetBrains.Annotations" Version="2025.2.2"#; s#"FluentAssertions" Version="\[7.1.0\]"#"FluentAssertions" Version="[7.2.2]"#; s#"xunit.runner.visualstudio" Version="3.1.4"#"xunit.runner.visualstudio" Version="3.1.5"#' src/Directory.Packages.props
    grep -q 'Version="9.0.18"' src/Directory.Packages.props || { echo "could not edit src/Directory.Packages.props" >&2; exit 1; }
    perl -0pi -e 's#\s*<PackageReference Include="System.Threading.Tasks.Parallel"\s*/>##' src/Sci.NET.Mathematics/Sci.NET.Mathematics.csproj
    add_fiomem src/Sci.NET.Mathematics/Sci.NET.Mathematics.csproj
    perl -pi -e 's#Include="FioMem" Version=#Include="FioMem" VersionOverride=#' src/Sci.NET.Mathematics/Sci.NET.Mathematics.csproj
  }
}

# Replaces every <TargetFramework(s)> of a project with the given list.
set_targets() {
  perl -0pi -e "s#<TargetFrameworks?>[^<]*</TargetFrameworks?>#<TargetFrameworks>$2</TargetFrameworks>#g" "$1"
}
# Adds the FioMem package reference, for every target or (second argument) for one target framework only.
add_fiomem() {
  local condition=
  [ -n "${2:-}" ] && condition=" Condition=\"'\$(TargetFramework)' == '$2'\""
  # The reference goes in through the environment: in a Perl replacement `$(` would be Perl's group-id variable.
  FIOMEM_ITEM="  <ItemGroup$condition>
    <PackageReference Include=\"FioMem\" Version=\"$FIOMEM_VERSION\" />
  </ItemGroup>
</Project>
" perl -0pi -e 's#</Project>\s*\z#$ENV{FIOMEM_ITEM}#' "$1"
  grep -q "Include=\"FioMem\"" "$1" || { echo "could not add FioMem to $1" >&2; exit 1; }
  [ -z "${2:-}" ] || grep -qF "'\$(TargetFramework)' == '$2'" "$1" || { echo "could not add FioMem for $2 to $1" >&2; exit 1; }
}

# A console program over MoonWorks code that needs none of its native libraries (SDL, FAudio, ...): it round-trips
# strings through InteropUtilities' native UTF-8 buffers, which the caller releases. The program releases them with the
# allocator the (migrated) library allocates them with, as a caller must after the migration.
moonworks_smoke() { # moonworks_smoke DIR LOG CHECKED
  local dir=$1 out=$2 smoke=$1.smoke free=NativeMemory.Free
  grep -qP "$FIO_RE" "$dir/src/InteropUtilities.cs" && free=FioMem.FioMemory.Free
  rm -rf "$smoke"; mkdir -p "$smoke"
  cp "$dir/nuget.config" "$smoke/"
  cat >"$smoke/Smoke.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$dir/MoonWorks.csproj" />
  </ItemGroup>
</Project>
EOF
  cat >"$smoke/Program.cs" <<EOF
using System;
using System.Runtime.InteropServices;
using MoonWorks;

unsafe
{
    int total = 0;
    for (int round = 0; round < 10000; round++)
    {
        string text = "moonworks \u00e9\u4e2d " + round;
        byte* buffer = InteropUtilities.EncodeToUTF8Buffer(text, out int length);
        string back = InteropUtilities.DecodeFromUTF8Buffer(buffer, length);
        if (back != text) throw new InvalidOperationException(back);
        total += length;
        $free(buffer);
    }
    Console.WriteLine("utf8 round trips: 10000, bytes: " + total);
    Console.WriteLine("done");
}
EOF
  ( cd "$smoke" && dotnet build Smoke.csproj -c Release -nologo >"$out.build" 2>&1 &&
      FIOMEM_CHECKED=$3 dotnet bin/Release/net10.0/Smoke.dll ) >"$out" 2>&1
}

# Runs bepuphysics2's BepuUtilitiesTests program. Its output is kept without the timing lines and the string hash codes
# (randomized per process), so that runs compare.
bepu_smoke() { # bepu_smoke DIR LOG CHECKED
  local dir=$1 out=$2
  ( cd "$dir" && dotnet build BepuUtilitiesTests/BepuUtilitiesTests.csproj -c Release -nologo >"$out.build" 2>&1 &&
      FIOMEM_CHECKED=$3 dotnet BepuUtilitiesTests/bin/Release/net10.0/BepuUtilitiesTests.dll >"$out.full" 2>&1 &&
      grep -viE 'time:|hash' "$out.full" && echo done ) >"$out" 2>&1
}
# Runs NativeCollections' Test program (see the recipe); it prints "Success" or "Mismatch" for each check.
nativecollections_smoke() { # nativecollections_smoke DIR LOG CHECKED
  local dir=$1 out=$2
  ( cd "$dir" && dotnet build Test/Test.csproj -c Release -nologo >"$out.build" 2>&1 &&
      FIOMEM_CHECKED=$3 dotnet Test/bin/Release/net10.0/Test.dll && echo done ) >"$out" 2>&1
}

# ---------------------------------------------------------------------------------------------------------------------
SITE_RE='\bNativeMemory\s*\.\s*(Alloc|AllocZeroed|Realloc|Free|AlignedAlloc|AlignedRealloc|AlignedFree)\s*\('
FIO_RE='\bFioMemory\s*\.\s*(Alloc|AllocZeroed|Realloc|Free|AlignedAlloc|AlignedRealloc|AlignedFree)\s*\('
# C# files compiled into the project: the project folder (no bin/obj) plus linked files outside it.
project_files() {
  local dir=$1 proj=$2 pdir
  pdir=$(dirname "$dir/$proj")
  find "$pdir" -name '*.cs' -not -path '*/bin/*' -not -path '*/obj/*' | sort
  perl -ne 'while (/<Compile\s+Include="([^"]+\.cs)"/g) { print "$1\n" }' "$dir/$proj" | tr '\\' '/' |
    while read -r f; do case "$f" in ../*) realpath -m "$pdir/$f" ;; esac; done
}
count() { # count DIR PROJECT REGEX
  local files; files=$(project_files "$1" "$2")
  # The migration's own alias (`using FioMemory = ...NativeMemory;` for targets without FioMem) is counted as FioMemory.
  if grep -lP 'using\s+static\s+(global::)?System\.Runtime\.InteropServices\.NativeMemory|using\s+(?!FioMemory\s*=)\w+\s*=\s*(global::)?System\.Runtime\.InteropServices\.NativeMemory\s*;' $files 2>/dev/null | grep .; then
    echo "NativeMemory imported with using static or an alias: the count would be wrong" >&2; exit 1
  fi
  # shellcheck disable=SC2086
  cat $files | grep -oP "$3" | wc -l
}

# Runs the test project; prints "passed/total" (plus the failed names, or the flaky reruns).
run_tests() { # run_tests DIR LABEL CHECKED(0|1)
  local dir=$1 label=$2 checked=$3 results=$WORK/results/$NAME/$2 p t f names tries
  rm -rf "$results"; mkdir -p "$results"
  ( cd "$dir" && FIOMEM_CHECKED=$checked timed "$NAME $label" "$results.log" \
      dotnet test "$TESTS" -c Release --no-restore --logger trx --results-directory "$results" -nologo )
  read -r p t f < <(trx_counts "$results")
  if [ "$t" -eq 0 ]; then echo "no tests ran"; return; fi
  names=$(failed_names "$results")
  if [ "$f" -gt 0 ] && [ -n "$FLAKY" ] && ! grep -qvxE "($FLAKY)" <<<"$(sed 's/.*\.\([^.]*\.[^.]*\)$/\1/' <<<"$names")"; then
    for tries in 1 2 3; do
      rm -rf "$results.rerun"; mkdir -p "$results.rerun"
      ( cd "$dir" && FIOMEM_CHECKED=$checked timed "$NAME $label rerun $tries" "$results.rerun.log" \
          dotnet test "$TESTS" -c Release --no-build --logger trx --results-directory "$results.rerun" -nologo \
          --filter "$(sed 's/^/FullyQualifiedName~/' <<<"$names" | paste -sd'|')" )
      read -r _ _ rf < <(trx_counts "$results.rerun")
      if [ "$rf" -eq 0 ]; then echo "$t/$t ($f timing-flaky passed on rerun)"; return; fi
    done
  fi
  if [ "$f" -eq 0 ]; then echo "$p/$t"; else
    echo "$p/$t (*)"
    echo "$NAME, $label: $(sed 's/.*\.\([^.]*\.[^.]*\)$/\1/' <<<"$names" | paste -sd' ')" >>"$WORK/failed-tests.txt"
  fi
}
trx_counts() {
  local trx; trx=$(ls "$1"/*.trx 2>/dev/null | head -n 1)
  [ -n "$trx" ] || { echo "0 0 0"; return; }
  local c; c=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  echo "$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$c") $(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$c") $(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$c")"
}
failed_names() {
  grep -ho '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$1"/*.trx 2>/dev/null | sed -n 's/.*testName="\([^"]*\)".*/\1/p' | sed 's/(.*//' | sort -u
}
# FioMem's ownership exceptions (foreign pointer, interior pointer, double free) and write-after-free reports.
fiomem_exceptions() {
  cat "$WORK/results/$NAME"/*checked*.log "$WORK/results/$NAME"/*checked*/*.trx 2>/dev/null |
    grep -cE 'was not allocated by FioMem|is not the start of an allocation|was already freed \(double free\)|was written after it was freed'
}

# Why FIO003 leaves each group alone, from the analyzers' own solver (eng/MigrationReasons); run on the tree before the
# migration, for the defaults and for the opt-in (set in .editorconfig for the run only). Writes reasons-MODE.tsv.
explain() { # explain DIR MODE
  local dir=$1 mode=$2 out=$WORK/results/$NAME/reasons-$2.tsv tfm=
  [ -n "$EXPLAINER" ] || return 0
  grep -q '<TargetFrameworks>[^<]*;' "$dir/$PROJECT" && tfm=net10.0
  cp "$dir/.editorconfig" "$dir/.editorconfig.saved" 2>/dev/null || : >"$dir/.editorconfig.saved"
  [ "$mode" = optin ] && printf '\n[*.cs]\nfiomem_migrate_public_api = true\n' >>"$dir/.editorconfig"
  timed "$NAME $mode reasons" "$out.log" dotnet "$EXPLAINER" "$dir/$PROJECT" "$ANALYZERS" $tfm
  grep -P '^\w+\t[^\t]+:\d+\t' "$out.log" | sed "s#^#$NAME\t#" >"$out"
  mv "$dir/.editorconfig.saved" "$dir/.editorconfig"; [ -s "$dir/.editorconfig" ] || rm -f "$dir/.editorconfig"
}
reasons_summary() { # reasons_summary MODE: "Reason n, ..." over the calls left alone
  local f=$WORK/results/$NAME/reasons-$1.tsv
  [ -s "$f" ] || { echo "-"; return; }
  cut -f2 "$f" | grep -v '^migrates$' | sort | uniq -c | sort -k1,1nr -k2 |
    awk '{printf "%s%s %s", sep, $2, $1; sep=", "} END {if (NR == 0) printf "none"}'
}

same_sources() { # same_sources DIR1 DIR2: the migrated project's folder is the same in both trees
  local p; p=$(dirname "$PROJECT")
  diff -rq -x bin -x obj -x .editorconfig "$1/$p" "$2/$p" >/dev/null
}

prepare() { # prepare DIR OPTIN(0|1)
  local dir=$1
  rm -rf "$dir"; mkdir -p "$dir"
  tar -C "$EXT/$CHECKOUT" --exclude=.git --exclude=bin --exclude=obj -cf - . | tar -C "$dir" -xf -
  cat >"$dir/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="fiomem-local" value="$FEED" />
  </packageSources>
</configuration>
EOF
  ( cd "$dir" && edit )
  if [ "$2" = 1 ]; then printf '\n[*.cs]\nfiomem_migrate_public_api = true\n' >>"$dir/.editorconfig"; fi
}

build() { # build DIR LABEL: builds PROJECT for all its targets, then the tests; prints "ok" or the errors
  local dir=$1 label=$2 logfile=$WORK/results/$NAME/$2.build.log status=0
  mkdir -p "$(dirname "$logfile")"
  ( cd "$dir" && timed "$NAME $label build" "$logfile" dotnet build "$PROJECT" -c Release -nologo ) || status=1
  if [ -n "$TESTS" ] && [ $status = 0 ]; then
    ( cd "$dir" && timed "$NAME $label build tests" "$logfile.tests" dotnet build "$TESTS" -c Release -nologo ) || status=1
    cat "$logfile.tests" >>"$logfile"
  fi
  FIO002=$(grep -oE '[^ ]+\.cs\([0-9,]+\): warning FIO002' "$logfile" | sort -u | wc -l)
  if [ $status = 0 ]; then BUILD="ok"; else
    BUILD="FAILS: $(grep -oE '[^ /]+\.cs\([0-9,]+\): error [A-Z]+[0-9]+' "$logfile" | sed 's/([0-9,]*)//' | sort -u | awk '{print $1" "$3}' | sort | uniq -c | awk '{print $3" in "$2}' | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2" "$4, $1; sep="; "}')"
    grep -q 'error' "$logfile" || BUILD="FAILS"
  fi
}

measure() {
  local name=$1 base=$WORK/trees/$1 before_sites before_fio
  NAME=$name
  "recipe_$name"
  [ -d "$EXT/$CHECKOUT" ] || { echo "| $name | no checkout $EXT/$CHECKOUT |"; return; }
  rm -rf "$WORK/results/$name"; mkdir -p "$WORK/results/$name"
  log "$name: copy and restore"
  prepare "$base.defaults" 0

  before_sites=$(count "$base.defaults" "$PROJECT" "$SITE_RE")
  build "$base.defaults" before
  local build_before=$BUILD tests_before="-" tests_before_checked="-"
  explain "$base.defaults" defaults; explain "$base.defaults" optin
  if [ -n "$TESTS" ]; then
    tests_before=$(run_tests "$base.defaults" before 0); tests_before_checked=$(run_tests "$base.defaults" before-checked 1)
  elif [ -n "$SMOKE" ]; then
    $SMOKE "$base.defaults" "$WORK/results/$name/smoke-before.log" 0; tests_before=$(smoke_result before)
    $SMOKE "$base.defaults" "$WORK/results/$name/smoke-before-checked.log" 1; tests_before_checked=$(smoke_result before-checked)
  fi

  local col_migrated=() col_build=() col_tests=() col_checked=() mode optin dir fio after
  for mode in defaults optin; do
    optin=0; [ $mode = optin ] && optin=1
    dir=$base.$mode
    [ $mode = optin ] && prepare "$dir" 1
    log "$name: dotnet format ($mode)"
    ( cd "$dir" && timed "$name $mode dotnet format" "$WORK/results/$name/$mode.format.log" \
        dotnet format analyzers "$PROJECT" --diagnostics FIO003 --severity info -v n ) ||
      { col_migrated+=("format FAILED"); col_build+=("-"); col_tests+=("-"); col_checked+=("-"); continue; }
    after=$(count "$dir" "$PROJECT" "$SITE_RE"); fio=$(count "$dir" "$PROJECT" "$FIO_RE")
    # A warning while dotnet format loads the project can mean it dropped the project's references (and FioMem with them).
    grep -q 'Warnings were encountered while loading the workspace' "$WORK/results/$name/$mode.format.log" &&
      echo "$name, $mode: dotnet format reported warnings while loading the workspace" >>"$WORK/failed-tests.txt"
    local solver=; [ -s "$WORK/results/$name/reasons-$mode.tsv" ] && solver=$(grep -c $'\tmigrates\t' "$WORK/results/$name/reasons-$mode.tsv")
    col_migrated+=("$((before_sites - after))$([ "$fio" -ne "$((before_sites - after))" ] && echo " (FioMemory sites: $fio)")$([ -n "$solver" ] && [ "$solver" -ne "$((before_sites - after))" ] && echo " (solver says $solver)")")
    # Nothing rewritten: the tree is the one built and tested before. Say so instead of running them again.
    if [ "$after" -eq "$before_sites" ] && [ "$fio" -eq 0 ]; then
      col_build+=("unchanged"); col_tests+=("unchanged"); col_checked+=("unchanged"); continue
    fi
    # The same migrated sources as with the defaults build and test the same: say so instead of running them again.
    if [ $mode = optin ] && same_sources "$base.defaults" "$dir"; then
      col_build+=("same code as defaults"); col_tests+=("same code"); col_checked+=("same code"); continue
    fi
    build "$dir" "$mode"
    col_build+=("$BUILD, FIO002 $FIO002")
    if [ "$BUILD" != ok ]; then col_tests+=("not run"); col_checked+=("not run"); continue; fi
    if [ -n "$TESTS" ]; then
      col_tests+=("$(run_tests "$dir" "$mode" 0)"); col_checked+=("$(run_tests "$dir" "$mode-checked" 1)")
    elif [ -n "$SMOKE" ]; then
      $SMOKE "$dir" "$WORK/results/$name/smoke-$mode.log" 0; col_tests+=("$(smoke_result "$mode")")
      $SMOKE "$dir" "$WORK/results/$name/smoke-$mode-checked.log" 1; col_checked+=("$(smoke_result "$mode-checked")")
    else col_tests+=("-"); col_checked+=("-"); fi
  done
  local exceptions; exceptions=$(fiomem_exceptions)
  printf '| %s | %s | %s / %s | %s / %s | %s / %s | %s / %s | %s / %s | %s | %s | %s |\n' "$name" "$before_sites" \
    "${col_migrated[0]}" "${col_migrated[1]}" "${col_build[0]}" "${col_build[1]}" \
    "$tests_before" "$tests_before_checked" \
    "${col_tests[0]}" "${col_checked[0]}" "${col_tests[1]}" "${col_checked[1]}" \
    "$exceptions" "$(reasons_summary defaults)" "$(reasons_summary optin)"
}
smoke_result() { # compares a smoke run's output with the run before the migration
  local f=$WORK/results/$NAME/smoke-$1.log
  grep -q '^done$' "$f" || { echo "program FAILS"; return; }
  if cmp -s "$WORK/results/$NAME/smoke-before.log" "$f"; then echo "program ok"; else echo "program output differs"; fi
}

# ---------------------------------------------------------------------------------------------------------------------
FEED=$WORK/feed
rm -rf "$FEED"; mkdir -p "$FEED"
base_version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$FIOMEM/Directory.Build.props" | head -n 1)
# A version per content of the sources, so a package cache never serves an older build under the same version.
hash=$(cd "$FIOMEM" && find src Directory.Build.props Directory.Packages.props -type f \
         \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.resx' \) \
         -not -path '*/bin/*' -not -path '*/obj/*' | sort | xargs cat | sha256sum | cut -c1-12)
FIOMEM_VERSION=$base_version-reach.$hash
log "packing FioMem $FIOMEM_VERSION from $FIOMEM"
timed "pack FioMem" "$WORK/pack.log" dotnet pack "$FIOMEM/src/FioMem.Runtime/FioMem.Runtime.csproj" -c Release \
  -o "$FEED" -p:Version="$FIOMEM_VERSION" -nologo || { cat "$WORK/pack.log"; exit 1; }

# The analyzers of the package under test, and the tool that asks them why (only FioMem versions with an explainer).
ANALYZERS=$WORK/analyzers/FioMem.Analyzers.dll EXPLAINER=
rm -rf "$WORK/analyzers"; mkdir -p "$WORK/analyzers"
unzip -qjo "$FEED/FioMem.$FIOMEM_VERSION.nupkg" analyzers/dotnet/cs/FioMem.Analyzers.dll -d "$WORK/analyzers"
if grep -q MigrationExplainer "$ANALYZERS"; then
  timed "build eng/MigrationReasons" "$WORK/reasons-build.log" \
    dotnet build "$SELF/eng/MigrationReasons/MigrationReasons.csproj" -c Release -o "$WORK/reasons-tool" -nologo ||
    { cat "$WORK/reasons-build.log"; exit 1; }
  EXPLAINER=$WORK/reasons-tool/MigrationReasons.dll
fi

echo "FioMem $base_version ($(git -C "$FIOMEM" rev-parse --short HEAD)$(git -C "$FIOMEM" diff --quiet HEAD -- src || echo ", modified")), checkouts:"
for name in "${RECIPES[@]}"; do
  "recipe_$name"
  [ -d "$EXT/$CHECKOUT" ] && echo "  $CHECKOUT $(git -C "$EXT/$CHECKOUT" rev-parse --short HEAD 2>/dev/null)"
done | sort -u
echo
echo "| repository | sites | migrated: defaults / opt-in | build after: defaults / opt-in | tests before: normal / checked | after, defaults: normal / checked | after, opt-in: normal / checked | ex | left alone (defaults) | left alone (opt-in) |"
echo "|---|---:|---|---|---|---|---|---:|---|---|"
for name in "${RECIPES[@]}"; do
  if [ -n "$ONLY" ] && ! grep -qx "$name" <<<"$(tr , '\n' <<<"$ONLY")"; then continue; fi
  measure "$name"
done
if [ -s "$WORK/failed-tests.txt" ]; then
  echo; echo "(*) failed tests (class.method), and warnings:"; sed 's/^/- /' "$WORK/failed-tests.txt"
fi
log "timings in $TIMINGS"
