// Build-time switch to FioMem: interceptors that send the NativeMemory calls FIO003 would migrate to FioMemory.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
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
/// The analysis is FIO003's own (its ownership walk, graph and decision are compiled into this assembly). Each file is
/// walked on its own and its facts are kept as symbol-free keys; a file is walked again only when it changes or a
/// declaration of the compilation does (<see cref="Interception.AnalysisInput"/>), so an edit inside a member body
/// re-walks that file, re-solves from cached facts, and the output stays cached when the interceptors do not change.
/// Besides the interceptors it emits <see cref="ReportHintName"/>: a comment-only file whose lines FioMem's build file
/// copies to <c>obj/…/FioMem.Interception.txt</c> and whose first line it prints.
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

        /// <summary>One tree's summary from its syntax: does it name NativeMemory, and its aliases of it.</summary>
        public const string Trees = "Interception.Trees";

        /// <summary>One tree's declaration digest, computed only when some file names NativeMemory.</summary>
        public const string Declarations = "Interception.Declarations";

        /// <summary>The compilation to bind with, equal while no declaration changes.</summary>
        public const string Input = "Interception.Input";

        /// <summary>One file's walk of the members that spell NativeMemory (the relevance walk's first round).</summary>
        public const string FirstRound = "Interception.FirstRound";

        /// <summary>The names of the places the first round connects to a call.</summary>
        public const string Reach = "Interception.Reach";

        /// <summary>One file's ownership facts, symbol-free: both rounds of its walk.</summary>
        public const string Facts = "Interception.Facts";

        /// <summary>The whole-compilation walk, used only when two rounds do not settle which members bear on a call.</summary>
        public const string WholeCompilation = "Interception.WholeCompilation";

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

        // Each file is read once by its syntax (cached while the tree is the same), and walked once per version of the file
        // and of the compilation's declarations: an edit inside a member body re-walks that file only. Nothing is bound
        // unless a property asks for the analysis and some file names NativeMemory.
        IncrementalValueProvider<bool> analyzes = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => InterceptionSettingsReader.Analyzes(options.GlobalOptions));
        IncrementalValuesProvider<SyntaxTree> trees = context.CompilationProvider.SelectMany(static (compilation, _) => compilation.SyntaxTrees);
        IncrementalValuesProvider<TreeSummary> summaries = trees
            .Combine(analyzes)
            .Select(static (pair, cancellationToken) => pair.Right
                ? AnalysisInput.Summarize(pair.Left, cancellationToken)
                : new TreeSummary(pair.Left.FilePath, false, EquatableArray<string>.Empty))
            .WithTrackingName(TrackingNames.Trees);
        IncrementalValueProvider<ImmutableArray<TreeSummary>> allSummaries = summaries.Collect();
        IncrementalValuesProvider<string> declarations = trees
            .Combine(allSummaries.Select(static (all, _) => AnalysisInput.MayAnalyze(all)))
            .Select(static (pair, cancellationToken) => pair.Right ? AnalysisInput.DeclarationsOf(pair.Left, cancellationToken) : string.Empty)
            .WithTrackingName(TrackingNames.Declarations);
        IncrementalValueProvider<AnalysisInput> analysis = input
            .Combine(allSummaries)
            .Combine(declarations.Collect())
            .Select(static (pair, _) => AnalysisInput.Create(pair.Left.Left.Left, pair.Left.Left.Right, pair.Left.Right, pair.Right))
            .WithTrackingName(TrackingNames.Input);

        // The relevance walk (OwnershipTrees.RelevantMembers) in rounds: the members that spell NativeMemory, then those
        // that spell the name of a place the first round connects to a call; when that adds names still, every file is
        // walked again as one compilation.
        IncrementalValuesProvider<(SyntaxTree Tree, FileFacts Facts)> firstRound = trees
            .Combine(analysis)
            .Select(static (pair, cancellationToken) => (pair.Left, pair.Right.Compilation is null
                ? FileFacts.Empty(pair.Left.FilePath)
                : InterceptionFactsCollector.CollectFile(pair.Left, pair.Right, pair.Right.SeedSet, null, cancellationToken)))
            .WithComparer(FirstRoundComparer.Instance)
            .WithTrackingName(TrackingNames.FirstRound);
        IncrementalValueProvider<ReachedNames> reached = firstRound
            .Select(static (item, _) => item.Facts)
            .Collect()
            .Select(static (files, _) => FactReach.NamesConnectedToCalls(files))
            .WithTrackingName(TrackingNames.Reach);
        IncrementalValuesProvider<FileFacts> facts = firstRound
            .Combine(reached)
            .Combine(analysis)
            .Select(static (pair, cancellationToken) => SecondRound(pair.Left.Left.Tree, pair.Left.Left.Facts, pair.Left.Right, pair.Right, cancellationToken))
            .WithTrackingName(TrackingNames.Facts);
        IncrementalValueProvider<WholeCompilationFacts> whole = input
            .Combine(facts.Collect().Combine(reached).Select(static (pair, _) => Settled(pair.Left, pair.Right)))
            .Select(static (pair, cancellationToken) => pair.Right
                ? s_unused
                : new WholeCompilationFacts(true, InterceptionFactsCollector.CollectAll(pair.Left.Left, pair.Left.Right, cancellationToken)))
            .WithTrackingName(TrackingNames.WholeCompilation);

        IncrementalValueProvider<InterceptionPlan> plan = facts
            .Collect()
            .Combine(whole)
            .Combine(settings)
            .Select(static (pair, _) => InterceptionPlanner.Plan(
                pair.Left.Right.Used ? ImmutableArray.CreateRange(pair.Left.Right.Files) : pair.Left.Left, pair.Right))
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

    private static readonly WholeCompilationFacts s_unused = new(false, EquatableArray<FileFacts>.Empty);

    // The second round in one file: the members that spell a name the first round reached (and no NativeMemory name, the
    // first round walked those), their facts added to the first round's. When the first round reached everything, the
    // plan walks the whole compilation instead (Settled) and these facts are not used.
    private static FileFacts SecondRound(SyntaxTree tree, FileFacts first, ReachedNames reached, AnalysisInput input,
        System.Threading.CancellationToken cancellationToken)
    {
        if (input.Compilation is null || reached.Everything)
            return first;
        var seeds = input.SeedSet;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in reached.Names)
        {
            if (!seeds.Contains(name))
                names.Add(name);
        }

        var second = InterceptionFactsCollector.CollectFile(tree, input, names, seeds, cancellationToken);
        var facts = second.IsEmpty ? first : KeyedFacts.Merge(first, second);
        return KeyedFacts.WithTaints(facts, InterceptionFactsCollector.PartialMemberTaints(tree, input, cancellationToken));
    }

    // Whether the two rounds walked every member the relevance walk would: the names their facts connect to a call are
    // all names the rounds looked for.
    private static bool Settled(ImmutableArray<FileFacts> files, ReachedNames afterFirst)
    {
        if (afterFirst.Everything)
            return false;
        var after = FactReach.NamesConnectedToCalls(files);
        if (after.Everything)
            return false;
        var known = new HashSet<string>(afterFirst.Names, StringComparer.Ordinal);
        foreach (string name in after.Names)
        {
            if (!known.Contains(name))
                return false;
        }

        return true;
    }

    /// <summary>Compares a first round's output by its facts and by the tree they come from.</summary>
    private sealed class FirstRoundComparer : IEqualityComparer<(SyntaxTree Tree, FileFacts Facts)>
    {
        public static readonly FirstRoundComparer Instance = new();

        public bool Equals((SyntaxTree Tree, FileFacts Facts) x, (SyntaxTree Tree, FileFacts Facts) y) =>
            ReferenceEquals(x.Tree, y.Tree) && x.Facts.Equals(y.Facts);

        public int GetHashCode((SyntaxTree Tree, FileFacts Facts) obj) => obj.Facts.GetHashCode();
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
