using Phi3.OnnxSdk.Catalog;
using Phi3.OnnxSdk.Runtime;

namespace Phi3.OnnxSdk.Tests.Runtime;

public sealed class GenAIConfigFactoryTests : IDisposable
{
    private const string GenAIConfig = """
        {"model": {"type": "phi3", "decoder": {"session_options": {"provider_options": [
          {"cuda": {"enable_cuda_graph": "0", "arena_extend_strategy": "kSameAsRequested"}},
          {"dml": {"device_id": "1"}}
        ]}}}}
        """;

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("phi3-config-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void Plan_Cuda_OrdersFolderThenCatalogThenCallerOptions()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "genai_config.json"), GenAIConfig);
        var catalog = new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["cuda"] = new Dictionary<string, string> { ["enable_cuda_graph"] = "1" },
            ["dml"] = new Dictionary<string, string> { ["device_id"] = "7" },
        };

        var plan = GenAIConfigFactory.Plan(_folder.FullName, ExecutionProvider.Cuda, catalog, new Dictionary<string, string> { ["device_id"] = "2" });

        Assert.Equal("cuda", plan.ProviderName);
        Assert.Equal(
            [new("enable_cuda_graph", "0"), new("arena_extend_strategy", "kSameAsRequested"), new("enable_cuda_graph", "1"), new KeyValuePair<string, string>("device_id", "2")],
            plan.Options);
    }

    [Fact]
    public void Plan_DirectML_TakesOnlyTheDmlOptions()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "genai_config.json"), GenAIConfig);

        var plan = GenAIConfigFactory.Plan(_folder.FullName, ExecutionProvider.DirectML, null, null);

        Assert.Equal("dml", plan.ProviderName);
        Assert.Equal([new KeyValuePair<string, string>("device_id", "1")], plan.Options);
    }

    [Fact]
    public void Plan_Cpu_LeavesTheProviderListEmpty()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "genai_config.json"), GenAIConfig);

        var plan = GenAIConfigFactory.Plan(_folder.FullName, ExecutionProvider.Cpu, null, null);

        Assert.Null(plan.ProviderName);
        Assert.Empty(plan.Options);
    }

    [Fact]
    public void Plan_CpuWithOptions_Throws()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "genai_config.json"), GenAIConfig);

        Assert.Throws<ArgumentException>(() => GenAIConfigFactory.Plan(_folder.FullName, ExecutionProvider.Cpu, null, new Dictionary<string, string> { ["x"] = "1" }));
    }

    [Fact]
    public void Create_MissingFolder_ThrowsNamingIt()
    {
        var missing = Path.Combine(_folder.FullName, "nope");

        var error = Assert.Throws<DirectoryNotFoundException>(() => GenAIConfigFactory.Create(missing, ExecutionProvider.Cpu));

        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void Create_FolderWithoutGenAIConfig_ThrowsFileNotFound()
    {
        var error = Assert.Throws<FileNotFoundException>(() => GenAIConfigFactory.Create(_folder.FullName, ExecutionProvider.Cpu));

        Assert.Contains("genai_config.json", error.Message);
    }

    [Fact]
    public void Create_BrokenGenAIConfig_ThrowsInvalidData()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "genai_config.json"), "{ not json");

        var error = Assert.Throws<InvalidDataException>(() => GenAIConfigFactory.Create(_folder.FullName, ExecutionProvider.Cuda));

        Assert.Contains("genai_config.json", error.Message);
    }
}
