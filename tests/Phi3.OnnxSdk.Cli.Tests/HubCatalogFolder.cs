using Phi3.OnnxSdk.Tests.Hub;

namespace Phi3.OnnxSdk.Cli.Tests;

/// <summary>
/// A temporary folder holding a catalog whose one entry is the synthetic model on a <see cref="FakeHub"/>, an empty
/// hub cache, and the environment that points <c>phi3</c> at that hub; deleted on dispose.
/// </summary>
internal sealed class HubCatalogFolder : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("phi3-cli-download-").FullName;

    public HubCatalogFolder(FakeHub hub, string repoId, string subfolder)
    {
        Catalog = Path.Combine(_root, "catalog.json");
        File.WriteAllText(Catalog, SyntheticHubModel.Catalog("phi3-synthetic", SyntheticHubModel.HubSource(repoId, subfolder)));
        Cache = Path.Combine(_root, "hub");
        Online = new Dictionary<string, string?> { ["HF_ENDPOINT"] = hub.Endpoint.ToString(), ["HF_HUB_OFFLINE"] = null };
    }

    /// <summary>Gets the catalog file (<c>--catalog</c>).</summary>
    public string Catalog { get; }

    /// <summary>Gets the hub cache folder (<c>--cache-dir</c>).</summary>
    public string Cache { get; }

    /// <summary>Gets the environment for a process that reaches the fake hub.</summary>
    public Dictionary<string, string?> Online { get; }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
