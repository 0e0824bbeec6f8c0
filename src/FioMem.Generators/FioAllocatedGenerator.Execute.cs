// The generator's work: deciding eligibility, building the model from symbols, and writing the source.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading;
using FioMem.Generators.Helpers;
using FioMem.Generators.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FioMem.Generators;

public sealed partial class FioAllocatedGenerator
{
    /// <summary>The tool name and version written into <c>[GeneratedCode]</c>.</summary>
    /// <remarks>The informational version is the package version (for example "0.2.0"), so the attribute names the version a
    /// user installed rather than the four-part assembly version.</remarks>
    private static readonly string s_generatedCodeAttribute =
        $"[global::System.CodeDom.Compiler.GeneratedCode(\"FioMem.Generators\", \"{GetToolVersion()}\")]";

    /// <summary>The generator's informational version without any "+metadata" suffix (a source revision, should a
    /// build add one), falling back to the assembly version.</summary>
    private static string GetToolVersion()
    {
        Assembly assembly = typeof(FioAllocatedGenerator).Assembly;
        string? informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(informational))
            return assembly.GetName().Version?.ToString() ?? "0.0.0";
        int plus = informational!.IndexOf('+');
        return plus < 0 ? informational : informational.Substring(0, plus);
    }

    /// <summary>A cheap syntactic filter: only struct declarations (plain or record) can be eligible.</summary>
    private static bool IsCandidate(SyntaxNode node) =>
        node is StructDeclarationSyntax || node.IsKind(SyntaxKind.RecordStructDeclaration);

    /// <summary>Builds the model of an eligible struct, or returns <see langword="null"/> when it is not eligible.</summary>
    /// <remarks>This runs for every marked struct whenever the compilation changes, so it avoids SymbolDisplay
    /// and member binding: names are assembled from the containing-symbol chain.</remarks>
    private static FioAllocatedStructModel? CreateModel(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || !IsEligible(type, cancellationToken))
            return null;

        // A struct marked on several partial parts (CS0579) must still give one file, not two with the same hint
        // name: only the declaration carrying the type's first [FioAllocated] emits.
        if (type.DeclaringSyntaxReferences.Length > 1 && !IsFirstMarkedDeclaration(type, context))
            return null;

        List<string> namespaces = new();
        for (INamespaceSymbol? ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
            namespaces.Insert(0, ns.Name);
        List<INamedTypeSymbol> types = new();
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            types.Insert(0, current);

        ImmutableArray<ContainingTypeModel>.Builder containing = ImmutableArray.CreateBuilder<ContainingTypeModel>(types.Count - 1);
        for (int i = 0; i < types.Count - 1; i++)
            containing.Add(new ContainingTypeModel(types[i].IsRefLikeType ? "ref " : "", GetKeyword(types[i]), EscapeIdentifier(types[i].Name)));

        string? escapedNamespace = namespaces.Count == 0 ? null : string.Join(".", namespaces.Select(EscapeIdentifier));
        string qualifiedName = "global::" + string.Join(".", namespaces.Concat(types.Select(t => t.Name)).Select(EscapeIdentifier));
        string displayName = string.Join(".", namespaces.Concat(types.Select(t => t.Name)));

        return new FioAllocatedStructModel(
            HintName: GetHintName(namespaces, types),
            Namespace: escapedNamespace,
            ContainingTypes: new EquatableArray<ContainingTypeModel>(containing.MoveToImmutable()),
            Keyword: type.IsRecord ? "record struct" : "struct",
            Name: EscapeIdentifier(type.Name),
            QualifiedName: qualifiedName,
            DisplayName: displayName,
            Members: GetMembersToEmit(type));
    }

    /// <summary>The rule FIO004 enforces, from the one source file the analyzer and the code fix share.</summary>
    private static bool IsEligible(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        FioMem.Shared.FioAllocatedEligibility.Check(type, cancellationToken).IsEligible;

    private static bool IsFirstMarkedDeclaration(INamedTypeSymbol type, GeneratorAttributeSyntaxContext context)
    {
        INamedTypeSymbol? attributeClass = context.Attributes.IsEmpty ? null : context.Attributes[0].AttributeClass;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeClass))
                continue;
            SyntaxReference? application = attribute.ApplicationSyntaxReference;
            return application is null
                || (application.SyntaxTree == context.TargetNode.SyntaxTree && context.TargetNode.Span.Contains(application.Span));
        }

        return true;
    }

    /// <summary>The keyword(s) a partial part of an enclosing type must repeat.</summary>
    private static string GetKeyword(INamedTypeSymbol type) => type.TypeKind switch
    {
        TypeKind.Interface => "interface",
        TypeKind.Struct => type.IsRecord ? "record struct" : "struct",
        _ => type.IsRecord ? "record" : "class",
    };

    /// <summary>Leaves out every member whose name the struct already uses, and the interface if the user implemented it.</summary>
    private static ShorthandMembers GetMembersToEmit(INamedTypeSymbol type)
    {
        ShorthandMembers members = ShorthandMembers.None;
        bool implementsInterface = false;
        foreach (INamedTypeSymbol implemented in type.Interfaces)
        {
            if (implemented.MetadataName == "IFioAllocated`1"
                && implemented.ContainingNamespace is { Name: "FioMem", ContainingNamespace.IsGlobalNamespace: true })
            {
                implementsInterface = true;
            }
        }

        if (!implementsInterface)
            members |= ShorthandMembers.Interface;
        // MemberNames comes from the declarations, without binding the members.
        HashSet<string> taken = new(type.MemberNames) { type.Name };
        foreach (INamedTypeSymbol nested in type.GetTypeMembers())
            taken.Add(nested.Name);
        members |= Include("New", ShorthandMembers.New);
        members |= Include("NewArray", ShorthandMembers.NewArray);
        members |= Include("NewOwned", ShorthandMembers.NewOwned);
        members |= Include("Free", ShorthandMembers.Free);
        members |= Include("FreeArray", ShorthandMembers.FreeArray);
        return members;

        ShorthandMembers Include(string name, ShorthandMembers member) =>
            taken.Contains(name) ? ShorthandMembers.None : member;
    }

    /// <summary><c>Ns.Outer+Inner.g.cs</c>: unique per type, stable across runs and hosts.</summary>
    private static string GetHintName(List<string> namespaces, List<INamedTypeSymbol> types)
    {
        StringBuilder name = new();
        foreach (string ns in namespaces)
            name.Append(ns).Append('.');
        name.Append(string.Join("+", types.Select(t => t.MetadataName)));

        // Identifiers never hold these, but a hint name must be a valid file name on every host.
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] is '<' or '>' or ':' or '"' or '/' or '\\' or '|' or '?' or '*' || char.IsControl(name[i]))
                name[i] = '_';
        }

        return name.Append(".g.cs").ToString();
    }

    private static string EscapeIdentifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>Writes the generated partial declaration of one struct.</summary>
    /// <param name="model">The struct.</param>
    /// <param name="allowUnsafe">Whether the compilation allows unsafe code; without it the pointer members
    /// (<c>New</c>, <c>Free</c>) are left out so the output still compiles (analyzer FIO008 tells the user).</param>
    internal static string Emit(FioAllocatedStructModel model, bool allowUnsafe)
    {
        IndentedSourceWriter writer = new();
        writer.WriteLine("// <auto-generated/>");
        writer.WriteLine("#nullable enable");
        writer.WriteLine();
        if (model.Namespace is not null)
        {
            writer.WriteLine($"namespace {model.Namespace};");
            writer.WriteLine();
        }

        List<IndentedSourceWriter.Block> blocks = new();
        foreach (ContainingTypeModel outer in model.ContainingTypes)
        {
            writer.WriteLine($"{outer.Modifiers}partial {outer.Keyword} {outer.Name}");
            blocks.Add(writer.WriteBlock());
        }

        string self = model.QualifiedName;
        string interfaceName = $"global::FioMem.IFioAllocated<{self}>";
        string baseList = (model.Members & ShorthandMembers.Interface) != 0 ? $" : {interfaceName}" : "";
        writer.WriteLine($"{(allowUnsafe ? "unsafe " : "")}partial {model.Keyword} {model.Name}{baseList}");
        using (writer.WriteBlock())
        {
            bool first = true;
            void Separate()
            {
                if (!first)
                    writer.WriteLine();
                first = false;
            }

            if ((model.Members & ShorthandMembers.Interface) != 0)
            {
                Separate();
                writer.WriteLine("/// <inheritdoc/>");
                writer.WriteLine(s_generatedCodeAttribute);
                writer.WriteLine($"static string {interfaceName}.FioTypeName => {SymbolDisplay.FormatLiteral(model.DisplayName, quote: true)};");
            }

            if (allowUnsafe && (model.Members & ShorthandMembers.New) != 0)
            {
                Separate();
                writer.WriteLine("/// <inheritdoc cref=\"global::FioMem.FioAlloc{T}.New()\"/>");
                writer.WriteLine(s_generatedCodeAttribute);
                writer.WriteLine("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
                writer.WriteLine($"public static {self}* New() => global::FioMem.FioAlloc<{self}>.New();");
                writer.WriteLine();
                writer.WriteLine("/// <inheritdoc cref=\"global::FioMem.FioAlloc{T}.New(global::FioMem.FioHeap)\"/>");
                writer.WriteLine(s_generatedCodeAttribute);
                writer.WriteLine("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
                writer.WriteLine($"public static {self}* New(global::FioMem.FioHeap heap) => global::FioMem.FioAlloc<{self}>.New(heap);");
            }

            if ((model.Members & ShorthandMembers.NewArray) != 0)
            {
                Separate();
                writer.WriteLine("/// <inheritdoc cref=\"global::FioMem.FioAlloc{T}.NewArray(int)\"/>");
                writer.WriteLine(s_generatedCodeAttribute);
                writer.WriteLine($"public static global::System.Span<{self}> NewArray(int count) => global::FioMem.FioAlloc<{self}>.NewArray(count);");
                writer.WriteLine();
                writer.WriteLine("/// <inheritdoc cref=\"global::FioMem.FioAlloc{T}.NewArray(global::FioMem.FioHeap, int)\"/>");
                writer.WriteLine(s_generatedCodeAttribute);
                writer.WriteLine($"public static global::System.Span<{self}> NewArray(global::FioMem.FioHeap heap, int count) => global::FioMem.FioAlloc<{self}>.NewArray(heap, count);");
            }

            if ((model.Members & ShorthandMembers.NewOwned) != 0)
            {
                Separate();
                writer.WriteLine("/// <inheritdoc cref=\"global::FioMem.FioAlloc{T}.NewOwned\"/>");
                writer.WriteLine(s_generatedCodeAttribute);
                writer.WriteLine($"public static global::FioMem.FioOwned<{self}> NewOwned() => global::FioMem.FioAlloc<{self}>.NewOwned();");
            }

            if (allowUnsafe && (model.Members & ShorthandMembers.Free) != 0)
            {
                Separate();
                writer.WriteLine("/// <inheritdoc cref=\"global::FioMem.FioAlloc{T}.Free(T*)\"/>");
                writer.WriteLine(s_generatedCodeAttribute);
                writer.WriteLine("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
                writer.WriteLine($"public static void Free({self}* value) => global::FioMem.FioAlloc<{self}>.Free(value);");
            }

            if ((model.Members & ShorthandMembers.FreeArray) != 0)
            {
                Separate();
                writer.WriteLine("/// <inheritdoc cref=\"global::FioMem.FioAlloc{T}.FreeArray(global::System.Span{T})\"/>");
                writer.WriteLine(s_generatedCodeAttribute);
                writer.WriteLine($"public static void FreeArray(global::System.Span<{self}> array) => global::FioMem.FioAlloc<{self}>.FreeArray(array);");
            }
        }

        for (int i = blocks.Count - 1; i >= 0; i--)
            blocks[i].Dispose();
        return writer.ToString();
    }
}
