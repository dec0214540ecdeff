using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Server.Tests;

/// <summary>The synthetic tiny model, loaded once for a test class; each test makes its own cheap client over it.</summary>
public sealed class TinyModel : IDisposable
{
    public string Folder { get; } = TestModelCache.GetOrBuild("tiny");

    public string ModelId => Path.GetFileName(Folder);

    public Phi3Model Model { get; } = new(TestModelCache.GetOrBuild("tiny"));

    public void Dispose() => Model.Dispose();
}
