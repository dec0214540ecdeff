namespace Phi3.OnnxSdk.Tests.Tools;

/// <summary>Tests that share the loaded synthetic model run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class SyntheticModelGroup : ICollectionFixture<SyntheticModelFixture>
{
    public const string Name = "Synthetic model";
}
