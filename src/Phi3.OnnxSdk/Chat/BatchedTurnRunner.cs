using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Runtime.Batching;

namespace Phi3.OnnxSdk.Chat;

/// <summary>
/// Runs one chat turn through an <see cref="IBatchScheduler"/>, with the same streaming contract as the client's
/// single-generator path: stop sequences are matched on the decoded text here (neither the batched generator nor the
/// CPU engine takes stop strings), end tokens are not streamed, and
/// cancellation ends the turn with <see cref="OperationCanceledException"/>.
/// </summary>
internal static class BatchedTurnRunner
{
    /// <summary>
    /// Whether a shared batch can serve <paramref name="settings"/>: no guidance, no seed and no n-gram ban (a batch shares
    /// one generator's search state, and the engine's static batching rejects them too).
    /// </summary>
    public static bool CanBatch(GenerationSettings settings) =>
        settings.GuidanceType is null
        && !settings.SearchNumbers.ContainsKey("random_seed")
        && !settings.SearchNumbers.ContainsKey("no_repeat_ngram_size");

    /// <summary>Maps the request's search options to batch sampling options; greedy turns (no sampling, or top_k 1) carry only the repetition penalty.</summary>
    public static BatchSamplingOptions ToSampling(GenerationSettings settings)
    {
        float? Number(string key) => settings.SearchNumbers.TryGetValue(key, out double value) ? (float)value : null;
        // top_k 1 is greedy whatever the temperature; greedy rows share a batch, and the engine rejects sampling options it would ignore.
        bool sample = settings.SearchFlags.GetValueOrDefault("do_sample") && settings.SearchNumbers.GetValueOrDefault("top_k", 0) != 1;
        return sample
            ? new BatchSamplingOptions
            {
                DoSample = true,
                Temperature = Number("temperature"),
                TopP = Number("top_p"),
                TopK = settings.SearchNumbers.TryGetValue("top_k", out double k) ? (int)k : null,
                RepetitionPenalty = Number("repetition_penalty"),
            }
            : new BatchSamplingOptions { DoSample = false, RepetitionPenalty = Number("repetition_penalty") };
    }

    /// <summary>Runs the turn on the calling (worker) thread, writing text and the final event to <paramref name="writer"/>.</summary>
    public static void Run(IBatchScheduler scheduler, Tokenizer tokenizer, object tokenizerLock, int contextLength, GenerationRequest request, ChannelWriter<GenerationEvent> writer, CancellationToken cancellationToken)
    {
        var settings = request.Settings;
        int[] prompt = request.Prompt;
        int maxNew = (int)Math.Min(settings.MaxOutputTokens, (long)contextLength - prompt.Length);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var generation = scheduler.Submit(new BatchRequest(prompt, maxNew, ToSampling(settings)), stop.Token);

        try
        {
            using (var decoder = new StreamingTextDecoder(tokenizer, tokenizerLock))
            {
                var matcher = new StopSequenceMatcher(settings.StopSequences);
                int generated = 0;
                var ids = new List<int>();
                ChatFinishReason? finish = null;
                var reader = generation.Tokens;
                try
                {
                    while (finish is null && reader.WaitToReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult())
                    {
                        while (reader.TryRead(out int token))
                        {
                            generated++;
                            ids.Add(token);
                            string text = matcher.Push(decoder.Decode(token));
                            if (text.Length > 0)
                            {
                                writer.TryWrite(new GenerationEvent(text, null, 0, 0, TokenIds: [.. ids]));
                                ids.Clear();
                            }

                            if (matcher.Stopped)
                            {
                                finish = ChatFinishReason.Stop;
                                stop.Cancel();
                                break;
                            }
                        }
                    }
                }
                catch (OperationCanceledException) when (finish is not null && !cancellationToken.IsCancellationRequested)
                {
                    // Our own cancel after a stop sequence matched.
                }

                if (finish is null)
                {
                    var reason = generation.Completion.GetAwaiter().GetResult();
                    finish = reason == BatchFinishReason.EndOfSequence ? ChatFinishReason.Stop : ChatFinishReason.Length;

                    // The single-generator path counts the end token it generated; a batch does not stream it.
                    generated += reason == BatchFinishReason.EndOfSequence ? 1 : 0;
                }

                cancellationToken.ThrowIfCancellationRequested();
                writer.TryWrite(new GenerationEvent(matcher.Flush(), finish, prompt.Length, generated, TokenIds: [.. ids]));
            }
        }
        finally
        {
            // Whatever ended this turn (the end, a stop sequence, an exception here), its row stops decoding; after a
            // normal end this does nothing.
            stop.Cancel();
        }
    }
}
