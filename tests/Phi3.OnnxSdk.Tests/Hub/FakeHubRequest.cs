namespace Phi3.OnnxSdk.Tests.Hub;

/// <summary>One request the fake hub received.</summary>
internal sealed record FakeHubRequest(string Method, bool Cdn, string Target, string? Range, string? Authorization, string? FilePath);
