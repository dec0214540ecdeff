using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Chat;

/// <summary>Turns a generation event into the <see cref="ChatResponseUpdate"/> a caller receives. Stateless and thread-safe.</summary>
internal static class ChatUpdateFactory
{
    public static ChatResponseUpdate ToUpdate(GenerationRequest request, GenerationEvent item)
    {
        var update = new ChatResponseUpdate
        {
            Role = ChatRole.Assistant,
            ResponseId = request.ResponseId,
            MessageId = request.MessageId,
            CreatedAt = request.CreatedAt,
            ModelId = request.ModelId,
            RawRepresentation = item.TokenIds,
        };
        if (item.Text.Length > 0)
        {
            update.Contents.Add(new TextContent(item.Text));
        }

        if (item.Calls is { } calls)
        {
            foreach (var call in calls)
            {
                update.Contents.Add(call);
            }
        }

        if (item.IncompleteCall is { } incomplete)
        {
            (update.AdditionalProperties ??= [])[Phi3ChatResponseKeys.IncompleteToolCall] = incomplete;
        }

        if (item.InvalidCalls is { } invalid)
        {
            (update.AdditionalProperties ??= [])[Phi3ChatResponseKeys.InvalidToolCalls] = invalid;
        }

        if (item.FormatViolations is { } violations)
        {
            (update.AdditionalProperties ??= [])[Phi3ChatResponseKeys.ResponseFormatViolations] = violations;
        }

        if (item.IsFinal)
        {
            update.FinishReason = item.FinishReason;
            update.Contents.Add(new UsageContent(new UsageDetails
            {
                InputTokenCount = item.InputTokens,
                OutputTokenCount = item.OutputTokens,
                TotalTokenCount = item.InputTokens + item.OutputTokens,
            }));
        }

        return update;
    }
}
