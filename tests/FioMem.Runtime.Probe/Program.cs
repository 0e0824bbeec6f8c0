// Scenarios the allocator tests run in a fresh process; each prints "name: value" lines for the test to check.
using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.IO;
using FioMem;

return args.Length == 1 ? Probe.Run(args[0]) : Probe.Usage();

internal static unsafe class Probe
{
    public static int Usage()
    {
        Console.Error.WriteLine("usage: FioMem.Runtime.Probe meter|out-of-memory|first-allocation|long-lived-rss");
        return 2;
    }

    public static int Run(string scenario)
    {
        switch (scenario)
        {
            case "meter":
                Meter();
                return 0;
            case "out-of-memory":
                OutOfMemory();
                return 0;
            case "first-allocation":
                FirstAllocation();
                return 0;
            case "long-lived-rss":
                LongLivedRss();
                return 0;
            default:
                return Usage();
        }
    }

    /// <summary>Whether a program that only allocates small blocks publishes the FioMem meter.</summary>
    private static void Meter()
    {
        var published = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            lock (published)
                published.Add(instrument.Meter.Name + "/" + instrument.Name);
        };
        listener.Start();
        void* p = FioMemory.Alloc(64);
        FioMemory.Free(p);
        lock (published)
            Console.WriteLine("instruments: " + string.Join(",", published.FindAll(n => n.StartsWith("FioMem/", StringComparison.Ordinal))));
    }

    /// <summary>
    /// Small allocations kept live until FioMem runs out (run with a small FIOMEM_RESERVE_BYTES), then freed, and one more
    /// allocation made.
    /// </summary>
    private static void OutOfMemory()
    {
        var kept = new List<nint>();
        try
        {
            for (int i = 0; i < 100_000; i++)
                kept.Add((nint)FioMemory.Alloc(40_000));
            Console.WriteLine("exception: none");
        }
        catch (Exception e)
        {
            Print(e);
        }
        Console.WriteLine("allocated: " + kept.Count);
        // The failed allocation retired the thread's block first: its latest allocation is freed into that block like
        // any other, latest first.
        int freed = 0;
        for (int i = kept.Count - 1; i >= 0; i--, freed++)
            FioMemory.Free((void*)kept[i]);
        Console.WriteLine("freed: " + freed);
        void* again = FioMemory.Alloc(40_000);
        FioMemory.Free(again);
        Console.WriteLine("allocated again: True");
    }

    /// <summary>What the first allocations throw (run with a malformed setting).</summary>
    private static void FirstAllocation()
    {
        foreach (Func<nint> allocate in new Func<nint>[] { () => (nint)FioMemory.Alloc(16), () => (nint)FioMemory.Alloc(100_000), () => (nint)FioMemory.AllocLongLived(16) })
        {
            try
            {
                FioMemory.Free((void*)allocate());
                Console.WriteLine("exception: none");
            }
            catch (Exception e)
            {
                Print(e);
            }
        }
    }

    /// <summary>Resident memory before and after a 512 MiB long-lived allocation, which reads as zero.</summary>
    private static void LongLivedRss()
    {
        const nuint size = 512u << 20;
        long before = ResidentKiB();
        byte* p = (byte*)FioMemory.AllocLongLived(size);
        long after = ResidentKiB();
        bool zero = p[0] == 0 && p[size / 2] == 0 && p[size - 1] == 0;
        FioMemory.Free(p);
        Console.WriteLine("resident-growth-kib: " + (after - before));
        Console.WriteLine("zero: " + zero);
    }

    private static void Print(Exception e)
    {
        Console.WriteLine("exception: " + e.GetType().FullName);
        Console.WriteLine("message: " + e.Message.Replace('\n', ' '));
    }

    private static long ResidentKiB()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim());
        }
        return -1;
    }
}
