namespace Phi3.OnnxSdk.Server.Protocol;

/// <summary>One served model in <c>GET /v1/models</c>.</summary>
internal sealed class ModelCard
{
    public required string Id { get; init; }

    public string Object { get; init; } = "model";

    public required long Created { get; init; }

    public required string OwnedBy { get; init; }
}
