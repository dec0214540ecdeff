using System.Text;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tools;

/// <summary>
/// Rewrites a chat history so it holds only text Phi-3 can read: assistant <see cref="FunctionCallContent"/> becomes
/// the call text the model would have written, and <see cref="FunctionResultContent"/> (tool messages) becomes a user
/// turn of result blocks. Extra system text (tool and format instructions) is added to the first system message.
/// A message that is rebuilt from its text (a tool message, or one with calls or results) may hold nothing else: an
/// image or other content there is refused rather than dropped. Images in other messages are left for the prompt
/// builder, which takes them in user messages of a vision model and refuses them elsewhere.
/// </summary>
internal static class ToolHistoryRenderer
{
    /// <summary>Rewrites <paramref name="messages"/>; messages without tool content are passed through unchanged.</summary>
    /// <param name="messages">The history.</param>
    /// <param name="systemAddition">Text to append to the system prompt, or <see langword="null"/>.</param>
    /// <returns>A new list; the input is not modified.</returns>
    /// <exception cref="ArgumentException">A message is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">A tool message, or a message with function calls or results, holds an image or other content that is not text.</exception>
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
            if (hasCalls || hasResults || message.Role == ChatRole.Tool)
            {
                EnsureOnlyText(message, hasCalls || hasResults);
            }

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
                // Its contents are kept (the addition is one more text run), so that the prompt builder sees all of them.
                var original = result[system];
                result[system] = new ChatMessage(ChatRole.System, [.. original.Contents, new TextContent("\n\n" + systemAddition)]) { AuthorName = original.AuthorName, MessageId = original.MessageId };
            }
            else
            {
                result.Insert(0, new ChatMessage(ChatRole.System, systemAddition));
            }
        }

        return result;
    }

    /// <summary>Refuses a message that is rebuilt from its text when it holds anything the rebuild would lose.</summary>
    private static void EnsureOnlyText(ChatMessage message, bool toolContent)
    {
        foreach (var content in message.Contents)
        {
            if (content is TextContent or FunctionCallContent or FunctionResultContent or UsageContent)
            {
                continue;
            }

            string what = toolContent ? $"a {message.Role.Value} message with function calls or results" : $"a {message.Role.Value} message";
            if (Vision.ImageContentReader.IsImage(content))
            {
                string image = content is DataContent data ? $"a DataContent image ({data.MediaType})" : $"a UriContent image ({((UriContent)content).MediaType})";
                throw new NotSupportedException(
                    $"{Capitalized(what)} holds {image}; Phi-3 has no tool role (function calls and results are sent as text) and Phi-3-vision takes images in user messages only. Send the image in a user message of its own, without function calls or results.");
            }

            throw new NotSupportedException($"{Capitalized(what)} holds {content.GetType().Name}, which Phi-3 cannot take there; send text, function calls and function results only.");
        }
    }

    private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private static void AppendLine(StringBuilder text, string line)
    {
        if (text.Length > 0)
        {
            text.Append('\n');
        }

        text.Append(line);
    }
}
