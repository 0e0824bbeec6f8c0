#!/usr/bin/env python3
"""Measures what FioMem's analyzers add to a build.

Writes a ~100k-line C# project that uses FioMem and NativeMemory into a temporary directory (it references
src/FioMem.Runtime, and src/FioMem.Analyzers as an analyzer unless -p:WithFioMemAnalyzers=false), builds it once to
warm up, rebuilds it once with -p:ReportAnalyzer=true -v:d to capture the compiler's command line, then runs that
compiler command directly in four configurations (the .NET SDK's analyzers and FioMem's; the SDK's only; FioMem's
only; none), in alternating order, and prints for each run and as medians:

- The compiler's CPU time (user + system). "SDK + FioMem" minus "SDK only" is what FioMem's analyzers add to a
  default project; "FioMem only" minus "no analyzers" is their cost when nothing else builds operation trees. CPU
  time depends much less than wall time on what else the machine runs; differences are medians of paired runs.
- ReportAnalyzer's time for FioMem's analyzers (per analyzer and in total). This attribution overstates the cost:
  the first analyzer to walk a method's operations pays for building that operation tree, which the .NET SDK's own
  analyzers pay instead when FioMem's are absent.

Then it times the analyzers in one process, one at a time (InProcess/), on the same compiler arguments: see README.md.

Usage: python3 bench/AnalyzerCost/measure.py [--lines 100000] [--runs 3] [--in-process-rounds 3] [--keep]
"""
import argparse
import os
import re
import resource
import shlex
import shutil
from statistics import median
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# One member per template; {n} makes names unique. Five of the eight templates call FioMem or NativeMemory (far more
# than real code does); at 100k lines 919 members trip FIO001, 919 trip FIO007 and 4,598 NativeMemory calls get FIO003.
TEMPLATES = [
    """    public static unsafe int Native{n}(int count)
    {{
        byte* buffer = (byte*)NativeMemory.Alloc((nuint)count + 16);
        int sum = 0;
        for (int i = 0; i < count; i++)
        {{
            buffer[i] = (byte)(i * 7);
            sum += buffer[i];
        }}
        buffer = (byte*)NativeMemory.Realloc(buffer, (nuint)count * 2 + 16);
        NativeMemory.Free(buffer);
        return sum;
    }}
""",
    """    public static unsafe long Fio{n}(int count)
    {{
        long* values = (long*)FioMemory.Alloc((nuint)count + 1, sizeof(long));
        long total = 0;
        for (int i = 0; i < count; i++)
        {{
            values[i] = i ^ {n};
            total += values[i];
        }}
        if (total % 3 == 0)
            values = (long*)FioMemory.Realloc(values, (nuint)(count + 8) * sizeof(long));
        FioMemory.Free(values);
        return total;
    }}
""",
    """    public static string Text{n}(IReadOnlyList<string> words)
    {{
        var builder = new StringBuilder();
        foreach (var word in words)
        {{
            if (word.Length > {m})
                builder.Append(word.ToUpperInvariant()).Append(' ');
            else
                builder.Append(word);
        }}
        return builder.ToString().Trim();
    }}
""",
    """    public static int Query{n}(List<int> items)
    {{
        var evens = items.Where(x => x % 2 == 0).Select(x => x * {m}).ToList();
        var lookup = items.GroupBy(x => x % 10).ToDictionary(g => g.Key, g => g.Count());
        int best = 0;
        foreach (var pair in lookup)
            best = Math.Max(best, pair.Value);
        return evens.Count + best;
    }}
""",
    """    private static nint s_cache{n};
    public static unsafe void Cache{n}()
    {{
        nint block = (nint)FioMemory.Alloc({m});
        s_cache{n} = block;
    }}
""",
    """    public static unsafe int Grow{n}(int count)
    {{
        int* data = null;
        for (int i = 1; i <= count; i++)
        {{
            data = (int*)FioMemory.Realloc(data, (nuint)i * sizeof(int));
            data[i - 1] = i;
        }}
        int last = count > 0 ? data[count - 1] : 0;
        FioMemory.Free(data);
        return last;
    }}
""",
    """    public record Point{n}(double X, double Y)
    {{
        public double Length => Math.Sqrt(X * X + Y * Y);
        public Point{n} Scale(double f) => new(X * f, Y * f);
    }}
    public static double Geometry{n}(int count)
    {{
        double total = 0;
        for (int i = 0; i < count; i++)
        {{
            var p = new Point{n}(i, i + {m});
            total += p.Scale(0.5).Length;
        }}
        return total;
    }}
""",
    """    public static unsafe int Mixed{n}(bool flag)
    {{
        byte* a = (byte*)FioMemory.Alloc(64);
        byte* b = (byte*)NativeMemory.AllocZeroed(64);
        Buffer.MemoryCopy(a, b, 64, 64);
        int result = b[0] + a[1];
        if (flag)
        {{
            FioMemory.Free(a);
            a = null;
        }}
        else
        {{
            FioMemory.Free(a);
        }}
        NativeMemory.Free(b);
        return result;
    }}
""",
]


def write_project(root, lines_target, no_fiomem_calls=False):
    os.makedirs(root, exist_ok=True)
    runtime = os.path.join(REPO, "src", "FioMem.Runtime", "FioMem.Runtime.csproj")
    analyzers = os.path.join(REPO, "src", "FioMem.Analyzers", "FioMem.Analyzers.csproj")
    with open(os.path.join(root, "CostProbe.csproj"), "w") as f:
        f.write(f"""<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>disable</Nullable>
    <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
    <ImplicitUsings>disable</ImplicitUsings>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="{runtime}" />
    <ProjectReference Condition="'$(WithFioMemAnalyzers)' != 'false'" Include="{analyzers}"
                      OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
  </ItemGroup>
</Project>
""")
    header = ("using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Text;\n"
              "using System.Runtime.InteropServices;\nusing FioMem;\n\nnamespace CostProbe;\n\n")
    total, n, file_index = 0, 0, 0
    while total < lines_target:
        body = []
        file_lines = 0
        while file_lines < 500:
            text = TEMPLATES[n % len(TEMPLATES)].format(n=n, m=n % 97 + 3)
            if no_fiomem_calls:
                # A project that references FioMem but does not call it yet (a NativeMemory code base before migrating).
                text = text.replace("FioMemory.", "NativeMemory.")
            body.append(text)
            file_lines += text.count("\n") + 1
            n += 1
        content = header + f"public static partial class Generated{file_index}\n{{\n" + "\n".join(body) + "}\n"
        with open(os.path.join(root, f"Generated{file_index}.cs"), "w") as f:
            f.write(content)
        total += content.count("\n")
        file_index += 1
    return total, file_index, n


def dotnet(args, cwd):
    start = time.monotonic()
    proc = subprocess.run(["dotnet"] + args, cwd=cwd, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        sys.exit(f"dotnet {' '.join(args)} failed")
    return proc.stdout, elapsed


TIME_LINE = re.compile(r"^\s*(<?\d+[.,]\d+)\s+<?(\d+)\s+(\S.*?)\s*$")


def parse(output):
    total = re.search(r"Total analyzer execution time: ([\d.,]+) seconds", output)
    csc = re.search(r"^\s*(\d+) ms\s+Csc\s+\d+ calls", output, re.MULTILINE)
    fio_assembly, fio_rules = None, {}
    for line in output.splitlines():
        m = TIME_LINE.match(line)
        if not m:
            continue
        seconds = float(m.group(1).lstrip("<").replace(",", "."))
        name = m.group(3)
        if name.startswith("FioMem.Analyzers, "):
            fio_assembly = seconds
        elif name.startswith("FioMem.Analyzers."):
            fio_rules[name] = seconds
    return (float(total.group(1).replace(",", ".")) if total else None,
            int(csc.group(1)) / 1000.0 if csc else None, fio_assembly, fio_rules)


def compiler_command(build_output):
    """The csc command line the Csc task logged (with -v:d and UseSharedCompilation=false)."""
    for line in build_output.splitlines():
        stripped = line.strip()
        if re.search(r"[/\\]csc(\.exe|\.dll)?\s+/noconfig\s", stripped):
            return shlex.split(stripped)
    sys.exit("could not find the compiler command line in the build log")


def run_compiler(argv, cwd):
    """Runs the compiler; returns (CPU seconds of the compiler process, wall seconds, output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        sys.exit("the compiler failed")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, proc.stdout + proc.stderr


def run_in_process(root, rounds):
    """Times the analyzers in one process, one at a time (InProcess/Program.cs), on the same compiler arguments."""
    if rounds <= 0:
        return
    print()
    print(f"in-process measurement ({rounds} rounds, analyzers run one at a time):", flush=True)
    project = os.path.join(REPO, "bench", "AnalyzerCost", "InProcess")
    proc = subprocess.run(["dotnet", "run", "-c", "Release", "--project", project, "--",
                           os.path.join(root, "csc.args"), root, str(rounds)], cwd=root)
    if proc.returncode != 0:
        sys.exit("the in-process measurement failed")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--in-process-rounds", type=int, default=3,
                        help="rounds of the in-process measurement (InProcess/, analyzers run one at a time); 0 skips it")
    parser.add_argument("--keep", action="store_true", help="keep the generated project")
    parser.add_argument("--no-fiomem-calls", action="store_true",
                        help="the same project with every FioMemory call spelled NativeMemory (FioMem referenced, not used)")
    args = parser.parse_args()

    root = tempfile.mkdtemp(prefix="fiomem-analyzer-cost-")
    try:
        lines, files, methods = write_project(root, args.lines, args.no_fiomem_calls)
        print(f"Generated {lines} lines in {files} files ({methods} members) under {root}")
        dotnet(["build", "-c", "Release", "-nologo"], root)  # warm-up: builds FioMem.Runtime and the analyzers

        out, _ = dotnet(["build", "-c", "Release", "-nologo", "--no-incremental", "-p:BuildProjectReferences=false",
                         "-p:UseSharedCompilation=false", "-p:ReportAnalyzer=true", "-v:d"], root)
        full = compiler_command(out)
        is_fiomem = lambda a: a.startswith("/analyzer:") and "FioMem.Analyzers" in a
        is_other = lambda a: a.startswith("/analyzer:") and not is_fiomem(a)
        if sum(map(is_fiomem, full)) != 1:
            sys.exit("could not find FioMem.Analyzers among the compiler's /analyzer arguments")
        configs = {
            "SDK + FioMem": full,
            "SDK only": [a for a in full if not is_fiomem(a)],
            "FioMem only": [a for a in full if not is_other(a)],
            "no analyzers": [a for a in full if not a.startswith("/analyzer:")],
        }

        # The compiler's arguments (after the executable) for the in-process measurement.
        first_argument = 1 + max(i for i, a in enumerate(full) if re.search(r"[/\\]csc(\.exe|\.dll)?$", a))
        with open(os.path.join(root, "csc.args"), "w") as f:
            f.write("\n".join(full[first_argument:]) + "\n")

        samples = {name: [] for name in configs}
        for run in range(1, args.runs + 1):
            # Alternate the order so that a machine getting busier or quieter does not favour one configuration.
            order = list(configs) if run % 2 else list(reversed(configs))
            for name in order:
                cpu, wall, out = run_compiler(configs[name], root)
                total, _, fio, rules = parse(out)
                samples[name].append((cpu, fio or 0.0))
                print(f"run {run} {name:13}: compiler CPU {cpu:6.2f} s, wall {wall:6.2f} s, all analyzers {total or 0:6.3f} s"
                      + (f", attributed to FioMem {fio:.3f} s" if fio is not None else ""))
                for rule, seconds in sorted(rules.items(), key=lambda kv: -kv[1]):
                    print(f"      {seconds:7.3f} s  {rule}")

        def paired(a, b):
            return median([x[0] - y[0] for x, y in zip(samples[a], samples[b])])

        if args.runs == 0:
            run_in_process(root, args.in_process_rounds)
            return
        print()
        print(f"medians over {args.runs} runs, {lines} lines (compiler CPU time, user + system):")
        for name in configs:
            print(f"  {name:13}: {median([x[0] for x in samples[name]]):.2f} s")
        base = median([x[0] for x in samples["SDK only"]])
        sdk_delta = paired("SDK + FioMem", "SDK only")
        print(f"  FioMem analyzers in a default project (SDK + FioMem vs SDK only): {sdk_delta:+.2f} s = "
              f"{100 * sdk_delta / base:+.1f}% of the compile")
        bare = median([x[0] for x in samples["no analyzers"]])
        alone_delta = paired("FioMem only", "no analyzers")
        print(f"  FioMem analyzers as the only analyzers (FioMem only vs none): {alone_delta:+.2f} s = "
              f"{100 * alone_delta / bare:+.1f}% of the compile (includes building the operation trees)")
        attributed = median([x[1] for x in samples["SDK + FioMem"]])
        print(f"  ReportAnalyzer attribution to FioMem.Analyzers next to the SDK's: {attributed:.3f} s = "
              f"{100 * attributed / base:.1f}% (an upper bound: whichever analyzer first walks a method pays for its operation tree)")
        run_in_process(root, args.in_process_rounds)
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
