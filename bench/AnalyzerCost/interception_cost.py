#!/usr/bin/env python3
"""Measures what build-time interception (FioMemInterceptNativeMemory=true) costs a build.

Writes the analyzer-cost corpus (measure.py's ~100k-line project that uses FioMem and NativeMemory) into a temporary
directory, references src/FioMem.Generators as a generator (with the settings FioMem's package build file adds:
the property made visible to the compiler and the interceptors namespace), builds it once to warm up, then rebuilds it
with -p:ReportAnalyzer=true, alternately with the property on and off, and prints the generator's time as the compiler
reports it (wall time inside the generator), the build's wall time, and how many calls the generator intercepts. Then it
times the generator in one process (InterceptionInProcess/: CPU time, against the compiler binding the same sources).

Usage: python3 bench/AnalyzerCost/interception_cost.py [--lines 100000] [--runs 3] [--in-process-rounds 3] [--exe] [--keep]
"""
import argparse
import os
import re
import shutil
from statistics import median
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure  # noqa: E402  (the corpus and the build helpers)

GENERATOR_LINE = re.compile(r"^\s*(<?\d+[.,]\d+)\s+<?(\d+)\s+(FioMem\.Generators\.NativeMemoryInterceptorGenerator)\s*$")
REPORT = os.path.join("obj", "generated", "FioMem.Generators", "FioMem.Generators.NativeMemoryInterceptorGenerator",
                      "FioMem.Interception.g.cs")


def add_generator(root, exe):
    path = os.path.join(root, "CostProbe.csproj")
    generators = os.path.join(measure.REPO, "src", "FioMem.Generators", "FioMem.Generators.csproj")
    with open(path) as f:
        text = f.read()
    text = text.replace("  </PropertyGroup>", ("    <OutputType>Exe</OutputType>\n" if exe else "") + """    <InterceptorsNamespaces>$(InterceptorsNamespaces);FioMem.Interception</InterceptorsNamespaces>
    <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
    <CompilerGeneratedFilesOutputPath>obj/generated</CompilerGeneratedFilesOutputPath>
  </PropertyGroup>""", 1)
    text = text.replace("  </ItemGroup>", f"""    <ProjectReference Include="{generators}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
    <CompilerVisibleProperty Include="FioMemInterceptNativeMemory" />
  </ItemGroup>""", 1)
    with open(path, "w") as f:
        f.write(text)
    if exe:
        with open(os.path.join(root, "Main.cs"), "w") as f:
            f.write("namespace CostProbe;\n\npublic static class EntryPoint\n{\n    public static void Main() { }\n}\n")


def generator_seconds(output):
    for line in output.splitlines():
        m = GENERATOR_LINE.match(line)
        if m:
            return float(m.group(1).lstrip("<").replace(",", "."))
    return None


def run_in_process(root, rounds, exe):
    """Times the generator in one process (InterceptionInProcess/), against the compiler binding the same sources."""
    if rounds <= 0:
        return
    print()
    print(f"in-process measurement ({rounds} warm rounds after a cold one):", flush=True)
    project = os.path.join(measure.REPO, "bench", "AnalyzerCost", "InterceptionInProcess")
    proc = subprocess.run(["dotnet", "run", "-c", "Release", "--project", project, "--", root, str(rounds)]
                          + (["--exe"] if exe else []), cwd=root)
    if proc.returncode != 0:
        sys.exit("the in-process measurement failed")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--exe", action="store_true", help="build the corpus as an executable (no public API to keep)")
    parser.add_argument("--in-process-rounds", type=int, default=3,
                        help="warm rounds of the in-process measurement (InterceptionInProcess/); 0 skips it")
    parser.add_argument("--keep", action="store_true", help="keep the generated project")
    args = parser.parse_args()

    root = tempfile.mkdtemp(prefix="fiomem-interception-cost-")
    try:
        lines, files, members = measure.write_project(root, args.lines)
        add_generator(root, args.exe)
        print(f"Generated {lines} lines in {files} files ({members} members) under {root}"
              + (" (an executable)" if args.exe else " (a library)"))
        measure.dotnet(["build", "-c", "Release", "-nologo", "-p:FioMemInterceptNativeMemory=true"], root)  # warm-up

        if args.runs == 0:
            run_in_process(root, args.in_process_rounds, args.exe)
            return
        samples = {"on": [], "off": []}
        for run in range(1, args.runs + 1):
            for setting in (["on", "off"] if run % 2 else ["off", "on"]):
                out, wall = measure.dotnet(
                    ["build", "-c", "Release", "-nologo", "--no-incremental", "-p:BuildProjectReferences=false",
                     "-p:UseSharedCompilation=false", "-p:ReportAnalyzer=true", "-v:d",
                     f"-p:FioMemInterceptNativeMemory={'true' if setting == 'on' else 'false'}"], root)
                generator = generator_seconds(out)
                samples[setting].append((generator or 0.0, wall))
                print(f"run {run} property {setting:3}: generator {generator or 0:7.3f} s (ReportAnalyzer), build wall {wall:6.2f} s",
                      flush=True)

        report = os.path.join(root, REPORT)
        if os.path.exists(report):
            with open(report) as f:
                print(f.readline().strip().lstrip("\ufeff/ "))

        print()
        print(f"medians over {args.runs} runs, {lines} lines:")
        for setting in ("on", "off"):
            print(f"  property {setting:3}: generator {median([s[0] for s in samples[setting]]):.3f} s, "
                  f"build wall {median([s[1] for s in samples[setting]]):.2f} s")
        run_in_process(root, args.in_process_rounds, args.exe)
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
