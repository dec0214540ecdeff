using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>
/// The client path from image bytes to the first generated token: <see cref="Phi3ChatClient.GetStreamingResponseAsync"/>
/// with a <see cref="DataContent"/> image (the SDK's header check, decode and PNG re-encode, prompt ids, processor and
/// prefill) until the first update, with one output token. The pair of <see cref="RawVisionFirstToken"/>.
/// </summary>
internal static class ClientVisionFirstToken
{
    /// <summary>The question after the image: the text of the raw path's prompt.</summary>
    public const string Question = "Describe the picture.";

    /// <summary>Runs the client path once and times it; <paramref name="client"/> keeps no KV session (reuse off).</summary>
    public static async Task<(TimeSpan FirstToken, long InputTokens, int Token)> MeasureAsync(Phi3ChatClient client, byte[] image)
    {
        ChatMessage[] messages = [new(ChatRole.User, [new DataContent(image, "image/png"), new TextContent(Question)])];
        var options = new ChatOptions { MaxOutputTokens = 1 };
        var watch = Stopwatch.StartNew();
        TimeSpan first = TimeSpan.Zero;
        long inputTokens = 0;
        int token = -1;
        await foreach (var update in client.GetStreamingResponseAsync(messages, options).ConfigureAwait(false))
        {
            if (first == TimeSpan.Zero)
            {
                first = watch.Elapsed;
            }

            if (update.RawRepresentation is int[] { Length: > 0 } ids && token < 0)
            {
                token = ids[0];
            }

            if (update.Contents.OfType<UsageContent>().FirstOrDefault() is { } usage)
            {
                inputTokens = usage.Details.InputTokenCount ?? 0;
            }
        }

        return (first, inputTokens, token);
    }
}
