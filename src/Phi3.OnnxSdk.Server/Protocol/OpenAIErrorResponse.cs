namespace Phi3.OnnxSdk.Server.Protocol;

/// <summary>An error response (and the error event of a stream that fails after it started).</summary>
internal sealed class OpenAIErrorResponse
{
    public required OpenAIError Error { get; init; }
}
