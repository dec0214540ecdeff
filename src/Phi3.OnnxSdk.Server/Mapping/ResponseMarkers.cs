using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Server.Mapping;

/// <summary>
/// The <see cref="Phi3ChatResponseKeys"/> an answer carries: a tool call left out or returned with schema violations, a
/// cut-off call, JSON that breaks the response format. OpenAI's wire format has no place for them, so the endpoints log
/// them. Stateless and thread-safe.
/// </summary>
internal static class ResponseMarkers
{
    private static readonly string[] s_keys = [Phi3ChatResponseKeys.InvalidToolCalls, Phi3ChatResponseKeys.IncompleteToolCall, Phi3ChatResponseKeys.ResponseFormatViolations];

    /// <summary>
    /// Adds to <paramref name="found"/> the marker keys present in <paramref name="properties"/>, and
    /// <see cref="Phi3ChatResponseKeys.InvalidToolCalls"/> for a call of <paramref name="contents"/> returned with its
    /// schema violations (<see cref="FunctionCallContent.Exception"/>, <see cref="Phi3InvalidToolCalls.Return"/>).
    /// </summary>
    public static void Collect(AdditionalPropertiesDictionary? properties, IEnumerable<AIContent> contents, ISet<string> found)
    {
        foreach (string key in s_keys)
        {
            if (properties?.ContainsKey(key) == true)
            {
                found.Add(key);
            }
        }

        if (contents.OfType<FunctionCallContent>().Any(c => c.Exception is not null))
        {
            found.Add(Phi3ChatResponseKeys.InvalidToolCalls);
        }
    }

    /// <summary>The marker keys of a whole response (its own properties and its messages').</summary>
    public static SortedSet<string> Of(ChatResponse response)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        Collect(response.AdditionalProperties, [], found);
        foreach (var message in response.Messages)
        {
            Collect(message.AdditionalProperties, message.Contents, found);
        }

        return found;
    }
}
