using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Tests.Hardware;
using Phi3.OnnxSdk.Hub;
using Phi3.OnnxSdk.Provisioning;
using Phi3.OnnxSdk.SyntheticModels;
using Phi3.OnnxSdk.Tests.Hub;
using Phi3.OnnxSdk.Tests.Resolution;

namespace Phi3.OnnxSdk.Tests.Provisioning;

public sealed class Phi3ModelProvisionerTests
{
    private const string RepoId = "contoso/phi3-synthetic-onnx";
    private const string Subfolder = "cpu_and_mobile/tiny";

    [Fact]
    public async Task CreateChatClientAsync_ModelPath_LoadsThatFolderAndAnswers()
    {
        var stages = new List<Phi3SetupStage>();
        var options = new Phi3Options { ModelPath = TestModelCache.GetOrBuild("tiny") };
        options.ChatClient.MaxOutputTokens = 5;

        using var client = await Phi3ModelProvisioner.CreateChatClientAsync(options, new SyncProgress<Phi3SetupProgress>(p => stages.Add(p.Stage)));
        var response = await client.GetResponseAsync("Hello");

        Assert.Equal(5, response.Usage!.OutputTokenCount);
        Assert.Equal([Phi3SetupStage.Loading, Phi3SetupStage.Ready], stages);
        Assert.Equal(Path.GetFullPath(options.ModelPath), client.Model.ModelPath);
    }

    [Fact]
    public async Task CreateChatClientAsync_ResolvedFromTheHub_DownloadsOnceLoadsAndAnswers()
    {
        await using var hub = new FakeHub();
        SyntheticHubModel.Publish(hub, RepoId, Subfolder);

        using var cache = new TempDirectory();
        string catalogPath = Path.Combine(cache.Path, "catalog.json");
        File.WriteAllText(catalogPath, SyntheticHubModel.Catalog("phi3-synthetic", SyntheticHubModel.HubSource(RepoId, Subfolder)));
        var options = new Phi3Options
        {
            CatalogPath = catalogPath,
            Hub = new HubClientOptions { Endpoint = hub.Endpoint, CacheDirectory = Path.Combine(cache.Path, "hub"), Offline = false },
        };
        options.ChatClient.MaxOutputTokens = 4;
        var reports = new List<Phi3SetupProgress>();
        var probe = new FixedHardwareProbe(FakeMachines.Get("no-gpu"));

        using (var client = await Phi3ModelProvisioner.CreateChatClientAsync(options, new SyncProgress<Phi3SetupProgress>(reports.Add), hardwareProbe: probe))
        {
            var response = await client.GetResponseAsync("Hi there");
            Assert.Equal(4, response.Usage!.OutputTokenCount);
            Assert.Contains(Path.Combine("models--contoso--phi3-synthetic-onnx", "snapshots"), client.Model.ModelPath, StringComparison.Ordinal);
        }

        var resolving = reports.Where(r => r.Stage == Phi3SetupStage.Resolving).Select(r => r.Message).ToList();
        Assert.True(resolving.Exists(m => m.Contains("cpu-tiny", StringComparison.Ordinal)), string.Join(" | ", resolving));
        Assert.Contains(reports, r => r.Stage == Phi3SetupStage.Downloading && r.Download is { TotalBytes: > 30_000_000 });
        int weightGets = hub.CountGets($"{Subfolder}/model.onnx");
        long weightBytes = new FileInfo(Path.Combine(TestModelCache.GetOrBuild("tiny"), "model.onnx")).Length;
        Assert.Equal(weightBytes, hub.BytesServedFor($"{Subfolder}/model.onnx")); // fetched once (on one connection, or in ranges on several)

        var again = await Phi3ModelProvisioner.PrepareAsync(options, hardwareProbe: probe);
        Assert.Equal(0, again.BytesDownloaded);
        Assert.Equal(weightGets, hub.CountGets($"{Subfolder}/model.onnx"));
        Assert.Equal("phi3-synthetic/cpu-tiny", again.Resolution!.Variant.Id);
        Assert.Null(options.Hub.Logger); // the caller's options are left as they were
    }

    [Fact]
    public async Task CreateChatClientAsync_SnapshotCopiedThenOfflineWithoutBlobs_LoadsFromTheCopies()
    {
        await using var hub = new FakeHub();
        SyntheticHubModel.Publish(hub, RepoId, Subfolder);
        using var cache = new TempDirectory();
        string catalogPath = Path.Combine(cache.Path, "catalog.json");
        File.WriteAllText(catalogPath, SyntheticHubModel.Catalog("phi3-synthetic", SyntheticHubModel.HubSource(RepoId, Subfolder)));
        string hubCache = Path.Combine(cache.Path, "hub");
        var probe = new FixedHardwareProbe(FakeMachines.Get("no-gpu"));
        var online = new Phi3Options
        {
            CatalogPath = catalogPath,
            Hub = new HubClientOptions { Endpoint = hub.Endpoint, CacheDirectory = hubCache, Offline = false, UseSymbolicLinks = false },
        };

        var prepared = await Phi3ModelProvisioner.PrepareAsync(online, hardwareProbe: probe);

        Assert.All(SyntheticHubModel.Files, f => Assert.Null(new FileInfo(Path.Combine(prepared.Folder, f)).LinkTarget));

        // Without the blobs, only the snapshot's own copies can serve the model.
        Directory.Delete(Path.Combine(hubCache, "models--contoso--phi3-synthetic-onnx", "blobs"), recursive: true);
        var offline = new Phi3Options
        {
            CatalogPath = catalogPath,
            Hub = new HubClientOptions { Endpoint = FakeHub.ClosedEndpoint(), CacheDirectory = hubCache, Offline = true },
        };
        offline.ChatClient.MaxOutputTokens = 3;
        int requests = hub.Requests.Count;

        using var client = await Phi3ModelProvisioner.CreateChatClientAsync(offline, hardwareProbe: probe);

        Assert.Equal(3, (await client.GetResponseAsync("Hello")).Usage!.OutputTokenCount);
        Assert.Equal(prepared.Folder, client.Model.ModelPath);
        Assert.Equal(requests, hub.Requests.Count);
    }

    [Fact]
    public async Task PrepareAsync_LocalCatalogEntry_UsesItsFolderWithoutDownloading()
    {
        using var temp = new TempDirectory();
        string tiny = TestModelCache.GetOrBuild("tiny");
        string catalogPath = Path.Combine(temp.Path, "catalog.json");
        File.WriteAllText(catalogPath, SyntheticHubModel.Catalog("phi3-synthetic", SyntheticHubModel.LocalSource(tiny)));

        var prepared = await Phi3ModelProvisioner.PrepareAsync(new Phi3Options { CatalogPath = catalogPath }, hardwareProbe: new FixedHardwareProbe(FakeMachines.Get("no-gpu")));

        Assert.Equal(tiny, prepared.Folder);
        Assert.Equal(0, prepared.BytesDownloaded);
        Assert.Contains("cpu", prepared.Resolution!.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ModelIdOf_DefaultOptionsOverACatalog_IsTheFamilyBeforeAndAfterTheLoadAndInResponses()
    {
        using var temp = new TempDirectory();
        string catalogPath = Path.Combine(temp.Path, "catalog.json");
        File.WriteAllText(catalogPath, SyntheticHubModel.Catalog("phi3-synthetic", SyntheticHubModel.LocalSource(TestModelCache.GetOrBuild("tiny"))));
        var options = new Phi3Options { CatalogPath = catalogPath };
        options.ChatClient.MaxOutputTokens = 2;
        using var lazy = new Phi3LazyChatClient(options, hardwareProbe: new FixedHardwareProbe(FakeMachines.Get("no-gpu")));

        string? before = lazy.GetService<ChatClientMetadata>()?.DefaultModelId;
        var loaded = await lazy.GetClientAsync();
        var response = await lazy.GetResponseAsync("hi");

        Assert.Equal("phi3-synthetic", before);
        Assert.Equal(before, Phi3ModelProvisioner.ModelIdOf(options));
        Assert.Equal(before, lazy.GetService<ChatClientMetadata>()?.DefaultModelId);
        Assert.Equal(before, loaded.GetService<ChatClientMetadata>()?.DefaultModelId);
        Assert.Equal(before, response.ModelId);
        Assert.Equal(2, response.Usage?.OutputTokenCount);
        Assert.Null(options.ChatClient.ModelId);
    }

    [Fact]
    public void ModelIdOf_EachSource_TheConfiguredIdThenTheFolderThenTheRemoteModelThenTheFamily()
    {
        var endpoint = new Uri("http://127.0.0.1:9/v1");

        Assert.Equal("mine", Phi3ModelProvisioner.ModelIdOf(new Phi3Options { ModelPath = "/models/tiny", ChatClient = { ModelId = "mine" } }));
        Assert.Equal("tiny", Phi3ModelProvisioner.ModelIdOf(new Phi3Options { ModelPath = "/models/tiny/" }));
        Assert.Equal("served-phi3", Phi3ModelProvisioner.ModelIdOf(new Phi3Options { Model = "phi-3-mini", Remote = { Endpoint = endpoint, Model = "served-phi3" } }));
        Assert.Equal("phi-3-small-128k-instruct", Phi3ModelProvisioner.ModelIdOf(new Phi3Options { Model = "phi-3-small-128k-instruct", Placement = OnnxSdk.Resolution.Phi3Placement.LocalFirst, Remote = { Endpoint = endpoint } }));
        Assert.Equal(OnnxSdk.Catalog.ModelCatalog.DefaultFamilyId, Phi3ModelProvisioner.ModelIdOf(null));
        Assert.Equal(OnnxSdk.Catalog.ModelCatalog.DefaultFamilyId, Phi3ModelProvisioner.ModelIdOf(new Phi3Options { CatalogPath = "/no/such/catalog.json" }));
    }

    [Fact]
    public async Task PrepareAsync_UnknownProvider_ThrowsNamingIt()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Phi3ModelProvisioner.PrepareAsync(new Phi3Options { Provider = "tpu" }, hardwareProbe: new FixedHardwareProbe(FakeMachines.Get("no-gpu"))));
        Assert.Contains("'tpu'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateChatClientAsync_MissingModelPath_ThrowsPhi3ModelException()
    {
        string missing = Path.Combine(Path.GetTempPath(), "phi3-no-such-model-" + Guid.NewGuid().ToString("N"));

        var ex = await Assert.ThrowsAsync<Phi3ModelException>(() => Phi3ModelProvisioner.CreateChatClientAsync(new Phi3Options { ModelPath = missing }));
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateChatClientAsync_MissingModelPathWithForcedProvider_ThrowsPhi3ModelException()
    {
        string missing = Path.Combine(Path.GetTempPath(), "phi3-no-such-model-" + Guid.NewGuid().ToString("N"));

        var ex = await Assert.ThrowsAsync<Phi3ModelException>(() => Phi3ModelProvisioner.CreateChatClientAsync(new Phi3Options { ModelPath = missing, Provider = "cpu" }));
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateChatClientAsync_ModelPathWithForcedCpu_LoadsThroughTheProviderFactory()
    {
        var options = new Phi3Options { ModelPath = TestModelCache.GetOrBuild("tiny"), Provider = "cpu" };
        options.ChatClient.MaxOutputTokens = 3;

        using var client = await Phi3ChatClient.CreateAsync(options);

        Assert.Equal(3, (await client.GetResponseAsync("Hi")).Usage!.OutputTokenCount);
    }
}
