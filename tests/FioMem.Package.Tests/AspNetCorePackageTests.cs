// What `dotnet pack src/FioMem.AspNetCore` puts in FioMem.AspNetCore.nupkg: the integration, a dependency on FioMem
// of the same version and a framework reference to ASP.NET Core, nothing else.
using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using FioMem.Package.Tests.Infrastructure;
using Xunit;

namespace FioMem.Package.Tests;

/// <remarks>In the package collection: its pack builds the runtime project too, so it must not run beside the fixture's.</remarks>
[Collection(PackageCollection.Name)]
public sealed class AspNetCorePackageTests : IDisposable
{
    private readonly string _feed = Path.Combine(Path.GetTempPath(), "fiomem-aspnetcore-package-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_feed))
            Directory.Delete(_feed, recursive: true);
    }

    [Fact]
    public void Package_depends_on_FioMem_and_references_the_AspNetCore_framework()
    {
        CliResult pack = DotnetCli.Run(Repository.Root, "pack", Path.Combine(Repository.Root, "src", "FioMem.AspNetCore"),
            "-c", Repository.Configuration, "-o", _feed, "-nologo");
        Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack);

        string package = Path.Combine(_feed, $"FioMem.AspNetCore.{Repository.Version}.nupkg");
        using ZipArchive zip = ZipFile.OpenRead(package);
        string[] entries = zip.Entries.Select(e => e.FullName)
            .Where(n => n is not "[Content_Types].xml" && !n.StartsWith("_rels/", StringComparison.Ordinal)
                && !n.StartsWith("package/services/metadata/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["FioMem.AspNetCore.nuspec", "LICENSE", "NOTICE", "README.md", "icon.png", "lib/net10.0/FioMem.AspNetCore.dll", "lib/net10.0/FioMem.AspNetCore.xml"], entries);
        PackageMetadata.AssertLicenseNoticeAndIcon(zip);

        // Its own short README, not the FioMem package's.
        string readme = PackageMetadata.ReadText(zip, "README.md");
        Assert.Equal(File.ReadAllText(Path.Combine(Repository.Root, "src", "FioMem.AspNetCore", "PACKAGE.md")), readme);
        Assert.StartsWith("# FioMem.AspNetCore\n", readme.ReplaceLineEndings("\n"));
        Assert.Contains("AddFioMemoryPool", readme);
        PackageMetadata.AssertLinksAreAbsoluteAndExist(readme);

        XDocument nuspec;
        using (Stream stream = zip.GetEntry("FioMem.AspNetCore.nuspec")!.Open())
            nuspec = XDocument.Load(stream);
        XElement[] dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").ToArray();
        XElement dependency = Assert.Single(dependencies);
        Assert.Equal("FioMem", dependency.Attribute("id")?.Value);
        Assert.Equal(Repository.Version, dependency.Attribute("version")?.Value);
        PackageMetadata.AssertCommonFields(nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata"), "FioMem.AspNetCore");
        XElement framework = Assert.Single(nuspec.Descendants(), e => e.Name.LocalName == "frameworkReference");
        Assert.Equal("Microsoft.AspNetCore.App", framework.Attribute("name")?.Value);
    }
}
