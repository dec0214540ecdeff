using Phi3.OnnxSdk.Catalog;

namespace Phi3.OnnxSdk.Tests.Catalog;

public sealed class ModelCatalogTests
{
    [Fact]
    public void Default_ShippedCatalog_HasEveryFamilyOfTheIssue()
    {
        var catalog = ModelCatalog.Default;
        string[] expected =
        [
            "phi-3-mini-4k-instruct", "phi-3-mini-128k-instruct", "phi-3-small-8k-instruct", "phi-3-small-128k-instruct",
            "phi-3-medium-4k-instruct", "phi-3-medium-128k-instruct", "phi-3-vision-128k-instruct", "phi-3.5-mini-instruct",
            "phi-3.5-vision-instruct", "phi-4-mini-instruct",
        ];

        Assert.Equal(expected, catalog.Families.Select(f => f.Id));
        Assert.Equal("phi-3-mini-128k-instruct", catalog.DefaultFamily);
    }

    [Theory]
    [InlineData("phi-3-mini-4k-instruct")]
    [InlineData("phi-3-mini-128k-instruct")]
    public void GetVariants_MiniFamilies_HaveAllFiveVariants(string familyId)
    {
        var catalog = ModelCatalog.Default;
        var variants = catalog.GetVariants(catalog.FindFamily(familyId)!);

        Assert.Equal(
            ["cpu-int4-rtn-block-32", "cpu-int4-rtn-block-32-acc-level-4", "cuda-fp16", "cuda-int4-rtn-block-32", "directml-int4-awq-block-128"],
            variants.Select(v => v.Name).Order(StringComparer.Ordinal));
        Assert.All(variants, v => Assert.True(v.FileListComplete || v.Provider == ExecutionProvider.DirectML));
    }

    [Fact]
    public void Default_MediumFamilies_HaveCpuCudaAndDirectML()
    {
        var catalog = ModelCatalog.Default;
        foreach (var family in new[] { "phi-3-medium-4k-instruct", "phi-3-medium-128k-instruct" })
        {
            var providers = catalog.GetVariants(catalog.FindFamily(family)!).Select(v => v.Provider).Distinct().Order();
            Assert.Equal([ExecutionProvider.Cpu, ExecutionProvider.Cuda, ExecutionProvider.DirectML], providers);
        }
    }

    [Fact]
    public void Default_MiniVariantFiles_NameTheStemOfTheirFolder()
    {
        var variant = ModelCatalog.Default.FindVariant("phi-3-mini-4k-instruct/cuda-int4-rtn-block-32")!;

        Assert.Equal("cuda/cuda-int4-rtn-block-32", variant.Source.Subfolder);
        Assert.Equal("microsoft/Phi-3-mini-4k-instruct-onnx", variant.Source.HubRepository);
        Assert.Contains(variant.Files, f => f.Path == "phi3-mini-4k-instruct-cuda-int4-rtn-block-32.onnx.data");
        Assert.Equal("0", variant.ProviderOptions["cuda"]["enable_cuda_graph"]);
        Assert.Equal(4096, variant.ContextLength);
    }

    [Fact]
    public void Default_KvBytesPerToken_MatchesTheMiniShape()
    {
        // 2 (K and V) x 32 layers x 32 KV heads x 96 head size x 2 bytes (fp16) on CUDA; 4 bytes (fp32) on CPU.
        var catalog = ModelCatalog.Default;

        Assert.Equal(393_216, catalog.FindVariant("phi-3-mini-128k-instruct/cuda-fp16")!.KvBytesPerToken);
        Assert.Equal(786_432, catalog.FindVariant("phi-3-mini-128k-instruct/cpu-int4-rtn-block-32-acc-level-4")!.KvBytesPerToken);
    }

    [Fact]
    public void Default_UnpinnedRevisions_AreMarkedUnpinned()
    {
        Assert.All(ModelCatalog.Default.Variants, v => Assert.True(v.Source.IsPinned || v.Source.Revision == "main"));
    }

    [Theory]
    [InlineData("phi3", "phi-3-mini-128k-instruct")]
    [InlineData("PHI-3-MINI-4K", "phi-3-mini-4k-instruct")]
    [InlineData("Phi-3-mini-128k-instruct", "phi-3-mini-128k-instruct")]
    [InlineData("phi4-mini", "phi-4-mini-instruct")]
    public void FindFamily_IdOrAliasInAnyCase_FindsTheFamily(string name, string expected)
    {
        Assert.Equal(expected, ModelCatalog.Default.FindFamily(name)?.Id);
    }

    [Fact]
    public void FindVariant_ShortAliasWithinFamily_FindsTheVariant()
    {
        var catalog = ModelCatalog.Default;
        var family = catalog.FindFamily("phi-3-mini-128k-instruct")!;

        Assert.Equal("phi-3-mini-128k-instruct/cuda-int4-rtn-block-32", catalog.FindVariant("cuda-int4", family)?.Id);
        Assert.Null(catalog.FindVariant("cuda-int4"));
        Assert.Null(catalog.FindVariant("tpu-int4", family));
    }

    [Theory]
    [InlineData("missing-provider", "missing required field 'provider'")]
    [InlineData("missing-memory", "missing required field 'memory'")]
    [InlineData("unknown-provider", "unknown provider 'tpu'")]
    [InlineData("file-escapes", "file path '../../secrets.txt' escapes")]
    [InlineData("absolute-file", "file path '/etc/passwd' escapes")]
    [InlineData("subfolder-escapes", "subfolder 'cuda/../../other-repo' escapes")]
    [InlineData("pinned-branch", "marked pinned but is not a 40-hex commit")]
    public void Parse_HandBrokenEntry_ThrowsNamingTheEntry(string breakage, string expectedText)
    {
        var json = CatalogJsonEditor.Break(RepositoryFiles.Read("models.json"), breakage);

        var error = Assert.Throws<ModelCatalogException>(() => ModelCatalog.Parse(json, "broken.json"));

        Assert.Contains($"entry '{CatalogJsonEditor.TargetId}'", error.Message);
        Assert.Contains(expectedText, error.Message);
        Assert.Contains("broken.json", error.Message);
        Assert.Equal(CatalogJsonEditor.TargetId, error.EntryId);
    }

    [Fact]
    public void Parse_EntryWithoutId_NamesItsIndex()
    {
        const string json = """{"version":1,"families":[{"id":"phi-3-mini-128k-instruct"}],"models":[{"family":"phi-3-mini-128k-instruct"}]}""";

        var error = Assert.Throws<ModelCatalogException>(() => ModelCatalog.Parse(json));

        Assert.Contains("entry 'models[0]'", error.Message);
    }

    [Fact]
    public void Parse_DuplicateAliasAcrossFamilies_Throws()
    {
        const string json = """{"version":1,"families":[{"id":"phi-3-mini-128k-instruct","aliases":["mini"]},{"id":"other","aliases":["MINI"]}],"models":[]}""";

        var error = Assert.Throws<ModelCatalogException>(() => ModelCatalog.Parse(json));

        Assert.Contains("'MINI' is already used by family 'phi-3-mini-128k-instruct'", error.Message);
    }

    [Fact]
    public void Load_LocalFolderEntry_ResolvesRelativePathFromTheCatalogFile()
    {
        var folder = Directory.CreateTempSubdirectory("phi3-catalog-");
        try
        {
            var path = System.IO.Path.Combine(folder.FullName, "my-models.json");
            File.WriteAllText(path, """
                {
                  "version": 1,
                  "defaultFamily": "my-phi",
                  "families": [{ "id": "my-phi", "aliases": ["mine"] }],
                  "models": [{
                    "id": "my-phi/cpu-int4", "family": "my-phi", "variant": "cpu-int4",
                    "source": { "localPath": "weights", "subfolder": "cpu" },
                    "provider": "cpu", "precision": "int4", "files": [{ "path": "genai_config.json" }],
                    "contextLength": 4096, "memory": { "weightsBytes": 1000, "kvBytesPerToken": 10 },
                    "capabilities": ["text"], "tokenizer": "llama2-phi3"
                  }]
                }
                """);

            var merged = ModelCatalog.Default.WithEntries(ModelCatalog.Load(path));

            var variant = merged.FindVariant("my-phi/cpu-int4")!;
            Assert.Equal(System.IO.Path.Combine(folder.FullName, "weights"), variant.Source.LocalPath);
            Assert.Null(variant.Source.HubRepository);
            Assert.Equal("my-phi", merged.DefaultFamily);
            Assert.Equal(ModelCatalog.Default.Variants.Count + 1, merged.Variants.Count);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void WithEntries_PartialCatalogWithoutDefaultFamily_AddsItsEntriesAndKeepsTheBuiltInDefault()
    {
        using var folder = new CatalogFolder();
        var path = folder.Write("mine.json", PartialCatalog("my-phi", "mine"));

        var own = ModelCatalog.Load(path);
        var merged = ModelCatalog.Default.WithEntries(own);

        Assert.Equal("my-phi", own.DefaultFamily);
        Assert.Null(own.DeclaredDefaultFamily);
        Assert.Equal(ModelCatalog.DefaultFamilyId, merged.DefaultFamily);
        Assert.Equal(ModelCatalog.Default.Families.Select(f => f.Id).Append("my-phi"), merged.Families.Select(f => f.Id));
        Assert.Equal(ModelCatalog.Default.Variants.Count + 1, merged.Variants.Count);
        Assert.Equal("my-phi/cpu-int4", merged.FindVariant("cpu-int4", merged.FindFamily("mine"))?.Id);
        Assert.Equal(ModelCatalog.Default.FindVariant("phi-3-mini-4k-instruct/cuda-fp16"), merged.FindVariant("phi-3-mini-4k-instruct/cuda-fp16"));
    }

    [Theory]
    [InlineData("phi-3-mini-4k-instruct", "mine", "family 'phi-3-mini-4k-instruct' clashes with family 'phi-3-mini-4k-instruct'")]
    [InlineData("my-phi", "phi3", "the name 'phi3' of family 'my-phi' clashes with family 'phi-3-mini-128k-instruct'")]
    public void WithEntries_IdOrAliasOfABuiltInFamily_ThrowsNamingBothFiles(string family, string alias, string expected)
    {
        using var folder = new CatalogFolder();
        var path = folder.Write("mine.json", PartialCatalog(family, alias));

        var error = Assert.Throws<ModelCatalogException>(() => ModelCatalog.Default.WithEntries(ModelCatalog.Load(path)));

        Assert.Contains($"Model catalog '{path}': {expected} of 'models.json (embedded)'", error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.CatalogSource);
        Assert.Equal(family, error.EntryId);
    }

    [Fact]
    public void WithEntries_SecondUserCatalogClashingWithTheFirst_NamesTheFirstFile()
    {
        using var folder = new CatalogFolder();
        var first = folder.Write("first.json", PartialCatalog("my-phi", "mine"));
        var second = folder.Write("second.json", PartialCatalog("MY-PHI", "other"));
        var merged = ModelCatalog.Default.WithEntries(ModelCatalog.Load(first));

        var error = Assert.Throws<ModelCatalogException>(() => merged.WithEntries(ModelCatalog.Load(second)));

        Assert.Contains($"Model catalog '{second}': family 'MY-PHI' clashes with family 'my-phi' of '{first}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoFamiliesAtAll_SaysSo()
    {
        var error = Assert.Throws<ModelCatalogException>(() => ModelCatalog.Parse("""{ "version": 1, "families": [], "models": [] }""", "empty.json"));

        Assert.Contains("'empty.json' declares no families", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A schema-valid catalog holding one family of one's own and no defaultFamily.</summary>
    private static string PartialCatalog(string family, string alias) => $$"""
        {
          "version": 1,
          "families": [{ "id": "{{family}}", "aliases": ["{{alias}}"] }],
          "models": [{
            "id": "{{family}}/cpu-int4", "family": "{{family}}", "variant": "cpu-int4",
            "source": { "hub": { "repo": "contoso/my-phi-onnx", "revision": "main", "pinned": false }, "subfolder": "cpu" },
            "provider": "cpu", "precision": "int4", "files": [{ "path": "genai_config.json" }],
            "contextLength": 4096, "memory": { "weightsBytes": 1000, "kvBytesPerToken": 10 },
            "capabilities": ["text"], "tokenizer": "llama2-phi3"
          }]
        }
        """;

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFoundNamingThePath()
    {
        var error = Assert.Throws<FileNotFoundException>(() => ModelCatalog.Load("/no/such/models.json"));

        Assert.Contains("/no/such/models.json", error.Message);
    }

    private sealed class CatalogFolder : IDisposable
    {
        private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("phi3-catalog-");

        public string Write(string name, string json)
        {
            var path = System.IO.Path.Combine(_folder.FullName, name);
            File.WriteAllText(path, json);
            return path;
        }

        public void Dispose() => _folder.Delete(recursive: true);
    }
}
