namespace Phi3.OnnxSdk.Server.Protocol;

/// <summary>One server-sent event of a streamed completion (<c>object: chat.completion.chunk</c>).</summary>
internal sealed class ChatCompletionChunk
{
    public required string Id { get; init; }

    public string Object { get; init; } = "chat.completion.chunk";

    public required long Created { get; init; }

    public required string Model { get; init; }

    public required IReadOnlyList<ChatCompletionChunkChoice> Choices { get; init; }

    /// <summary>Gets the usage: only on the last chunk (whose choices are empty), and only when the request asked for it.</summary>
    public CompletionUsage? Usage { get; init; }
}
