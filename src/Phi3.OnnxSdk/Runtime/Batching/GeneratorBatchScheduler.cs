using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Runtime.Native;

namespace Phi3.OnnxSdk.Runtime.Batching;

/// <summary>
/// Serves many generations at once with one onnxruntime-genai <see cref="Generator"/> per batch (<c>batch_size</c> B,
/// prompts right-padded with the pad token): every model step decodes all B sequences, which on CPU costs far less than
/// B separate steps because the weights are read once. Generations submitted within a short gathering window (and
/// sharing sampling settings) form one batch of at most <see cref="MaxBatchSize"/>; a batch runs until its last
/// member ends, and later submissions wait for the next batch. End tokens, per-request token limits and cancellation
/// are handled per row here, so a row that ends early simply stops streaming.
/// </summary>
/// <remarks>
/// One dedicated thread owns every generator. <see cref="Submit"/> may be called from any thread. Disposing stops the
/// thread after the current model step, ends every open generation with <see cref="ObjectDisposedException"/> and frees
/// the generator. Each batch holds a lease on the model while it runs; a batch that starts after the model was disposed
/// fails its generations with <see cref="ObjectDisposedException"/>.
/// </remarks>
internal sealed class GeneratorBatchScheduler : IBatchScheduler
{
    /// <summary>The default time a batch waits for another submission before it starts (ten times that at most in all).</summary>
    internal static readonly TimeSpan DefaultGatherQuiet = TimeSpan.FromMilliseconds(5);

    private readonly ConcurrentQueue<BatchEntry> _submissions = new();
    private readonly SchedulerThread _thread;
    private readonly Phi3Model _model;
    private readonly int _contextLength;
    private readonly int _padTokenId;
    private readonly HashSet<int> _eos;
    private readonly TimeSpan _gatherQuiet;
    private long _batchesRun;

    /// <summary>Starts the scheduler's thread over a loaded model.</summary>
    /// <param name="model">The model; each batch leases it.</param>
    /// <param name="contextLength">The model's context length: a prompt plus its new tokens must fit in it.</param>
    /// <param name="padTokenId">The token that pads shorter prompts (genai_config <c>pad_token_id</c>).</param>
    /// <param name="eosTokenIds">The tokens that end a sequence (not streamed).</param>
    /// <param name="maxBatchSize">The most sequences per batch (at least 1).</param>
    /// <param name="gatherQuiet">How long a batch waits for another submission before it starts; default 5 ms.</param>
    public GeneratorBatchScheduler(Phi3Model model, int contextLength, int padTokenId, IEnumerable<int> eosTokenIds, int maxBatchSize, TimeSpan? gatherQuiet = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(contextLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatchSize);
        _model = model;
        _contextLength = contextLength;
        _padTokenId = padTokenId;
        _eos = [.. eosTokenIds];
        MaxBatchSize = maxBatchSize;
        _gatherQuiet = gatherQuiet ?? DefaultGatherQuiet;
        _thread = new SchedulerThread("Phi3 generator batch", Loop);
        _thread.Start();
    }

    /// <inheritdoc/>
    public int MaxBatchSize { get; }

    /// <summary>Gets the number of batches run so far (for tests and diagnostics).</summary>
    internal long BatchesRun => Interlocked.Read(ref _batchesRun);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The prompt is empty, or it and its new tokens exceed the context length.</exception>
    public BatchGeneration Submit(BatchRequest request, CancellationToken cancellationToken = default)
    {
        BatchRequest.Validate(request);
        if ((long)request.PromptTokens.Count + request.MaxNewTokens > _contextLength)
        {
            throw new ArgumentException($"The prompt ({request.PromptTokens.Count} tokens) and {request.MaxNewTokens} new tokens exceed the model's context of {_contextLength} tokens.", nameof(request));
        }

        ObjectDisposedException.ThrowIf(_thread.IsStopping, this);
        var entry = new BatchEntry(request, cancellationToken);
        if (cancellationToken.IsCancellationRequested)
        {
            entry.Cancel();
            return entry.Generation;
        }

        // A cancelled row ends at once; the batch skips it from the next step on.
        entry.Registration = cancellationToken.Register(static state => ((BatchEntry)state!).Cancel(), entry);
        _submissions.Enqueue(entry);
        _thread.Wake();
        if (_thread.IsStopping)
        {
            // Lost a race with Dispose: the loop may have drained already.
            entry.Fail(new ObjectDisposedException(nameof(GeneratorBatchScheduler)));
        }

        return entry.Generation;
    }

    /// <summary>Stops the thread after the current model step and frees the generator. Idempotent.</summary>
    public void Dispose() => _thread.Dispose();

    private void Loop()
    {
        var waiting = new List<BatchEntry>();
        try
        {
            while (!_thread.IsStopping)
            {
                Drain(waiting);
                if (waiting.Count == 0)
                {
                    _thread.Wait();
                    continue;
                }

                // Let generations submitted at about the same moment join this batch.
                var gathering = Stopwatch.StartNew();
                while (waiting.Count < MaxBatchSize && gathering.Elapsed < _gatherQuiet * 10 && _thread.Wait(_gatherQuiet) && !_thread.IsStopping)
                {
                    Drain(waiting);
                }

                // Draining drops generations cancelled meanwhile: all of them may be gone.
                Drain(waiting);
                if (waiting.Count > 0 && !_thread.IsStopping)
                {
                    Run(TakeBatch(waiting));
                }
            }
        }
        catch (Exception ex)
        {
            // A fault of the scheduler itself: end what waits with it rather than the process (the thread is dedicated).
            var failure = new InvalidOperationException($"The batch scheduler stopped: {ex.Message}", ex);
            _thread.MarkStopping();
            foreach (var entry in waiting)
            {
                entry.Fail(failure);
            }
        }
        finally
        {
            var disposed = new ObjectDisposedException(nameof(GeneratorBatchScheduler));
            foreach (var entry in waiting)
            {
                entry.Fail(disposed);
            }

            while (_submissions.TryDequeue(out var entry))
            {
                entry.Fail(disposed);
            }
        }
    }

    private void Drain(List<BatchEntry> waiting)
    {
        while (_submissions.TryDequeue(out var entry))
        {
            waiting.Add(entry);
        }

        waiting.RemoveAll(e => e.IsFinished);
    }

    /// <summary>
    /// Takes the oldest waiting generation and the next ones with the same sampling settings, up to the batch size, as
    /// long as the longest prompt plus the most new tokens fits the context: rows are padded to the longest prompt, so a
    /// request that does not fit would get fewer tokens than it asked for. The rest waits for a later batch.
    /// </summary>
    private List<BatchEntry> TakeBatch(List<BatchEntry> waiting)
    {
        var sampling = waiting[0].Request.Sampling ?? new BatchSamplingOptions();
        var batch = new List<BatchEntry>();
        int longest = 0;
        int mostNew = 0;
        foreach (var entry in waiting)
        {
            if (batch.Count == MaxBatchSize)
            {
                break;
            }

            int prompt = Math.Max(longest, entry.Request.PromptTokens.Count);
            int maxNew = Math.Max(mostNew, entry.Request.MaxNewTokens);
            if ((entry.Request.Sampling ?? new BatchSamplingOptions()) == sampling && (batch.Count == 0 || (long)prompt + maxNew <= _contextLength))
            {
                batch.Add(entry);
                longest = prompt;
                mostNew = maxNew;
            }
        }

        waiting.RemoveAll(batch.Contains);
        return batch;
    }

    private void Run(List<BatchEntry> batch)
    {
        Interlocked.Increment(ref _batchesRun);
        try
        {
            Decode(batch);
        }
        catch (Exception ex)
        {
            // Whatever went wrong ends this batch's generations with the cause; the thread goes on serving the next one
            // (an exception escaping a dedicated thread would end the process).
            var failure = ex as ObjectDisposedException ?? new InvalidOperationException($"The batched generation failed in onnxruntime-genai: {ex.Message}", ex);
            foreach (var entry in batch)
            {
                entry.Fail(failure);
            }
        }

        if (_thread.IsStopping)
        {
            var disposed = new ObjectDisposedException(nameof(GeneratorBatchScheduler));
            foreach (var entry in batch)
            {
                entry.Fail(disposed);
            }
        }
    }

    private void Decode(List<BatchEntry> batch)
    {
        int size = batch.Count;
        int longest = batch.Max(e => e.Request.PromptTokens.Count);
        int mostNew = batch.Max(e => e.Request.MaxNewTokens);
        using var lease = _model.AcquireLease();
        using var parameters = new GuardedGeneratorParams(_model.NativeModel);
        parameters.SetSearchOption("batch_size", size);
        parameters.SetSearchOption("max_length", Math.Min(_contextLength, longest + mostNew));
        Apply(parameters, batch[0].Request.Sampling);
        using var generator = new Generator(_model.NativeModel, parameters);

        // Right-padded rows: onnxruntime-genai masks the pad token out of attention and positions.
        var tokens = new int[size * longest];
        Array.Fill(tokens, _padTokenId);
        for (int row = 0; row < size; row++)
        {
            var prompt = batch[row].Request.PromptTokens;
            for (int i = 0; i < prompt.Count; i++)
            {
                tokens[(row * longest) + i] = prompt[i];
            }
        }

        generator.AppendTokens(tokens);
        var generated = new int[size];
        while (!_thread.IsStopping && batch.Exists(e => !e.IsFinished))
        {
            generator.GenerateNextToken();
            var next = generator.GetNextTokens();
            for (int row = 0; row < size; row++)
            {
                var entry = batch[row];
                if (entry.IsFinished)
                {
                    continue;
                }

                if (_eos.Contains(next[row]))
                {
                    entry.Complete(BatchFinishReason.EndOfSequence);
                    continue;
                }

                entry.Write(next[row]);
                if (++generated[row] >= entry.Request.MaxNewTokens)
                {
                    entry.Complete(BatchFinishReason.Length);
                }
            }

            if (generator.IsDone())
            {
                // The shared buffer is full (rows padded to the longest prompt): what is left ends on length.
                foreach (var entry in batch)
                {
                    entry.Complete(BatchFinishReason.Length);
                }
            }
        }
    }

    private static void Apply(GeneratorParams parameters, BatchSamplingOptions? sampling)
    {
        if (sampling is null)
        {
            return;
        }

        if (sampling.DoSample is bool doSample)
        {
            parameters.SetSearchOption("do_sample", doSample);
        }

        if (sampling.Temperature is float temperature)
        {
            parameters.SetSearchOption("temperature", temperature);
        }

        if (sampling.TopP is float topP)
        {
            parameters.SetSearchOption("top_p", topP);
        }

        if (sampling.TopK is int topK)
        {
            parameters.SetSearchOption("top_k", topK);
        }

        if (sampling.RepetitionPenalty is float penalty)
        {
            parameters.SetSearchOption("repetition_penalty", penalty);
        }
    }
}
