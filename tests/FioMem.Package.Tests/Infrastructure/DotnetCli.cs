// Runs the dotnet CLI in a child process for the package tests and captures everything it prints.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading;

namespace FioMem.Package.Tests.Infrastructure;

/// <summary>What a finished <c>dotnet</c> command returned.</summary>
internal sealed record CliResult(string CommandLine, int ExitCode, string Output)
{
    /// <summary>The command, its exit code and its output, for assertion messages.</summary>
    public override string ToString() => $"> {CommandLine}\nexit code {ExitCode}\n{Output}";
}

internal static class DotnetCli
{
    /// <summary>A safety net against a hung child process, not a performance expectation.</summary>
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(8);

    /// <summary>Variables the test host inherits from its own build; left in place they would point the child's
    /// MSBuild at that build instead of letting the SDK resolve itself.</summary>
    private static readonly string[] s_inheritedBuildVariables =
    [
        "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly",
    ];

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="directory"/>.</summary>
    public static CliResult Run(string directory, params string[] arguments) => Execute("dotnet", directory, arguments);

    /// <summary>Runs <paramref name="program"/> (<c>dotnet</c> or a published binary) in <paramref name="directory"/>.</summary>
    public static CliResult Execute(string program, string directory, params string[] arguments) =>
        Execute(program, directory, new Dictionary<string, string>(), arguments);

    /// <summary>Runs <paramref name="program"/> with <paramref name="environment"/> added to its variables.</summary>
    public static CliResult Execute(string program, string directory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        ProcessStartInfo start = new(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (string name in s_inheritedBuildVariables)
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // MSBuild worker nodes left alive would hold this process's output pipes open.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach ((string name, string value) in environment)
            start.Environment[name] = value;

        StringBuilder output = new();
        using CountdownEvent streamsClosed = new(2);
        using Process process = new() { StartInfo = start };
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        string commandLine = program + " " + string.Join(' ', arguments) + "   (in " + directory + ")";
        if (!process.WaitForExit(s_timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{commandLine} did not finish within {s_timeout}:\n{Snapshot()}");
        }

        // The streams end when every process holding them has exited; a build server started by the child may keep
        // them open, so wait a bounded time rather than forever.
        streamsClosed.Wait(TimeSpan.FromSeconds(30));
        return new CliResult(commandLine, process.ExitCode, Snapshot());

        void Collect(string? line)
        {
            if (line is null)
            {
                streamsClosed.Signal();
                return;
            }
            lock (output)
                output.AppendLine(line);
        }

        string Snapshot()
        {
            lock (output)
                return output.ToString();
        }
    }
}
