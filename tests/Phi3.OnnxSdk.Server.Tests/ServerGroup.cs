namespace Phi3.OnnxSdk.Server.Tests;

/// <summary>Tests that share <see cref="ServerFixture"/>'s server.</summary>
[CollectionDefinition(Name)]
public sealed class ServerGroup : ICollectionFixture<ServerFixture>
{
    public const string Name = "phi3 serve";
}
