using System.Security.Cryptography;

namespace Phi3.OnnxSdk.Tests.Hub;

/// <summary>A model repository served by <see cref="FakeHub"/>: one commit, branches pointing at it, files.</summary>
internal sealed class FakeHubRepo
{
    public FakeHubRepo(string id)
    {
        Id = id;
        Commit = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        Branches["main"] = Commit;
    }

    public string Id { get; }

    public string Commit { get; }

    public Dictionary<string, string> Branches { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, FakeHubFile> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>Extra paths the tree listing names (without serving them), e.g. <c>../escape</c>.</summary>
    public List<string> ExtraListedPaths { get; } = [];

    /// <summary>When set, requests must carry <c>Authorization: Bearer {token}</c> or get 401.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>When true, every resolve answers 403 with X-Error-Code GatedRepo.</summary>
    public bool Gated { get; set; }

    public FakeHubFile AddFile(string path, byte[] content, bool lfs = true)
    {
        var file = new FakeHubFile(path, content, lfs);
        Files[path] = file;
        return file;
    }

    public FakeHubFile AddRandomFile(string path, int size, bool lfs = true, int seed = 0) =>
        AddFile(path, FakeHub.RandomBytes(size, seed == 0 ? path.GetHashCode(StringComparison.Ordinal) : seed), lfs);

    public string? ResolveRevision(string revision) =>
        Branches.TryGetValue(revision, out var commit) ? commit : revision == Commit ? Commit : null;
}
