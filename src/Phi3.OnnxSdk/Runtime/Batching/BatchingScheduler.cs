using System.Collections.Concurrent;
using Phi3.OnnxSdk.Runtime.Native;

namespace Phi3.OnnxSdk.Runtime.Batching;

/// <summary>
/// Serves many generations at once through onnxruntime-genai's Engine (static batching on CPU: up to
/// <see cref="MaxBatchSize"/> requests decode together, one model run per step for the whole batch).
/// The engine lives on one dedicated thread, as the C API requires; <see cref="Submit"/> may be called
/// from any thread and streams tokens back through a channel. Disposing stops the thread between model
/// steps, ends every open generation with <see cref="ObjectDisposedException"/> and frees all native objects.
/// </summary>
internal sealed class BatchingScheduler : IBatchScheduler
{
    private const int EventBufferCapacity = 256;

    private readonly ConcurrentQueue<BatchEntry> _submissions = new();
    private readonly ConcurrentQueue<BatchEntry> _cancellations = new();
    private readonly Dictionary<IntPtr, BatchEntry> _active = [];
    private readonly SchedulerThread _thread;
    private readonly IntPtr _model;
    private readonly ModelLease _lease;
    private readonly TaskCompletionSource<int> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private OgaEngineHandle? _engine;
    private OgaEventBufferHandle? _buffer;

    private BatchingScheduler(IntPtr model, ModelLease lease)
    {
        _model = model;
        _lease = lease;
        _thread = new SchedulerThread("Phi3 batching engine", Loop);
    }

    /// <summary>Gets the engine's configured maximum batch size (genai_config <c>engine.static_batching.max_batch_size</c>, default 4).</summary>
    public int MaxBatchSize { get; private set; }

    /// <summary>
    /// Creates an engine over <paramref name="model"/> (sharing its loaded weights) and starts its thread. The scheduler
    /// holds a lease on the model until it is disposed, so <paramref name="model"/> may be disposed first.
    /// </summary>
    /// <exception cref="ObjectDisposedException"><paramref name="model"/> is disposed.</exception>
    /// <exception cref="InvalidOperationException">onnxruntime-genai could not create an engine for this model.</exception>
    public static BatchingScheduler Create(Phi3Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var lease = model.AcquireLease();
        BatchingScheduler scheduler;
        try
        {
            scheduler = new BatchingScheduler(NativeHandleAccessor.GetHandle(model.NativeModel), lease);
        }
        catch
        {
            lease.Dispose();
            throw;
        }

        scheduler._thread.Start();
        try
        {
            scheduler.MaxBatchSize = scheduler._started.Task.GetAwaiter().GetResult();
        }
        catch
        {
            scheduler.Dispose();
            throw;
        }

        return scheduler;
    }

    /// <summary>Queues a generation. Tokens start streaming once the engine admits it into a batch.</summary>
    /// <exception cref="ArgumentException">The prompt is empty or the token limit is not positive.</exception>
    /// <exception cref="ObjectDisposedException">The scheduler is disposed.</exception>
    public BatchGeneration Submit(BatchRequest request, CancellationToken cancellationToken = default)
    {
        BatchRequest.Validate(request);
        ObjectDisposedException.ThrowIf(_thread.IsStopping, this);

        var entry = new BatchEntry(request, cancellationToken);
        if (cancellationToken.IsCancellationRequested)
        {
            entry.Cancel();
            return entry.Generation;
        }

        entry.Registration = cancellationToken.Register(static state =>
        {
            var (scheduler, e) = ((BatchingScheduler, BatchEntry))state!;
            scheduler._cancellations.Enqueue(e);
            scheduler._thread.Wake();
        }, (this, entry));
        _submissions.Enqueue(entry);
        _thread.Wake();
        if (_thread.IsStopping)
        {
            // Lost a race with Dispose: the loop may have drained already.
            entry.Fail(new ObjectDisposedException(nameof(BatchingScheduler)));
        }

        return entry.Generation;
    }

    /// <summary>Stops the engine thread after the current model step, frees every native object and releases the model lease. Idempotent.</summary>
    public void Dispose()
    {
        _thread.Dispose();
        _lease.Dispose();
    }

    private void Loop()
    {
        try
        {
            _engine = OgaEngineHandle.FromCall(NativeMethods.OgaCreateEngine(_model, out var engine), engine);
            _buffer = OgaEventBufferHandle.FromCall(NativeMethods.OgaCreateEngineEventBuffer(_engine, EventBufferCapacity, out var buffer), buffer);
            NativeError.ThrowIfFailed(NativeMethods.OgaEngineGetCapabilities(_engine, out var capabilities));
            int maxBatch;
            try
            {
                maxBatch = (int)NativeMethods.OgaEngineCapabilitiesGetConfiguredMaxBatchSize(capabilities);
            }
            finally
            {
                NativeMethods.OgaDestroyEngineCapabilities(capabilities);
            }

            _started.SetResult(maxBatch);
        }
        catch (Exception ex)
        {
            _buffer?.Dispose();
            _engine?.Dispose();
            _started.SetException(ex);
            return;
        }

        Exception? failure = null;
        try
        {
            while (!_thread.IsStopping)
            {
                Admit();
                ProcessCancellations();
                NativeError.ThrowIfFailed(NativeMethods.OgaEngineHasPendingRequests(_engine, out bool pending));
                if (!pending)
                {
                    if (_submissions.IsEmpty && _cancellations.IsEmpty && !_thread.IsStopping)
                    {
                        _thread.Wait();
                    }

                    continue;
                }

                NativeError.ThrowIfFailed(NativeMethods.OgaEngineRun(_engine, _buffer));
                Dispatch();
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            Shutdown(failure);
        }
    }

    private unsafe void Admit()
    {
        while (_submissions.TryDequeue(out var entry))
        {
            if (entry.IsFinished)
            {
                continue;
            }

            if (entry.CancellationToken.IsCancellationRequested)
            {
                entry.Cancel();
                continue;
            }

            OgaRequestHandle? request = null;
            try
            {
                using (var requestOptions = OgaRequestOptionsHandle.FromCall(NativeMethods.OgaCreateRequestOptions(out var ro), ro))
                {
                    ulong sessionTokens = (ulong)entry.Request.PromptTokens.Count + (ulong)entry.Request.MaxNewTokens;
                    NativeError.ThrowIfFailed(NativeMethods.OgaRequestOptionsSetMaxSessionTokens(requestOptions, sessionTokens));
                    request = OgaRequestHandle.FromCall(NativeMethods.OgaEngineCreateRequest(_engine!, requestOptions, out var r), r);
                }

                using var turnOptions = OgaTurnOptionsHandle.FromCall(NativeMethods.OgaRequestCreateTurnOptions(request, out var to), to);
                NativeError.ThrowIfFailed(NativeMethods.OgaTurnOptionsSetMaxGeneratedTokens(turnOptions, (ulong)entry.Request.MaxNewTokens));
                ApplySampling(turnOptions, entry.Request.Sampling);

                int[] prompt = [.. entry.Request.PromptTokens];
                ulong turnId;
                fixed (int* ids = prompt)
                {
                    NativeError.ThrowIfFailed(NativeMethods.OgaRequestBeginTurn(request, turnOptions, ids, (ulong)prompt.Length, out turnId));
                }

                entry.Handle = request;
                entry.TurnId = turnId;
                _active.Add(request.DangerousGetHandle(), entry);
                request = null;
            }
            catch (InvalidOperationException ex)
            {
                // Admission errors (limits, contradictory sampling options) are about this request only.
                entry.Fail(new ArgumentException($"The batching engine rejected the request ({entry.Request.PromptTokens.Count} prompt tokens, {entry.Request.MaxNewTokens} new tokens): {ex.Message}", ex));
            }
            finally
            {
                request?.Dispose();
            }
        }
    }

    private static void ApplySampling(OgaTurnOptionsHandle options, BatchSamplingOptions? sampling)
    {
        if (sampling is null)
        {
            return;
        }

        if (sampling.DoSample is bool doSample)
        {
            NativeError.ThrowIfFailed(NativeMethods.OgaTurnOptionsSetDoSample(options, doSample));
        }

        if (sampling.Temperature is float temperature)
        {
            NativeError.ThrowIfFailed(NativeMethods.OgaTurnOptionsSetTemperature(options, temperature));
        }

        if (sampling.TopP is float topP)
        {
            NativeError.ThrowIfFailed(NativeMethods.OgaTurnOptionsSetTopP(options, topP));
        }

        if (sampling.TopK is int topK)
        {
            NativeError.ThrowIfFailed(NativeMethods.OgaTurnOptionsSetTopK(options, topK));
        }

        if (sampling.RepetitionPenalty is float penalty)
        {
            NativeError.ThrowIfFailed(NativeMethods.OgaTurnOptionsSetRepetitionPenalty(options, penalty));
        }
    }

    private void ProcessCancellations()
    {
        while (_cancellations.TryDequeue(out var entry))
        {
            if (entry.IsFinished)
            {
                continue;
            }

            if (entry.Handle is null)
            {
                // Not admitted yet: Admit() skips finished entries.
                entry.Cancel();
                continue;
            }

            NativeError.ThrowIfFailed(NativeMethods.OgaRequestCancelTurn(entry.Handle, entry.TurnId, out bool cancelled));
            if (!cancelled)
            {
                // Already complete; its terminal event arrives (or arrived) through Dispatch.
                continue;
            }
        }
    }

    private void Dispatch()
    {
        int count = (int)NativeMethods.OgaEngineEventBufferGetCount(_buffer!);
        for (int i = 0; i < count; i++)
        {
            IntPtr engineEvent = NativeMethods.OgaEngineEventBufferGet(_buffer!, (nuint)i);
            if (engineEvent == IntPtr.Zero)
            {
                continue;
            }

            NativeError.ThrowIfFailed(NativeMethods.OgaEngineEventGetFlags(engineEvent, out var flags));
            NativeError.ThrowIfFailed(NativeMethods.OgaEngineEventGetRequest(engineEvent, out var requestPointer));
            if (!_active.TryGetValue(requestPointer, out var entry))
            {
                continue;
            }

            if ((flags & EngineEventFlags.Token) != 0)
            {
                NativeError.ThrowIfFailed(NativeMethods.OgaEngineEventGetToken(engineEvent, out int token));
                entry.Write(token);
            }

            if ((flags & EngineEventFlags.Failed) != 0 && (flags & EngineEventFlags.Retryable) == 0)
            {
                NativeError.ThrowIfFailed(NativeMethods.OgaEngineEventGetErrorCode(engineEvent, out uint code));
                Finish(requestPointer, entry, () => entry.Fail(new InvalidOperationException($"onnxruntime-genai: the batched generation failed (engine error code {code}).")));
                continue;
            }

            if ((flags & EngineEventFlags.TurnFinished) != 0)
            {
                NativeError.ThrowIfFailed(NativeMethods.OgaEngineEventGetFinishReason(engineEvent, out var reason));
                Finish(requestPointer, entry, reason switch
                {
                    EngineFinishReason.Eos => () => entry.Complete(BatchFinishReason.EndOfSequence),
                    EngineFinishReason.MaxGeneratedTokens or EngineFinishReason.MaxSessionTokens => () => entry.Complete(BatchFinishReason.Length),
                    EngineFinishReason.Cancelled => entry.Cancel,
                    _ => () => entry.Fail(new InvalidOperationException($"onnxruntime-genai: the batched generation ended with finish reason {reason}.")),
                });
            }
        }
    }

    private void Finish(IntPtr requestPointer, BatchEntry entry, Action complete)
    {
        _active.Remove(requestPointer);
        if (entry.Handle is { } handle)
        {
            NativeError.TakeMessage(NativeMethods.OgaRequestClose(handle));
            handle.Dispose();
            entry.Handle = null;
        }

        complete();
    }

    private void Shutdown(Exception? failure)
    {
        Exception Ended() => failure is null
            ? new ObjectDisposedException(nameof(BatchingScheduler), "The batching scheduler was disposed before this generation finished.")
            : new InvalidOperationException($"The batching engine stopped: {failure.Message}", failure);

        foreach (var entry in _active.Values)
        {
            if (entry.Handle is { } handle)
            {
                NativeError.TakeMessage(NativeMethods.OgaRequestClose(handle));
            }

            entry.Fail(Ended());
        }

        while (_submissions.TryDequeue(out var entry))
        {
            entry.Fail(Ended());
        }

        _buffer?.Dispose();
        _engine?.Dispose();
        foreach (var entry in _active.Values)
        {
            entry.Handle?.Dispose();
            entry.Handle = null;
        }

        _active.Clear();
        _thread.MarkStopping();
    }
}
