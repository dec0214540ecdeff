using System.IO.Compression;
using System.Reflection.Metadata;
using System.Xml.Linq;

namespace Phi3.OnnxSdk.Packages.Tests;

/// <summary>What every package says about itself: version, readme, licence, authors, description, tags, repository, symbols.</summary>
[Collection(PackedFeedGroup.Name)]
public sealed class PackageMetadataTests(PackedFeed feed)
{
    /// <summary>Portable PDB custom debug information holding a source file's text.</summary>
    private static readonly Guid EmbeddedSource = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    public static TheoryData<string> Ids { get; } =
    [
        "Phi3.OnnxSdk", "Phi3.OnnxSdk.Backend.Cpu", "Phi3.OnnxSdk.Backend.Cuda", "Phi3.OnnxSdk.Backend.DirectML",
        "Phi3.OnnxSdk.SemanticKernel", "Phi3.OnnxSdk.SyntheticModels", "Phi3.OnnxSdk.Cli",
    ];

    [Theory]
    [MemberData(nameof(Ids))]
    public void Nuspec_HasTheMetadataAPublisherNeeds(string id)
    {
        using var zip = ZipFile.OpenRead(feed.Package(id));
        var metadata = Metadata(zip, id);

        Assert.Equal(feed.Version, Value(metadata, "version"));
        Assert.Contains('-', Value(metadata, "version"));
        Assert.Equal("Phi3.OnnxSdk contributors", Value(metadata, "authors"));
        Assert.Equal("MIT", Value(metadata, "license"));
        Assert.Equal("expression", (string?)metadata.Elements().Single(e => e.Name.LocalName == "license").Attribute("type"));
        Assert.True(Value(metadata, "description").Length > 40, Value(metadata, "description"));
        Assert.Contains("onnxruntime-genai", Value(metadata, "tags"), StringComparison.Ordinal);
        Assert.Equal(PackedFeed.RepositoryUrl, Value(metadata, "projectUrl"));
        Assert.Equal(PackedFeed.RepositoryUrl, (string?)metadata.Elements().Single(e => e.Name.LocalName == "repository").Attribute("url"));

        // The readme is the package's own, short one.
        Assert.Equal("README.md", Value(metadata, "readme"));
        using var readme = new StreamReader(zip.GetEntry("README.md")!.Open());
        string text = readme.ReadToEnd();
        Assert.StartsWith("# ", text);
        Assert.Contains(id == "Phi3.OnnxSdk.Cli" ? "phi3" : id, text, StringComparison.Ordinal);
        Assert.InRange(text.Length, 200, 4000);
    }

    [Theory]
    [InlineData("Phi3.OnnxSdk")]
    [InlineData("Phi3.OnnxSdk.SemanticKernel")]
    [InlineData("Phi3.OnnxSdk.SyntheticModels")]
    public void Library_HasXmlDocsAndASymbolPackageWhosePdbEmbedsTheSources(string id)
    {
        using (var package = ZipFile.OpenRead(feed.Package(id)))
        {
            Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.xml"));
            Assert.True(id != "Phi3.OnnxSdk" || package.GetEntry("buildTransitive/Phi3.OnnxSdk.targets") is not null, "the core package carries the backend check");
        }

        using var symbols = ZipFile.OpenRead(feed.Package(id, "snupkg"));
        using var pdb = new MemoryStream();
        using (var entry = symbols.GetEntry($"lib/net10.0/{id}.pdb")!.Open())
        {
            entry.CopyTo(pdb);
        }

        pdb.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();
        int documents = reader.Documents.Count;
        int embedded = reader.CustomDebugInformation.Select(reader.GetCustomDebugInformation).Count(c => reader.GetGuid(c.Kind) == EmbeddedSource);
        Assert.True(documents > 0);
        Assert.True(embedded >= documents - 2, $"{embedded} of {documents} source files are embedded");
    }

    [Fact]
    public void Version_LivesInOnePlace_WithAPreReleaseSuffix()
    {
        var props = XDocument.Load(Path.Combine(PackedFeed.RepositoryRoot, "Directory.Build.props"));
        var prefix = Assert.Single(props.Descendants("VersionPrefix"));
        var suffix = Assert.Single(props.Descendants("VersionSuffix"));

        Assert.Matches(@"^\d+\.\d+\.\d+$", prefix.Value);
        Assert.NotEmpty(suffix.Value);
        Assert.DoesNotContain(
            Directory.GetFiles(Path.Combine(PackedFeed.RepositoryRoot, "src"), "*.csproj", SearchOption.AllDirectories),
            p => File.ReadAllText(p).Contains("<Version", StringComparison.Ordinal));
    }

    private static XElement Metadata(ZipArchive zip, string id)
    {
        using var stream = zip.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string Value(XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? throw new Xunit.Sdk.XunitException($"the nuspec has no <{name}>");
}
