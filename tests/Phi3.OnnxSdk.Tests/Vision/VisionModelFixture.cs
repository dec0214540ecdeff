using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Tests.Vision;

/// <summary>The synthetic tiny-vision (phi3v) model, loaded once for a test class.</summary>
public sealed class VisionModelFixture : IDisposable
{
    public VisionModelFixture()
    {
        Folder = TestModelCache.GetOrBuild("tiny-vision");
        Model = new Phi3Model(Folder);
    }

    public string Folder { get; }

    public Phi3Model Model { get; }

    public void Dispose() => Model.Dispose();
}
