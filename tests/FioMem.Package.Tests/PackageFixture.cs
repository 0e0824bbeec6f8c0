// Packs FioMem once into a fresh folder and restores the consumer projects from it, for every test in the collection.
using System;
using System.IO;
using FioMem.Package.Tests.Infrastructure;
using Xunit;

namespace FioMem.Package.Tests;

/// <summary>One pack and one restore shared by the package tests; everything lives in a temp folder deleted at the end.</summary>
public sealed class PackageFixture : IDisposable
{
    public PackageFixture()
    {
        WorkDirectory = Path.Combine(Path.GetTempPath(), "fiomem-package-" + Guid.NewGuid().ToString("N"));
        FeedDirectory = Path.Combine(WorkDirectory, "feed");
        ConsumerDirectory = Path.Combine(WorkDirectory, "consumer");
        Directory.CreateDirectory(FeedDirectory);

        PackResult = DotnetCli.Run(Repository.Root,
            "pack", Repository.RuntimeProject, "-c", Repository.Configuration, "-o", FeedDirectory, "-nologo");
        if (PackResult.ExitCode != 0)
            throw new InvalidOperationException("dotnet pack failed:\n" + PackResult);

        PackagePath = Path.Combine(FeedDirectory, $"FioMem.{Repository.Version}.nupkg");
        SymbolsPackagePath = Path.Combine(FeedDirectory, $"FioMem.{Repository.Version}.snupkg");

        CopyTemplates(Repository.ConsumerTemplates, ConsumerDirectory);
        string props = Path.Combine(ConsumerDirectory, "Directory.Build.props");
        File.WriteAllText(props, File.ReadAllText(props).Replace("@FIOMEM_VERSION@", Repository.Version));

        // The feed is added to the machine's sources (no <clear/>), so the SDK's own packages still resolve.
        File.WriteAllText(Path.Combine(ConsumerDirectory, "nuget.config"),
            $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="fiomem-under-test" value="{FeedDirectory}" />
              </packageSources>
            </configuration>
            """);

        RestoreResult = DotnetCli.Run(ConsumerDirectory, "restore", "Consumer.slnx", "-nologo");
        if (RestoreResult.ExitCode != 0)
            throw new InvalidOperationException("dotnet restore of the consumer failed:\n" + RestoreResult);
    }

    /// <summary>The temp folder holding the feed, the consumer and its private packages folder.</summary>
    public string WorkDirectory { get; }

    /// <summary>The local package source the pack wrote to.</summary>
    public string FeedDirectory { get; }

    /// <summary>The copied consumer projects (Consumer.slnx with App, Aot, Bad, Intercept, Migrate, Multi, Old and OldAnalyzers).</summary>
    public string ConsumerDirectory { get; }

    /// <summary>The consumer's private packages folder (RestorePackagesPath in its Directory.Build.props).</summary>
    public string PackagesDirectory => Path.Combine(ConsumerDirectory, ".packages");

    public string PackagePath { get; }

    public string SymbolsPackagePath { get; }

    internal CliResult PackResult { get; }

    internal CliResult RestoreResult { get; }

    public void Dispose()
    {
        if (Directory.Exists(WorkDirectory))
            Directory.Delete(WorkDirectory, recursive: true);
    }

    private static void CopyTemplates(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string directory in Directory.GetDirectories(from))
        {
            string name = Path.GetFileName(directory);
            // Output of a consumer someone built in place is not a template.
            if (name is not ("bin" or "obj"))
                CopyTemplates(directory, Path.Combine(to, name));
        }
    }
}

/// <summary>The package tests share one pack and restore, and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    public const string Name = "FioMem package";
}
