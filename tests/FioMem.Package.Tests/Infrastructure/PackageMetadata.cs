// What both packages must carry: the project's addresses, release notes, license, NOTICE and icon, and a README whose
// links work on a package page.
using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace FioMem.Package.Tests.Infrastructure;

internal static partial class PackageMetadata
{
    /// <summary>The repository's address and branch, from Directory.Build.props.</summary>
    public static string RepositoryUrl => Repository.Property("RepositoryUrl");

    public static string Branch => Repository.Property("RepositoryBranch");

    public static string Value(XElement metadata, string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;

    public static string ReadText(ZipArchive package, string entry)
    {
        using StreamReader reader = new(package.GetEntry(entry)!.Open());
        return reader.ReadToEnd();
    }

    public static void AssertCommonFields(XElement metadata, string id)
    {
        Assert.Equal(id, Value(metadata, "id"));
        Assert.Equal(Repository.Version, Value(metadata, "version"));
        Assert.Equal("MIT", Value(metadata, "license"));
        Assert.Equal("expression", metadata.Elements().Single(e => e.Name.LocalName == "license").Attribute("type")?.Value);
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.Equal("icon.png", Value(metadata, "icon"));
        Assert.Equal(RepositoryUrl, Value(metadata, "projectUrl"));
        Assert.False(string.IsNullOrWhiteSpace(Value(metadata, "description")));
        Assert.Contains($"{RepositoryUrl}/blob/{Branch}/CHANGELOG.md", Value(metadata, "releaseNotes"));

        XElement repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal("git", repository.Attribute("type")?.Value);
        Assert.Equal(RepositoryUrl, repository.Attribute("url")?.Value);
    }

    /// <summary>The LICENSE is the repository's; the NOTICE credits facil.io with its MIT notice; the icon is a
    /// 128×128 PNG.</summary>
    public static void AssertLicenseNoticeAndIcon(ZipArchive package)
    {
        Assert.Equal(File.ReadAllText(Path.Combine(Repository.Root, "LICENSE")), ReadText(package, "LICENSE"));
        Assert.Contains("MIT License", ReadText(package, "LICENSE"));

        string notice = ReadText(package, "NOTICE");
        Assert.Equal(File.ReadAllText(Path.Combine(Repository.Root, "NOTICE")), notice);
        Assert.Contains("https://github.com/boazsegev/facil.io", notice);
        Assert.Contains("Copyright (c) 2016 Boaz Segev.", notice);
        Assert.Contains("The above copyright notice and this permission notice shall be included in all", notice);

        MemoryStream icon = new();
        using (Stream stream = package.GetEntry("icon.png")!.Open())
            stream.CopyTo(icon);
        byte[] png = icon.ToArray();
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(128, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(128, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    /// <summary>Every Markdown link is absolute (a package page has no files beside it), and every link to a file of
    /// this repository names one that exists.</summary>
    public static void AssertLinksAreAbsoluteAndExist(string markdown)
    {
        string[] targets = MarkdownLink().Matches(markdown).Select(m => m.Groups["target"].Value).ToArray();
        Assert.NotEmpty(targets);
        string files = $"{RepositoryUrl}/blob/{Branch}/";
        foreach (string target in targets)
        {
            Assert.True(target.StartsWith("https://", StringComparison.Ordinal), $"relative link in a package README: {target}");
            if (target.StartsWith(files, StringComparison.Ordinal))
            {
                string path = target[files.Length..].Split('#')[0];
                Assert.True(File.Exists(Path.Combine(Repository.Root, path)), $"{target} names no file of the repository");
            }
            else if (target.StartsWith(RepositoryUrl, StringComparison.Ordinal))
            {
                // The repository's front page, or a section of its README (GitHub's heading anchors).
                Assert.Matches(@"^" + Regex.Escape(RepositoryUrl) + @"(#[a-z0-9-]+)?$", target);
                string anchor = target.Contains('#') ? target[(target.IndexOf('#') + 1)..] : "readme";
                Assert.True(anchor == "readme" || ReadmeAnchors().Contains(anchor), $"{target}: the README has no such section");
            }
        }
    }

    /// <summary>The anchors GitHub gives the README's headings: lower case, punctuation dropped, spaces as dashes.</summary>
    private static string[] ReadmeAnchors() =>
        File.ReadAllLines(Path.Combine(Repository.Root, "README.md"))
            .Where(line => line.StartsWith('#'))
            .Select(line => Regex.Replace(line.TrimStart('#').Trim().ToLowerInvariant(), @"[^a-z0-9 _-]", "").Replace(' ', '-'))
            .ToArray();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
