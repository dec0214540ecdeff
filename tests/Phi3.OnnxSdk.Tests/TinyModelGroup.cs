namespace Phi3.OnnxSdk.Tests;

/// <summary>Tests that share <see cref="TinyModelFixture"/> (run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class TinyModelGroup : ICollectionFixture<TinyModelFixture>
{
    public const string Name = "tiny model";
}
