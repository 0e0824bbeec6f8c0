// Build-time switch to FioMem: interceptors that send the NativeMemory calls FIO003 would migrate to FioMemory.
using System.Text;
using FioMem.Generators.Helpers;
using FioMem.Generators.Interception;
using FioMem.Generators.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace FioMem.Generators;

/// <summary>
/// With the MSBuild property <c>FioMemInterceptNativeMemory</c> set to true, redirects every <c>NativeMemory</c>
/// allocation, reallocation and release of a pointer group that FIO003 would migrate to the matching <c>FioMemory</c>
/// method, through C# interceptors; the source stays as it is. With <c>FioMemMigrationReport</c> it emits
/// <see cref="MigrationReportHintName"/>, FIO003's verdict on each call in words, and no interceptor (unless both are
/// set). With neither it emits nothing.
/// </summary>
/// <remarks>
/// The analysis is FIO003's own (its ownership walk, graph and decision are compiled into this assembly). Each file's
/// facts are kept as symbol-free keys, so an edit re-solves from cached, compared facts and the output stays cached when
/// the interceptors do not change. Besides the interceptors it emits <see cref="ReportHintName"/>: a comment-only file
/// whose lines FioMem's build file copies to <c>obj/…/FioMem.Interception.txt</c> and whose first line it prints.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class NativeMemoryInterceptorGenerator : IIncrementalGenerator
{
    /// <summary>The namespace of the generated interceptors (FioMem's build file adds it to <c>InterceptorsNamespaces</c>).</summary>
    public const string InterceptorsNamespace = "FioMem.Interception";

    /// <summary>The hint name of the generated report.</summary>
    public const string ReportHintName = "FioMem.Interception.g.cs";

    /// <summary>The hint name of the generated migration report (<c>FioMemMigrationReport</c>).</summary>
    public const string MigrationReportHintName = "FioMem.Migration.g.cs";

    /// <summary>The hint name of the generated interceptors.</summary>
    public const string InterceptorsHintName = "FioMem.Interceptors.g.cs";

    /// <summary>Tracking names of the pipeline steps, for incremental-caching tests.</summary>
    public static class TrackingNames
    {
        /// <summary>The build properties and FioMem's API, as plain values.</summary>
        public const string Settings = "Interception.Settings";

        /// <summary>One file's ownership facts, symbol-free.</summary>
        public const string Facts = "Interception.Facts";

        /// <summary>The solved plan: interceptors and report.</summary>
        public const string Plan = "Interception.Plan";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var input = context.CompilationProvider.Combine(context.AnalyzerConfigOptionsProvider);

        IncrementalValueProvider<InterceptionSettings> settings = input
            .Select(static (pair, _) => InterceptionSettingsReader.Read(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.Settings);

        // Walking is FIO003's per-member work; it runs only when a property asks for it and some file names NativeMemory,
        // and only over the members that can bear on a NativeMemory call. Each file's facts are compared on their own.
        IncrementalValuesProvider<FileFacts> facts = input
            .Select(static (pair, cancellationToken) => InterceptionFactsCollector.CollectAll(pair.Left, pair.Right, cancellationToken))
            .SelectMany(static (files, _) => files)
            .WithTrackingName(TrackingNames.Facts);

        IncrementalValueProvider<InterceptionPlan> plan = facts
            .Collect()
            .Combine(settings)
            .Select(static (pair, _) => InterceptionPlanner.Plan(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.Plan);

        context.RegisterSourceOutput(plan, static (productionContext, item) =>
        {
            if (item.MigrationReportLines.Length > 0)
                productionContext.AddSource(MigrationReportHintName, SourceText.From(EmitReport(item.MigrationReportLines), Encoding.UTF8));
            if (!item.Enabled)
                return;
            productionContext.AddSource(ReportHintName, SourceText.From(EmitReport(item.ReportLines), Encoding.UTF8));
            if (item.Interceptors.Length > 0)
                productionContext.AddSource(InterceptorsHintName, SourceText.From(EmitInterceptors(item), Encoding.UTF8));
        });
    }

    /// <summary>A report: comment lines only, read back by FioMem's build file.</summary>
    internal static string EmitReport(EquatableArray<string> lines)
    {
        var builder = new StringBuilder();
        foreach (string line in lines)
            builder.Append("// ").Append(line).Append('\n');
        return builder.ToString();
    }

    internal static string EmitInterceptors(InterceptionPlan plan)
    {
        var builder = new StringBuilder();
        builder.Append("// <auto-generated/>\n");
        builder.Append("// FioMem: NativeMemory calls redirected to FioMemory at build time (FioMemInterceptNativeMemory).\n");
        builder.Append("#nullable enable\n\n");
        builder.Append("namespace System.Runtime.CompilerServices\n{\n");
        builder.Append("    [global::System.AttributeUsage(global::System.AttributeTargets.Method, AllowMultiple = true)]\n");
        builder.Append("    file sealed class InterceptsLocationAttribute : global::System.Attribute\n    {\n");
        builder.Append("        public InterceptsLocationAttribute(int version, string data)\n        {\n");
        builder.Append("            _ = version;\n            _ = data;\n        }\n    }\n}\n\n");
        builder.Append("namespace ").Append(InterceptorsNamespace).Append("\n{\n");
        builder.Append("    [global::System.CodeDom.Compiler.GeneratedCode(\"FioMem.Generators\", \"")
            .Append(typeof(NativeMemoryInterceptorGenerator).Assembly.GetName().Version?.ToString() ?? "0.0.0").Append("\")]\n");
        builder.Append("    file static unsafe class NativeMemoryInterceptors\n    {\n");
        bool first = true;
        foreach (var interceptor in plan.Interceptors)
        {
            if (!first)
                builder.Append('\n');
            first = false;
            foreach (var location in interceptor.Locations)
            {
                builder.Append("        // ").Append(location.Display).Append('\n');
                builder.Append("        [global::System.Runtime.CompilerServices.InterceptsLocation(")
                    .Append(location.Version).Append(", \"").Append(location.Data).Append("\")]\n");
            }

            builder.Append("        public static ").Append(interceptor.ReturnType).Append(' ').Append(interceptor.Name).Append('(');
            for (int i = 0; i < interceptor.ParameterTypes.Length; i++)
                builder.Append(i == 0 ? "" : ", ").Append(interceptor.ParameterTypes[i]).Append(" a").Append(i);
            builder.Append(")\n            => global::FioMem.FioMemory.").Append(interceptor.FioMethod).Append('(');
            for (int i = 0; i < interceptor.ParameterTypes.Length; i++)
                builder.Append(i == 0 ? "" : ", ").Append('a').Append(i);
            builder.Append(");\n");
        }

        builder.Append("    }\n}\n");
        return builder.ToString();
    }
}
