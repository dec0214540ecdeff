using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Server.Mapping;

/// <summary>A chat-completions request mapped to Microsoft.Extensions.AI types.</summary>
/// <param name="Model">The requested model, or <see langword="null"/> when the request names none.</param>
/// <param name="Messages">The conversation.</param>
/// <param name="Options">The options (sampling, limits, stop, tools, response format).</param>
/// <param name="Stream">Whether to answer with server-sent events.</param>
/// <param name="IncludeUsage">Whether a stream ends with a usage chunk (<c>stream_options.include_usage</c>).</param>
/// <param name="UnknownFields">The top-level fields this server does not know, ignored (newer OpenAI clients send new ones).</param>
internal sealed record ChatCompletionRequest(string? Model, List<ChatMessage> Messages, ChatOptions Options, bool Stream, bool IncludeUsage, IReadOnlyList<string> UnknownFields);
