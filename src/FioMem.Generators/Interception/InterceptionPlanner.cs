// Replays every file's symbol-free facts into FIO003's ownership graph, solves it and decides each call as FIO003 does.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using FioMem.Analyzers.Migration;
using FioMem.Generators.Helpers;
using FioMem.Generators.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FioMem.Generators.Interception;

/// <summary>Reads the build properties the interception and the migration report depend on.</summary>
internal static class InterceptionSettingsReader
{
    /// <summary>The MSBuild property that turns interception on.</summary>
    public const string PropertyName = "FioMemInterceptNativeMemory";

    /// <summary>The MSBuild property that asks for the migration report alone (FIO003's verdict on each call).</summary>
    public const string MigrationReportPropertyName = "FioMemMigrationReport";

    /// <summary>Whether the project sets <see cref="PropertyName"/> to true.</summary>
    public static bool IsEnabled(AnalyzerConfigOptions globalOptions) => IsTrue(globalOptions, PropertyName);

    /// <summary>Whether the project sets <see cref="MigrationReportPropertyName"/> to true.</summary>
    public static bool WantsMigrationReport(AnalyzerConfigOptions globalOptions) => IsTrue(globalOptions, MigrationReportPropertyName);

    /// <summary>Whether the analysis runs at all: for interception, for the migration report, or both.</summary>
    public static bool Analyzes(AnalyzerConfigOptions globalOptions) => IsEnabled(globalOptions) || WantsMigrationReport(globalOptions);

    private static bool IsTrue(AnalyzerConfigOptions globalOptions, string property) =>
        globalOptions.TryGetValue("build_property." + property, out var value)
        && value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The settings of one compilation, as plain values.</summary>
    public static InterceptionSettings Read(Compilation compilation, AnalyzerConfigOptionsProvider options)
    {
        bool intercept = IsEnabled(options.GlobalOptions);
        bool migrationReport = WantsMigrationReport(options.GlobalOptions);
        if (!intercept && !migrationReport)
            return new InterceptionSettings(false, false, false, false, false, string.Empty);

        var fioMemory = compilation.GetTypeByMetadataName("FioMem.FioMemory");
        var scope = MigrationScope.Create(compilation, new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, options));
        options.GlobalOptions.TryGetValue("build_property.ProjectDir", out var projectDirectory);
        return new InterceptionSettings(
            Enabled: intercept,
            AllowUnsafe: compilation.Options is Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions { AllowUnsafe: true },
            HasLongLivedTwin: fioMemory is not null && MigrationDecision.HasLongLivedTwin(fioMemory),
            IsMultiTarget: scope.IsMultiTarget,
            DefinesFioMemSymbol: scope.DefinesFioMemSymbol,
            ProjectDirectory: projectDirectory ?? string.Empty,
            LanguageVersion: compilation is CSharpCompilation { LanguageVersion: < LanguageVersion.CSharp11 } csharp
                ? csharp.LanguageVersion.ToDisplayString()
                : string.Empty,
            MigrationReport: migrationReport);
    }
}

/// <summary>
/// Turns the facts of every file into the interceptors and the report: the facts go back into an
/// <c>OwnershipGraph</c> (each key a <c>PointerLocation.ForKey</c> node), which solves them into groups exactly as for
/// FIO003; <c>MigrationDecision</c> then says which groups move and each call's FioMemory twin.
/// </summary>
internal static class InterceptionPlanner
{
    private static readonly InterceptionPlan s_disabled =
        new(false, 0, 0, EquatableArray<InterceptorModel>.Empty, EquatableArray<string>.Empty, EquatableArray<string>.Empty);

    public static InterceptionPlan Plan(ImmutableArray<FileFacts> files, InterceptionSettings settings)
    {
        if (!settings.Enabled && !settings.MigrationReport)
            return s_disabled;

        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        PointerLocation Node(string key)
        {
            // The public API's hub is one node the solver itself looks up.
            if (key == InterceptionFactsCollector.PublicSurfaceKey)
                return PointerLocation.PublicSurface;
            if (!ids.TryGetValue(key, out int id))
                ids[key] = id = ids.Count;
            return PointerLocation.ForKey(id);
        }

        var graph = new OwnershipGraph();
        var facts = new Dictionary<MigrationCandidate, CallFact>();
        foreach (var file in files)
        {
            foreach (var union in file.Unions)
                graph.Union(Node(union.First), Node(union.Second));
            foreach (var taint in file.Taints)
                graph.Taint(Node(taint.Key), (LeftAloneReason)taint.Reason);
            foreach (var derived in file.Derived)
                graph.Derive(Node(derived.First), Node(derived.Second));
            foreach (var argument in file.Arguments)
                graph.PassArgument(Node(argument.First), Node(argument.Second));
            foreach (var input in file.PublicInputs)
                graph.PublicInput(Node(input));
            foreach (var output in file.PublicOutputs)
                graph.PublicOutput(Node(output));
            foreach (var lent in file.Lent)
                graph.LendToNativeCode(Node(lent));
            foreach (var call in file.Calls)
            {
                var candidate = new MigrationCandidate(Node(call.Key), Location.None, call.NativeMethod, (NativeMemoryCallRole)call.Role,
                    call.FioMethod, call.ArgumentCount, call.Member, call.InGeneratedCode, call.UnboundedSize);
                facts[candidate] = call;
                graph.AddCall(candidate);
            }
        }

        // Each call: the FioMemory method FIO003 migrates it to, the one it is intercepted with, or why it stays.
        var decisions = new List<(CallFact Call, string? Migration, string? Target, LeftAloneReason Reason)>();
        foreach (var group in graph.Solve())
        {
            var verdicts = MigrationDecision.Decide(group, settings.HasLongLivedTwin, settings.IsMultiTarget, settings.DefinesFioMemSymbol);
            for (int i = 0; i < group.Calls.Count; i++)
            {
                var call = facts[group.Calls[i]];
                string? migration = verdicts[i].Target;
                bool moves = migration is not null && settings.Enabled && settings.AllowUnsafe && settings.LanguageSupported && call.LocationVersion != 0;
                decisions.Add((call, migration, moves ? migration : null, verdicts[i].Reason));
            }
        }

        decisions.Sort(static (x, y) =>
        {
            int byPath = string.CompareOrdinal(x.Call.FilePath, y.Call.FilePath);
            if (byPath != 0)
                return byPath;
            int byLine = x.Call.Line.CompareTo(y.Call.Line);
            return byLine != 0 ? byLine : x.Call.Column.CompareTo(y.Call.Column);
        });

        var interceptors = new List<(string Signature, string ReturnType, string ParameterTypes, string NativeMethod, string Target, List<InterceptedLocation> Locations)>();
        var bySignature = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = new List<string>();
        var migrationLines = new List<string>();
        int intercepted = 0, migrated = 0;
        foreach (var (call, migration, target, reason) in decisions)
        {
            string where = Display(call, settings.ProjectDirectory);
            if (settings.MigrationReport)
            {
                migrated += migration is null ? 0 : 1;
                migrationLines.Add(MigrationLine(call, settings.ProjectDirectory)
                    + (migration is not null ? " migrates to FioMemory." + migration : " stays on NativeMemory: " + LeftAloneReasons.Describe(reason)));
            }

            if (!settings.Enabled)
                continue;
            if (target is not null)
            {
                intercepted++;
                string signature = call.NativeMethod + "(" + call.ParameterTypes + ")->" + target;
                if (!bySignature.TryGetValue(signature, out int index))
                {
                    bySignature[signature] = index = interceptors.Count;
                    interceptors.Add((signature, call.ReturnType, call.ParameterTypes, call.NativeMethod, target, new List<InterceptedLocation>()));
                }

                interceptors[index].Locations.Add(new InterceptedLocation(call.LocationVersion, call.LocationData, where));
                lines.Add(where + ": NativeMemory." + call.NativeMethod + " -> FioMemory." + target + " (in " + call.Member + ")");
            }
            else
            {
                lines.Add(where + ": NativeMemory." + call.NativeMethod + " left alone (in " + call.Member + "): "
                    + Explain(reason, settings));
            }
        }

        if (settings.Enabled)
            lines.Insert(0, Summary(intercepted, decisions.Count) + (ProjectWideReason(settings) is { } why ? ": " + why : string.Empty));
        if (settings.MigrationReport)
            migrationLines.Insert(0, MigrationSummary(migrated, decisions.Count));

        var models = ImmutableArray.CreateBuilder<InterceptorModel>(interceptors.Count);
        for (int i = 0; i < interceptors.Count; i++)
        {
            var item = interceptors[i];
            string[] parameterTypes = item.ParameterTypes.Length == 0 ? Array.Empty<string>() : item.ParameterTypes.Split(',');
            models.Add(new InterceptorModel(
                (item.NativeMethod == item.Target ? item.NativeMethod : item.NativeMethod + "_" + item.Target) + "_" + i.ToString(CultureInfo.InvariantCulture),
                item.ReturnType,
                new EquatableArray<string>(ImmutableArray.Create(parameterTypes)),
                item.NativeMethod,
                item.Target,
                new EquatableArray<InterceptedLocation>(item.Locations.ToImmutableArray())));
        }

        return new InterceptionPlan(settings.Enabled, intercepted, decisions.Count,
            new EquatableArray<InterceptorModel>(models.MoveToImmutable()), new EquatableArray<string>(lines.ToImmutableArray()),
            new EquatableArray<string>(migrationLines.ToImmutableArray()));
    }

    /// <summary>The report's first line (the build prints it).</summary>
    public static string Summary(int intercepted, int total) =>
        "FioMem intercepts " + intercepted.ToString(CultureInfo.InvariantCulture) + " of " + total.ToString(CultureInfo.InvariantCulture)
        + " NativeMemory " + (total == 1 ? "call" : "calls");

    /// <summary>The migration report's first line (the build prints it).</summary>
    public static string MigrationSummary(int migrated, int total) =>
        "FioMem migrates " + migrated.ToString(CultureInfo.InvariantCulture) + " of " + total.ToString(CultureInfo.InvariantCulture)
        + " NativeMemory " + (total == 1 ? "call" : "calls") + " to FioMemory";

    /// <summary>What keeps every call of the project where it is, or null when nothing does.</summary>
    private static string? ProjectWideReason(InterceptionSettings settings) =>
        !settings.LanguageSupported ? "the interceptors need C# 11 or later, and the project compiles C# " + settings.LanguageVersion
        : !settings.AllowUnsafe ? "the project does not allow unsafe code, which the interceptors need"
        : null;

    private static string Display(CallFact call, string projectDirectory) =>
        RelativePath(call.FilePath, projectDirectory) + "(" + call.Line.ToString(CultureInfo.InvariantCulture) + ","
        + call.Column.ToString(CultureInfo.InvariantCulture) + ")";

    // The migration report's start of a line: file:line:column, the call and its member.
    private static string MigrationLine(CallFact call, string projectDirectory) =>
        RelativePath(call.FilePath, projectDirectory) + ":" + call.Line.ToString(CultureInfo.InvariantCulture) + ":"
        + call.Column.ToString(CultureInfo.InvariantCulture) + ": NativeMemory." + call.NativeMethod + " (in " + call.Member + ")";

    private static string RelativePath(string path, string projectDirectory)
    {
        if (projectDirectory.Length > 0)
        {
            string directory = projectDirectory.EndsWith("/", StringComparison.Ordinal) || projectDirectory.EndsWith("\\", StringComparison.Ordinal)
                ? projectDirectory
                : projectDirectory + Path.DirectorySeparatorChar;
            if (path.StartsWith(directory, StringComparison.Ordinal))
                path = path.Substring(directory.Length);
        }

        return path;
    }

    // The interception report names the reason and says it in words.
    private static string Explain(LeftAloneReason reason, InterceptionSettings settings)
    {
        if (reason == LeftAloneReason.None)
        {
            return ProjectWideReason(settings) ?? "the compiler gives no interceptable location for this call";
        }

        return reason.ToString() + " (" + LeftAloneReasons.Describe(reason) + ")";
    }
}
