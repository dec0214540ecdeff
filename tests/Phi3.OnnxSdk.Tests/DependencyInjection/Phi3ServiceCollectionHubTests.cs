using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Phi3.OnnxSdk.Hardware;
using Phi3.OnnxSdk.SyntheticModels;
using Phi3.OnnxSdk.Tests.Hardware;
using Phi3.OnnxSdk.Tests.Hub;
using Phi3.OnnxSdk.Tests.Resolution;

namespace Phi3.OnnxSdk.Tests.DependencyInjection;

/// <summary>The DI path through the resolver and the downloader (a loopback fake hub): what reaches the container's ILogger.</summary>
public sealed class Phi3ServiceCollectionHubTests : IDisposable
{
    private const string RepoId = "contoso/phi3-di-onnx";
    private const string Subfolder = "cpu/tiny";

    private readonly CapturingLoggerProvider _logs = new();

    [Fact]
    public async Task AddPhi3ChatClient_ResolvedAndDownloaded_LogsDecisionDownloadProgressAndLoadTime()
    {
        await using var hub = new FakeHub();
        SyntheticHubModel.Publish(hub, RepoId, Subfolder);

        using var cache = new TempDirectory();
        string catalogPath = Path.Combine(cache.Path, "catalog.json");
        File.WriteAllText(catalogPath, SyntheticHubModel.Catalog("phi3-di", SyntheticHubModel.HubSource(RepoId, Subfolder)));
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Information));
        services.AddSingleton<IHardwareProbe>(new FixedHardwareProbe(FakeMachines.Get("no-gpu")));
        services.AddPhi3ChatClient(o =>
        {
            o.CatalogPath = catalogPath;
            o.Hub.Endpoint = hub.Endpoint;
            o.Hub.CacheDirectory = Path.Combine(cache.Path, "hub");
            o.Hub.Offline = false;
            o.ChatClient.MaxOutputTokens = 2;
        });
        await using var provider = services.BuildServiceProvider();

        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("Hi");

        Assert.Equal(2, response.Usage!.OutputTokenCount);
        var messages = _logs.From("Phi3LazyChatClient").Select(e => e.Message).ToList();
        string all = string.Join(Environment.NewLine, messages);
        Assert.Contains(messages, m => m.StartsWith("Phi-3 variant: ", StringComparison.Ordinal) && m.Contains("cpu-tiny", StringComparison.Ordinal));
        Assert.True(messages.Exists(m => m.StartsWith("Downloading the Phi-3 model: 100%", StringComparison.Ordinal)), all);
        Assert.True(messages.Count(m => m.StartsWith("Downloading the Phi-3 model: ", StringComparison.Ordinal)) <= 11, all);
        Assert.Contains(messages, m => m.StartsWith("Loaded the Phi-3 model", StringComparison.Ordinal));
    }

    public void Dispose() => _logs.Dispose();
}
