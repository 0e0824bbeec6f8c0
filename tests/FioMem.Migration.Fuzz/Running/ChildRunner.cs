// Runs a variant's assembly in tests/FioMem.Migration.Fuzz.Runner, a process per mode, and reads back each program's
// output between the runner's marker lines. A process a program ends (an abort in free(), say) is started again with
// the programs after it, so one crash costs one program.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;

namespace FioMem.Migration.Fuzz.Running;

/// <summary>How one program ended in one process.</summary>
internal sealed record ProgramRun(string Status, string Output, string Detail)
{
    public const string Ok = "ok";
    public const string Exception = "exception";
    public const string Crash = "crash";
    public const string NotRun = "not run";
}

internal static class ChildRunner
{
    /// <summary>The runner's dll: bin/&lt;Configuration&gt;/net10.0 of this test project, then over to the runner's.</summary>
    public static string RunnerPath
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string configuration = testBin.Parent!.Name;
            return Path.GetFullPath(Path.Combine(testBin.FullName, "../../../../FioMem.Migration.Fuzz.Runner/bin", configuration, testBin.Name,
                "FioMem.Migration.Fuzz.Runner.dll"));
        }
    }

    /// <summary>glibc's checking malloc, when this system has it.</summary>
    public static readonly string? MallocDebugLibrary = FindMallocDebugLibrary();

    private static string? FindMallocDebugLibrary()
    {
        if (!OperatingSystem.IsLinux())
            return null;
        string[] directories = ["/lib", "/usr/lib", "/lib64", "/usr/lib64", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
            "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu"];
        return directories.Select(d => Path.Combine(d, "libc_malloc_debug.so.0")).FirstOrDefault(File.Exists);
    }

    public static Dictionary<string, ProgramRun> Run(string assembly, IReadOnlyList<string> programs, string mode)
    {
        var results = new Dictionary<string, ProgramRun>(StringComparer.Ordinal);
        int next = 0;
        while (next < programs.Count)
        {
            var batch = programs.Skip(next).ToList();
            var (exitCode, stdout, stderr) = Start(assembly, batch, mode);
            string? current = null;
            var output = new StringBuilder();
            foreach (var line in stdout.Split('\n'))
            {
                if (line.StartsWith("@@begin ", StringComparison.Ordinal))
                {
                    current = line["@@begin ".Length..];
                    output.Clear();
                }
                else if (current is not null && line == "@@end " + current)
                {
                    results[current] = new ProgramRun(ProgramRun.Ok, output.ToString(), string.Empty);
                    current = null;
                }
                else if (current is not null && line.StartsWith("@@exception " + current + " ", StringComparison.Ordinal))
                {
                    string message = line[("@@exception " + current + " ").Length..];
                    results[current] = new ProgramRun(ProgramRun.Exception, output.ToString(), message + "\n" + ExceptionIn(stderr, message));
                    current = null;
                }
                else if (current is not null)
                {
                    output.Append(line).Append('\n');
                }
            }

            if (current is not null)
            {
                results[current] = new ProgramRun(ProgramRun.Crash, output.ToString(), $"the process ended (exit code {exitCode}) in this program:\n{Tail(stderr)}");
                next = programs.ToList().IndexOf(current) + 1;
                continue;
            }

            // Every program that began has ended; the rest never began (the runner itself failed).
            foreach (var program in batch.Where(p => !results.ContainsKey(p)))
                results[program] = new ProgramRun(ProgramRun.NotRun, string.Empty, $"the runner exited with {exitCode} before it:\n{Tail(stderr)}");
            break;
        }

        return results;
    }

    private static (int ExitCode, string Stdout, string Stderr) Start(string assembly, IReadOnlyList<string> programs, string mode)
    {
        string? host = Environment.ProcessPath;
        var start = new ProcessStartInfo(host is not null && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RunnerPath);
        start.ArgumentList.Add(assembly);
        foreach (var program in programs)
            start.ArgumentList.Add(program);
        foreach (string name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("FIOMEM_", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(name);
        }

        if (mode == FuzzRun.Checked)
            start.Environment["FIOMEM_CHECKED"] = "1";
        if (mode == FuzzRun.MallocCheck)
        {
            start.Environment["LD_PRELOAD"] = MallocDebugLibrary;
            start.Environment["MALLOC_CHECK_"] = "3";
        }

        // A crash should end the process, not start a dump.
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A safety net against a hung program, not a performance assertion.
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result.Replace("\r\n", "\n", StringComparison.Ordinal), stderr.Result);
    }

    // The runner writes each exception in full to stderr; the one whose first line matches the marker.
    private static string ExceptionIn(string stderr, string message)
    {
        int at = stderr.IndexOf(message, StringComparison.Ordinal);
        if (at < 0)
            return Tail(stderr);
        string rest = stderr[at..];
        return rest.Length > 3000 ? rest[..3000] + "\n..." : rest;
    }

    private static string Tail(string text) => text.Length > 3000 ? "..." + text[^3000..] : text;
}
