using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Server.Protocol;

namespace Phi3.OnnxSdk.Server.Mapping;

/// <summary>
/// Turns a stream of <see cref="ChatResponseUpdate"/>s into OpenAI chunks: the role on the first chunk, one chunk per
/// text piece, tool calls as deltas with their index, then a chunk with an empty delta and the finish reason, then (when
/// asked for) a chunk with no choices and the usage. One instance per response; not thread-safe.
/// </summary>
internal sealed class ChatChunkMapper
{
    private readonly string _id;
    private readonly long _created;
    private readonly string _model;
    private readonly bool _includeUsage;
    private bool _roleSent;
    private int _calls;
    private ChatFinishReason? _finish;
    private UsageDetails? _usage;

    public ChatChunkMapper(string id, long created, string model, bool includeUsage)
    {
        _id = id;
        _created = created;
        _model = model;
        _includeUsage = includeUsage;
    }

    /// <summary>Gets the <see cref="Phi3ChatResponseKeys"/> the updates carried so far.</summary>
    public SortedSet<string> Markers { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the usage reported so far, or <see langword="null"/>.</summary>
    public CompletionUsage? Usage => ChatResponseMapper.ToUsage(_usage);

    /// <summary>Gets the finish reason the closing chunk carries.</summary>
    public string FinishReason => ChatResponseMapper.FinishReason(_finish, _calls > 0);

    /// <summary>The chunks for one update (none when it carries only the finish reason or usage).</summary>
    public IEnumerable<ChatCompletionChunk> Map(ChatResponseUpdate update)
    {
        _finish = update.FinishReason ?? _finish;
        ResponseMarkers.Collect(update.AdditionalProperties, update.Contents, Markers);
        string? text = null;
        List<ToolCall>? calls = null;
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 } piece:
                    text = text is null ? piece.Text : text + piece.Text;
                    break;
                case FunctionCallContent call:
                    (calls ??= []).Add(ChatResponseMapper.ToToolCall(call, _calls++));
                    break;
                case UsageContent usage:
                    _usage = usage.Details;
                    break;
            }
        }

        if (text is not null || calls is not null || !_roleSent)
        {
            yield return Chunk(new ChatCompletionDelta { Role = _roleSent ? null : "assistant", Content = text ?? (_roleSent ? null : string.Empty), ToolCalls = calls }, null);
            _roleSent = true;
        }
    }

    /// <summary>The closing chunks: the finish reason, then the usage when the request asked for it.</summary>
    public IEnumerable<ChatCompletionChunk> Complete()
    {
        yield return Chunk(new ChatCompletionDelta(), FinishReason);
        if (_includeUsage)
        {
            yield return new ChatCompletionChunk { Id = _id, Created = _created, Model = _model, Choices = [], Usage = ChatResponseMapper.ToUsage(_usage) ?? new CompletionUsage() };
        }
    }

    private ChatCompletionChunk Chunk(ChatCompletionDelta delta, string? finishReason) => new()
    {
        Id = _id,
        Created = _created,
        Model = _model,
        Choices = [new ChatCompletionChunkChoice { Delta = delta, FinishReason = finishReason }],
    };
}
