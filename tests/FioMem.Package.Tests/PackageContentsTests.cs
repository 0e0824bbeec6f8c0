// What `dotnet pack src/FioMem.Runtime` puts in FioMem.nupkg and FioMem.snupkg, and that every part names one version.
using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using FioMem.Package.Tests.Infrastructure;
using Xunit;

namespace FioMem.Package.Tests;

[Collection(PackageCollection.Name)]
public sealed class PackageContentsTests(PackageFixture fixture)
{
    /// <summary>Files NuGet adds to every package (OPC parts); everything else is ours and listed exactly.</summary>
    private static bool IsPackagingPart(string name) =>
        name is "[Content_Types].xml" || name.StartsWith("_rels/", StringComparison.Ordinal) ||
        name.StartsWith("package/services/metadata/", StringComparison.Ordinal);

    private static readonly string[] s_roslynComponents = ["FioMem.Analyzers.dll", "FioMem.CodeFixes.dll", "FioMem.Generators.dll"];

    [Fact]
    public void Package_holds_the_runtime_the_roslyn_components_their_build_file_the_readme_license_notice_and_icon_and_nothing_else()
    {
        string[] expected =
        [
            "FioMem.nuspec",
            "LICENSE",
            "NOTICE",
            "README.md",
            "analyzers/dotnet/cs/FioMem.Analyzers.dll",
            "analyzers/dotnet/cs/FioMem.CodeFixes.dll",
            "analyzers/dotnet/cs/FioMem.Generators.dll",
            "build/FioMem.targets",
            "buildTransitive/FioMem.targets",
            "icon.png",
            "lib/net10.0/FioMem.dll",
            "lib/net10.0/FioMem.xml",
        ];
        Assert.Equal(expected, EntryNames(fixture.PackagePath));
    }

    [Fact]
    public void Symbols_package_holds_the_runtime_pdb()
    {
        Assert.Equal(["FioMem.nuspec", "lib/net10.0/FioMem.pdb"], EntryNames(fixture.SymbolsPackagePath));
    }

    [Fact]
    public void Nuspec_has_the_metadata_and_no_dependency()
    {
        XElement metadata = ReadNuspec().Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        PackageMetadata.AssertCommonFields(metadata, "FioMem");
        Assert.Contains("allocator", PackageMetadata.Value(metadata, "tags").Split(' '));

        // NuGet writes an empty group per target framework; a <dependency> anywhere would be a leaked reference
        // (the Roslyn packages the components build against must stay private).
        Assert.DoesNotContain(metadata.Descendants(), e => e.Name.LocalName == "dependency");
        Assert.All(metadata.Descendants().Where(e => e.Name.LocalName == "group"), g => Assert.Empty(g.Elements()));
    }

    [Fact]
    public void Package_readme_is_the_short_package_readme_with_absolute_links_only()
    {
        using ZipArchive package = ZipFile.OpenRead(fixture.PackagePath);
        string readme = PackageMetadata.ReadText(package, "README.md");
        Assert.Equal(File.ReadAllText(Path.Combine(Repository.Root, "src", "FioMem.Runtime", "PACKAGE.md")), readme);
        PackageMetadata.AssertLinksAreAbsoluteAndExist(readme);
        Assert.Contains("AllowUnsafeBlocks", readme);
    }

    [Fact]
    public void Package_carries_the_license_the_notice_crediting_facil_io_and_a_128_pixel_icon()
    {
        using ZipArchive package = ZipFile.OpenRead(fixture.PackagePath);
        PackageMetadata.AssertLicenseNoticeAndIcon(package);
    }

    [Fact]
    public void Every_assembly_has_the_package_version_as_informational_version()
    {
        using ZipArchive package = ZipFile.OpenRead(fixture.PackagePath);
        IEnumerable<string> assemblies = s_roslynComponents.Select(n => "analyzers/dotnet/cs/" + n).Append("lib/net10.0/FioMem.dll");
        foreach (string entry in assemblies)
            Assert.True(InformationalVersion(package, entry) == Repository.Version,
                $"{entry}: informational version '{InformationalVersion(package, entry)}', package version '{Repository.Version}'");
    }

    private XDocument ReadNuspec()
    {
        using ZipArchive package = ZipFile.OpenRead(fixture.PackagePath);
        using Stream stream = package.GetEntry("FioMem.nuspec")!.Open();
        return XDocument.Load(stream);
    }

    private static string[] EntryNames(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not created");
        using ZipArchive package = ZipFile.OpenRead(path);
        return package.Entries.Select(e => e.FullName).Where(n => !IsPackagingPart(n)).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Reads [AssemblyInformationalVersion] from the assembly's metadata without loading it.</summary>
    private static string? InformationalVersion(ZipArchive package, string entry)
    {
        MemoryStream bytes = new();
        using (Stream stream = package.GetEntry(entry)!.Open())
            stream.CopyTo(bytes);
        bytes.Position = 0;

        using PEReader pe = new(bytes);
        MetadataReader metadata = pe.GetMetadataReader();
        foreach (CustomAttributeHandle handle in metadata.GetAssemblyDefinition().GetCustomAttributes())
        {
            CustomAttribute attribute = metadata.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference)
                continue;
            MemberReference constructor = metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
            if (constructor.Parent.Kind != HandleKind.TypeReference ||
                metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)constructor.Parent).Name) != "AssemblyInformationalVersionAttribute")
                continue;

            BlobReader value = metadata.GetBlobReader(attribute.Value);
            value.ReadUInt16(); // the custom-attribute prolog, 0x0001
            return value.ReadSerializedString();
        }
        return null;
    }
}
