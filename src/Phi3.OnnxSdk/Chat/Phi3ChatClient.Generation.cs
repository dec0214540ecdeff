using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Chat;
using Phi3.OnnxSdk.Runtime.Batching;

namespace Phi3.OnnxSdk;

/// <summary>The generation side of <see cref="Phi3ChatClient"/>: the slot gate, the generation thread and the decode of one request.</summary>
public sealed partial class Phi3ChatClient
{
    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposeCts.Token))
        {
            await EnterGateAsync(waiting.Token, cancellationToken).ConfigureAwait(false);
        }

        // From here the generation owns the slot and its cancellation (RunGeneration): a consumer that stops pulling without
        // disposing leaves nothing waiting on it. The consumer's continuation runs on the generation thread when it is waiting
        // for the next piece, instead of a thread-pool hop per token. The worker never writes while holding a lock, and never
        // waits for the consumer: the channel is unbounded (at most the request's output), so the worker ends on its own.
        var stop = new CancellationTokenSource();
        var channel = Channel.CreateUnbounded<GenerationEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = true });
        Task worker;
        try
        {
            worker = _threads.Run(() => RunGeneration(request, channel.Writer, stop, cancellationToken));
        }
        catch
        {
            _gate.Release();
            throw;
        }

        try
        {
            var reader = channel.Reader;
            while (true)
            {
                // Awaited here rather than in a helper: one async state machine less per token.
                bool more;
                try
                {
                    more = await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException("The chat request was cancelled.", null, cancellationToken);
                }
                catch (OperationCanceledException) when (Volatile.Read(ref _disposed) != 0)
                {
                    throw new ObjectDisposedException(nameof(Phi3ChatClient), "The chat client was disposed while the request ran.");
                }

                if (!more)
                {
                    break;
                }

                while (reader.TryRead(out var item))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return ChatUpdateFactory.ToUpdate(request, item);
                }
            }
        }
        finally
        {
            // Stops the worker when the consumer leaves early; waits so the generator is released before returning.
            await stop.CancelAsync().ConfigureAwait(false);
            await worker.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs one generation on a generation thread and then frees its slot. The caller's token and the client's dispose
    /// cancel it through registrations that end with it, so nothing of a dropped enumerator outlives its generation.
    /// </summary>
    private void RunGeneration(GenerationRequest request, ChannelWriter<GenerationEvent> writer, CancellationTokenSource stop, CancellationToken callerToken)
    {
        try
        {
            using var onCaller = callerToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), stop);
            using var onDispose = _disposeCts.Token.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), stop);
            Generate(request, writer, stop.Token);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Waits for one of the generation slots with <paramref name="linkedToken"/> (the caller's token linked to the
    /// client's dispose); a dispose during the wait ends it with <see cref="ObjectDisposedException"/>.
    /// </summary>
    private async Task EnterGateAsync(CancellationToken linkedToken, CancellationToken callerToken)
    {
        try
        {
            await _gate.WaitAsync(linkedToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(Phi3ChatClient));
        }
    }

    private void Generate(GenerationRequest request, ChannelWriter<GenerationEvent> writer, CancellationToken cancellationToken)
    {
        KvSession? session = null;
        bool keep = false;
        Runtime.ModelLease? lease = null;
        Interlocked.Increment(ref _running);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            lease = _model.AcquireLease();
            var settings = request.Settings;
            int[] prompt = request.Prompt;
            int required = (int)Math.Min(_model.ContextLength, (long)prompt.Length + settings.MaxOutputTokens);
            int reused = 0;
            if (_reuse && settings.AllowsKvReuse)
            {
                session = _sessions.Take(prompt, settings.GeneratorKey, required, out reused, request.ImageKey);
            }

            if (session is null && _batching && !request.Tools.AllowsCalls && BatchedTurnRunner.CanBatch(settings) && HasCompany())
            {
                // Other generations run or arrive with this one, and it reuses no cached prefix: decode it in a shared batch.
                Interlocked.Increment(ref _batchedGenerations);
                Interlocked.Add(ref _prefilledTokens, prompt.Length);
                BatchedTurnRunner.Run(GetScheduler(), _model.NativeTokenizer, _model.TokenizerLock, _model.ContextLength, request, writer, cancellationToken);
                writer.TryComplete();
                return;
            }

            if (session is null)
            {
                reused = 0;
                session = new KvSession(_model, settings, SessionLength(required, settings.AllowsKvReuse), request.ImageKey);
            }
            else
            {
                session.RewindTo(reused);
            }

            Interlocked.Add(ref _reusedTokens, reused);
            int fed = reused == 0 && request.Images.Count > 0 ? _vision!.Prefill(session, prompt, request.Images, ref _prefilledTokens) : reused;
            _localTurns.Run(session, fed, request, writer, ref _prefilledTokens, cancellationToken);
            keep = session.Reusable && !cancellationToken.IsCancellationRequested;
            writer.TryComplete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(ex);
        }
        finally
        {
            if (session is not null)
            {
                if (keep)
                {
                    _sessions.Return(session);
                }
                else
                {
                    session.Dispose();
                }
            }

            lease?.Dispose();
            Interlocked.Decrement(ref _running);
        }
    }

    private GeneratorBatchScheduler GetScheduler()
    {
        lock (_schedulerLock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return _scheduler ??= new GeneratorBatchScheduler(_model, _model.ContextLength, _model.PadTokenId!.Value, _model.EosTokenIds, _maxBatch, _gatherQuiet);
        }
    }

    /// <summary>
    /// Tells whether another generation is running; when none is, waits the batch's gathering time once, so that
    /// requests sent together (the first of them included) share one batch, while a lone request keeps its own
    /// generator and KV cache.
    /// </summary>
    private bool HasCompany()
    {
        if (Volatile.Read(ref _running) > 1)
        {
            return true;
        }

        Thread.Sleep(_gatherQuiet);
        return Volatile.Read(ref _running) > 1;
    }
}
