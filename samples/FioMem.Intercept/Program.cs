// Runs the NativeMemory workload on a few threads and prints its checksum, its speed and which allocator served it.
// Usage: FioMem.Intercept [threads] [operations per thread]
using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks;
using FioMem;
using FioMem.Intercept;

int threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2;
int operations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2_000_000;

Workload.Run(seed: 0, operations: 10_000); // warm-up (tiered JIT)
var clock = Stopwatch.StartNew();
long[] checksums = new long[threads];
Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => checksums[t] = Workload.Run(t + 1, operations));
clock.Stop();

long checksum = 0;
foreach (long value in checksums)
    checksum += value;

// FioMem's statistics show blocks only if the workload's allocations went to FioMem.
var statistics = FioMemory.GetStatistics();
bool fioMem = statistics.BlocksInUse + statistics.BlocksPooled + statistics.BlocksReleased > 0;
double perSecond = (double)threads * operations / clock.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"allocator {(fioMem ? "FioMem" : "NativeMemory"),-12} threads {threads}  checksum {checksum}  {perSecond / 1e6:F2} M alloc+free/s  ({clock.Elapsed.TotalMilliseconds:F0} ms)"));
