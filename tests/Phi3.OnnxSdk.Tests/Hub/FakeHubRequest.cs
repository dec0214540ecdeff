namespace Phi3.OnnxSdk.Tests.Hub;

/// <summary>One request the fake hub received.</summary>
internal sealed record FakeHubRequest(string Method, bool Cdn, string Target, string? Range, string? Authorization, string? FilePath)
{
    /// <summary>Gets when the request's head was read, since the fake hub started (for failure messages about timing).</summary>
    public TimeSpan At { get; init; }
}
