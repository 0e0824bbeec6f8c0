// Warm-up until the JIT has settled: the measured rounds must run optimized code for every allocator alike.
using System;
using System.Runtime;
using System.Threading;

namespace FioMem.Demo.Server;

/// <summary>
/// Repeats a warm-up pass until a pass, and the pause after it, compile no new method. Tiered compilation first runs
/// a method unoptimized, then instrumented (with a counting helper on its hot paths), and installs the optimized code
/// in the background some time after the calls stop coming in new. One short pass left the allocator that ran first
/// measuring instrumented code for much of its first round: in a profile of the demo, 40 % of FioMem's worker
/// samples were in unoptimized or instrumented code, against 10 % for the GC run that came last.
/// </summary>
public static class JitWarmUp
{
    /// <summary>The most passes; with the pauses a few seconds at worst, even if some other thread keeps compiling.</summary>
    public const int MaxPasses = 12;

    /// <summary>The pause after each pass: longer than the runtime's tiering delay (100 ms), so queued methods get compiled.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(250);

    /// <summary>Runs <paramref name="pass"/> until the JIT settles; returns the passes run.</summary>
    public static int Run(Action pass) =>
        Run(pass, () => JitInfo.GetCompiledMethodCount(currentThread: false), () => Thread.Sleep(Settle), MaxPasses);

    /// <summary>
    /// Runs <paramref name="pass"/>, then <paramref name="settle"/>, until <paramref name="compiledMethods"/> did not
    /// change over a pass and its pause (at least two passes: the first always compiles), or <paramref name="maxPasses"/>
    /// passes ran. Returns the passes run.
    /// </summary>
    public static int Run(Action pass, Func<long> compiledMethods, Action settle, int maxPasses)
    {
        ArgumentNullException.ThrowIfNull(pass);
        ArgumentNullException.ThrowIfNull(compiledMethods);
        ArgumentNullException.ThrowIfNull(settle);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPasses, 1);
        for (int passes = 1; ; passes++)
        {
            long before = compiledMethods();
            pass();
            settle();
            if (passes == maxPasses || (passes > 1 && compiledMethods() == before))
                return passes;
        }
    }
}
