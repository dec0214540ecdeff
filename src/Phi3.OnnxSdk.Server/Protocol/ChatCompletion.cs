namespace Phi3.OnnxSdk.Server.Protocol;

/// <summary>A non-streaming chat completion (<c>object: chat.completion</c>).</summary>
internal sealed class ChatCompletion
{
    public required string Id { get; init; }

    public string Object { get; init; } = "chat.completion";

    public required long Created { get; init; }

    public required string Model { get; init; }

    public required IReadOnlyList<ChatCompletionChoice> Choices { get; init; }

    public CompletionUsage? Usage { get; init; }
}
