// Prints, for one project, every group of NativeMemory calls FIO003 forms and why it is left alone ("migrates" when it
// is not), one line per call:  reason <TAB> file:line <TAB> call <TAB> group.
//   MigrationReasons PROJECT.csproj FioMem.Analyzers.dll [TargetFramework]
// The verdicts come from the analyzers' own MigrationExplainer (the same solver FIO003 runs), called by reflection on
// the FioMem.Analyzers.dll the project restores, so the reasons are the ones of the FioMem version under test.
using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.MSBuild;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: MigrationReasons PROJECT.csproj FioMem.Analyzers.dll [TargetFramework]");
            return 2;
        }

        return await RunAsync(Path.GetFullPath(args[0]), Path.GetFullPath(args[1]), args.Length > 2 ? args[2] : null);
    }

    private static async Task<int> RunAsync(string projectPath, string analyzersPath, string? targetFramework)
    {
        var properties = new Dictionary<string, string>();
        if (targetFramework is not null)
            properties["TargetFramework"] = targetFramework;
        using var workspace = MSBuildWorkspace.Create(properties);
        workspace.WorkspaceFailed += (_, e) => Console.Error.WriteLine("workspace: " + e.Diagnostic.Message);
        var project = await workspace.OpenProjectAsync(projectPath);
        var compilation = await project.GetCompilationAsync() ?? throw new InvalidOperationException("no compilation");
        int errors = compilation.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
        Console.Error.WriteLine($"{project.Name}: {project.Documents.Count()} documents, {errors} compiler errors");
        foreach (var error in compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(3))
            Console.Error.WriteLine("  " + error);

        var analyzers = Assembly.LoadFrom(analyzersPath);
        var explainer = analyzers.GetType("FioMem.Analyzers.Migration.MigrationExplainer");
        var explain = explainer?.GetMethod("Explain", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic);
        if (explain is null)
        {
            Console.Error.WriteLine($"{analyzersPath} has no MigrationExplainer.Explain: this FioMem version cannot say why");
            return 3;
        }

        var root = Path.GetDirectoryName(projectPath)!;
        var lines = new List<string>();
        foreach (var item in (IEnumerable)explain.Invoke(null, new object[] { compilation, project.AnalyzerOptions })!)
        {
            var first = item.GetType().GetField("Item1")!.GetValue(item)!;
            var second = item.GetType().GetField("Item2")!.GetValue(item)!;
            if (first.GetType().GetProperty("Calls") is { } callsProperty)
            {
                // FioMem before per-call verdicts: (group, reason), one reason for every call of the group.
                var reason = second.ToString()!;
                var name = (string)first.GetType().GetProperty("Name")!.GetValue(first)!;
                foreach (var call in (IEnumerable)callsProperty.GetValue(first)!)
                    lines.Add(Line(root, call, reason == "None" ? "migrates" : reason, name));
            }
            else
            {
                // (call, verdict): the FioMemory method the call moves to, or why it stays.
                var reason = second.GetType().GetProperty("Reason")!.GetValue(second)!.ToString()!;
                lines.Add(Line(root, first, reason == "None" ? "migrates" : reason, (string)first.GetType().GetProperty("Member")!.GetValue(first)!));
            }
        }

        foreach (var line in lines.Distinct().OrderBy(l => l, StringComparer.Ordinal))
            Console.WriteLine(line);
        return 0;
    }

    private static string Line(string root, object call, string verdict, string name)
    {
        var location = (Location)call.GetType().GetProperty("Location")!.GetValue(call)!;
        var method = (string)call.GetType().GetProperty("NativeMethod")!.GetValue(call)!;
        var span = location.GetLineSpan();
        var file = Path.GetRelativePath(root, span.Path).Replace('\\', '/');
        return $"{verdict}\t{file}:{span.StartLinePosition.Line + 1}\t{method}\t{name}";
    }
}
