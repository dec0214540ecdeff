namespace Phi3.OnnxSdk.Server.Protocol;

/// <summary>The answer of <c>GET /v1/models</c>.</summary>
internal sealed class ModelList
{
    public string Object { get; init; } = "list";

    public required IReadOnlyList<ModelCard> Data { get; init; }
}
