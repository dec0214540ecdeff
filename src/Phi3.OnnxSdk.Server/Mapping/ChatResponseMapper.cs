using System.Text.Json;
using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Server.Protocol;

namespace Phi3.OnnxSdk.Server.Mapping;

/// <summary>Maps a Microsoft.Extensions.AI <see cref="ChatResponse"/> onto an OpenAI <c>chat.completion</c>.</summary>
internal static class ChatResponseMapper
{
    /// <summary>Tool-call arguments as OpenAI sends them: compact JSON (no indentation), non-ASCII text as it is.</summary>
    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo s_arguments = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions)
    {
        WriteIndented = false,
        Encoder = ProtocolJsonContext.WireEncoder,
    }.GetTypeInfo(typeof(IDictionary<string, object?>));

    public static Protocol.ChatCompletion ToCompletion(ChatResponse response, string id, long created, string model)
    {
        var contents = response.Messages.SelectMany(m => m.Contents).ToList();
        var calls = contents.OfType<FunctionCallContent>().Select((c, _) => ToToolCall(c, index: null)).ToList();
        string text = string.Concat(contents.OfType<TextContent>().Select(t => t.Text));
        return new Protocol.ChatCompletion
        {
            Id = id,
            Created = created,
            Model = model,
            Choices =
            [
                new ChatCompletionChoice
                {
                    Message = new ChatCompletionMessage
                    {
                        Content = calls.Count > 0 && text.Length == 0 ? null : text,
                        ToolCalls = calls.Count > 0 ? calls : null,
                    },
                    FinishReason = FinishReason(response.FinishReason, calls.Count > 0),
                },
            ],
            Usage = ToUsage(response.Usage) ?? new CompletionUsage(),
        };
    }

    /// <summary>OpenAI's finish reason: <c>stop</c>, <c>length</c>, <c>tool_calls</c> or <c>content_filter</c>.</summary>
    public static string FinishReason(ChatFinishReason? reason, bool hasCalls)
    {
        if (reason == ChatFinishReason.Length)
        {
            return "length";
        }

        if (reason == ChatFinishReason.ToolCalls || hasCalls)
        {
            return "tool_calls";
        }

        return reason == ChatFinishReason.ContentFilter ? "content_filter" : "stop";
    }

    public static ToolCall ToToolCall(FunctionCallContent call, int? index) => new()
    {
        Index = index,
        Id = call.CallId,
        Function = new Protocol.FunctionCall
        {
            Name = call.Name,
            Arguments = JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), s_arguments),
        },
    };

    public static CompletionUsage? ToUsage(UsageDetails? usage) => usage is null
        ? null
        : new CompletionUsage
        {
            PromptTokens = usage.InputTokenCount ?? 0,
            CompletionTokens = usage.OutputTokenCount ?? 0,
            TotalTokens = usage.TotalTokenCount ?? ((usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0)),
        };
}
