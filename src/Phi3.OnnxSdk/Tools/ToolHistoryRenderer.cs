using System.Text;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tools;

/// <summary>
/// Rewrites a chat history so it holds only text Phi-3 can read: assistant <see cref="FunctionCallContent"/> becomes
/// the call text the model would have written, and <see cref="FunctionResultContent"/> (tool messages) becomes a user
/// turn of result blocks. Extra system text (tool and format instructions) is added to the first system message.
/// </summary>
internal static class ToolHistoryRenderer
{
    /// <summary>Rewrites <paramref name="messages"/>; messages without tool content are passed through unchanged.</summary>
    /// <param name="messages">The history.</param>
    /// <param name="systemAddition">Text to append to the system prompt, or <see langword="null"/>.</param>
    /// <returns>A new list; the input is not modified.</returns>
    /// <exception cref="ArgumentException">A message is <see langword="null"/>.</exception>
    public static List<ChatMessage> Rewrite(IEnumerable<ChatMessage> messages, string? systemAddition)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var result = new List<ChatMessage>();
        bool previousWasResults = false;
        foreach (var message in messages)
        {
            if (message is null)
            {
                throw new ArgumentException("The messages contain a null entry.", nameof(messages));
            }

            bool hasCalls = message.Contents.Any(c => c is FunctionCallContent);
            bool hasResults = message.Contents.Any(c => c is FunctionResultContent);
            if (!hasCalls && !hasResults)
            {
                result.Add(message.Role == ChatRole.Tool ? new ChatMessage(ChatRole.User, message.Text) : message);
                previousWasResults = false;
                continue;
            }

            var text = new StringBuilder(message.Text);
            if (hasCalls)
            {
                var calls = message.Contents.OfType<FunctionCallContent>().ToList();
                foreach (var call in calls)
                {
                    names[call.CallId] = call.Name;
                }

                AppendLine(text, ToolPromptRenderer.RenderCalls(calls));
            }

            if (hasResults)
            {
                AppendLine(text, ToolPromptRenderer.RenderResults(
                    message.Contents.OfType<FunctionResultContent>(), id => names.GetValueOrDefault(id)));
            }

            if (hasResults && previousWasResults)
            {
                // Results of parallel calls sent as separate tool messages share one user turn.
                result[^1] = new ChatMessage(ChatRole.User, result[^1].Text + "\n" + text);
                continue;
            }

            // Phi-3 has no tool role: results go back as a user turn.
            result.Add(new ChatMessage(hasResults ? ChatRole.User : message.Role, text.ToString()) { AuthorName = message.AuthorName, MessageId = message.MessageId });
            previousWasResults = hasResults;
        }

        if (!string.IsNullOrEmpty(systemAddition))
        {
            int system = result.FindIndex(m => m.Role == ChatRole.System);
            if (system >= 0)
            {
                result[system] = new ChatMessage(ChatRole.System, result[system].Text + "\n\n" + systemAddition);
            }
            else
            {
                result.Insert(0, new ChatMessage(ChatRole.System, systemAddition));
            }
        }

        return result;
    }

    private static void AppendLine(StringBuilder text, string line)
    {
        if (text.Length > 0)
        {
            text.Append('\n');
        }

        text.Append(line);
    }
}
