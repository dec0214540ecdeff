namespace Phi3.OnnxSdk.Server.Protocol;

/// <summary>The answer of <c>GET /health</c>: <c>ok</c>, <c>loading</c> or <c>error</c>, with the model and any load error.</summary>
internal sealed class HealthStatus
{
    public required string Status { get; init; }

    public string? Model { get; init; }

    public string? Error { get; init; }
}
