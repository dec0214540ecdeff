using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Chat;
using Phi3.OnnxSdk.Runtime.Batching;
using Phi3.OnnxSdk.Runtime.Native;

namespace Phi3.OnnxSdk;

/// <summary>
/// An <see cref="IChatClient"/> that runs a Phi-3 model locally through onnxruntime-genai.
/// </summary>
/// <remarks>
/// <para>
/// The prompt is built as token ids in the Phi-3 chat format: control tokens come only from message roles, and
/// message text is tokenized as plain text, so text such as <c>&lt;|end|&gt;</c> never becomes a control token.
/// System messages and <see cref="ChatOptions.Instructions"/> become <c>&lt;|system|&gt;</c> turns.
/// </para>
/// <para>
/// <see cref="ChatOptions.Tools"/> (functions) are described in the system prompt and the answer is constrained by
/// guidance to plain text or a call whose arguments match the tool's schema; calls come back as
/// <see cref="FunctionCallContent"/> with <see cref="ChatFinishReason.ToolCalls"/>, and <see cref="FunctionResultContent"/>
/// in the history is rendered back as a user turn (see docs/tool-calling.md). JSON response formats are enforced the
/// same way. Schema keywords guidance cannot enforce are relaxed in the grammar only, described to the model and checked
/// after parsing, so one tool's schema never fails a request; a schema that is not an object schema throws
/// <see cref="Phi3ToolSchemaException"/> naming the tool.
/// </para>
/// <para>
/// A vision model (genai_config.json type <c>phi3v</c>: Phi-3-vision, Phi-3.5-vision) takes images in user messages:
/// <see cref="DataContent"/> with an image media type and <see cref="UriContent"/> with a <c>file:</c> URI (see
/// <see cref="Vision.Phi3ImageLimits"/> for the formats and limits). They are numbered over the conversation where the
/// contents put them, each standing for its image tokens in the prompt ids (counted in
/// <see cref="UsageDetails.InputTokenCount"/>); text that spells <c>&lt;|image_1|&gt;</c> stays text. Each image is
/// checked and decoded in safe code and reaches onnxruntime-genai as a fresh PNG; a bad one is refused with
/// <see cref="ArgumentException"/> or <see cref="NotSupportedException"/> when the method is called. A text model
/// refuses images with <see cref="NotSupportedException"/>. See docs/vision.md.
/// </para>
/// <para>
/// The KV caches of recent conversations are kept (see <see cref="Phi3ChatClientOptions.EnableKvReuse"/>): a request
/// whose prompt shares a token prefix with a cached conversation rewinds that generator and feeds only the new tokens,
/// with greedy output identical to a fresh prefill (a vision model's generator cannot rewind: it is reused only when the
/// prompt holds all its tokens and the same images). At most <see cref="Phi3ChatClientOptions.MaxCachedSessions"/>
/// conversations and <see cref="Phi3ChatClientOptions.MaxCachedKvBytes"/> bytes of KV cache are kept (by default a
/// quarter of the memory available to the process); the least recently used are freed first, and the most recent
/// conversation's cache is always kept.
/// </para>
/// <para>
/// Every character of every message reaches the model, except whitespace at the start of a message, which the Phi-3
/// format drops as the model's chat template and tokenizer do: NUL and U+2581 are encoded as their byte tokens, and text
/// with an unpaired UTF-16 surrogate is refused with <see cref="ArgumentException"/>. Every <see cref="ChatOptions.Seed"/> is a
/// reproducible seed (same seed, same settings, same answer): 0 to <see cref="int.MaxValue"/> reach onnxruntime-genai
/// unchanged, and any other value, negative ones included, is mapped onto that range by a fixed function. Requests that
/// onnxruntime-genai would refuse only while the answer streams (a top-k above the vocabulary, regex or Lark guidance that
/// does not compile) are refused when the method is called, with <see cref="ArgumentException"/>.
/// </para>
/// <para>
/// Thread-safety: all members are thread-safe; the client is meant to be shared as a singleton. At most
/// <see cref="Phi3ChatClientOptions.MaxConcurrentGenerations"/> generations run at once; other requests wait. A slot is
/// held by the generation, not by its enumerator: a consumer that stops pulling without disposing its enumerator costs at
/// most the generation it started, which runs on to its token limit and then frees its slot.
/// <see cref="Dispose"/> may be called while requests run: they end with <see cref="ObjectDisposedException"/>
/// or <see cref="OperationCanceledException"/>, and native objects are freed once they have stopped.
/// </para>
/// </remarks>
public sealed partial class Phi3ChatClient : IChatClient
{
    /// <summary>The provider name in <see cref="ChatClientMetadata"/>.</summary>
    public const string ProviderName = "onnxruntime-genai";

    private readonly Phi3Model _model;
    private readonly bool _ownsModel;
    private readonly Phi3ChatClientOptions _options;
    private readonly PromptBuilder _promptBuilder;
    private readonly KvSessionCache _sessions;
    private readonly SemaphoreSlim _gate;
    private readonly GenerationThreads _threads;
    private readonly CancellationTokenSource _disposeCts = new();
    private readonly ChatClientMetadata _metadata;
    private readonly LocalTurnRunner _localTurns;
    private readonly RequestDiagnostics _diagnostics;
    private readonly Vision.VisionProcessor? _vision;
    private readonly bool _reuse;
    private readonly int _headroom;
    private readonly long _kvBudget;
    private readonly int _prefillChunk;
    private readonly bool _batching;
    private readonly int _maxBatch;
    private readonly TimeSpan _gatherQuiet;
    private readonly Lock _schedulerLock = new();
    private GeneratorBatchScheduler? _scheduler;
    private int _running;
    private long _batchedGenerations;
    private long _warmUps;
    private long _reusedTokens;
    private long _prefilledTokens;
    private int _disposed;

    /// <summary>Loads the model folder at <paramref name="modelPath"/> and creates a client that owns it.</summary>
    /// <param name="modelPath">A folder holding genai_config.json, the ONNX files and the tokenizer.</param>
    /// <param name="options">Client options; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="modelPath"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty, or an option is out of range.</exception>
    /// <exception cref="Phi3ModelException">The folder or one of its files is missing or damaged.</exception>
    public Phi3ChatClient(string modelPath, Phi3ChatClientOptions? options = null)
        : this(new Phi3Model(modelPath), options, ownsModel: true)
    {
    }

    /// <summary>Creates a client over an already loaded model, which several clients may share. The caller keeps ownership of <paramref name="model"/>.</summary>
    /// <param name="model">The loaded model.</param>
    /// <param name="options">Client options; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="model"/> was disposed.</exception>
    public Phi3ChatClient(Phi3Model model, Phi3ChatClientOptions? options = null)
        : this(model ?? throw new ArgumentNullException(nameof(model)), options, ownsModel: false)
    {
    }

    /// <summary>
    /// Resolves the Phi-3 variant for this machine, downloads it if missing, loads it and returns a client that owns it:
    /// the one-call path. With <see cref="Provisioning.Phi3Options.ModelPath"/> set, loads that folder instead.
    /// </summary>
    /// <param name="options">What to run; <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Receives each step (resolving, downloading with byte counts, loading); may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels resolving, downloading, or waiting for the load.</param>
    /// <returns>A client the caller disposes.</returns>
    /// <remarks>Throws what <see cref="Provisioning.Phi3ModelProvisioner.CreateChatClientAsync"/> throws.</remarks>
    public static Task<Phi3ChatClient> CreateAsync(
        Provisioning.Phi3Options? options = null,
        IProgress<Provisioning.Phi3SetupProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        Provisioning.Phi3ModelProvisioner.CreateChatClientAsync(options, progress, logger: null, hardwareProbe: null, cancellationToken);

    /// <summary>Creates a client that owns <paramref name="model"/> and disposes it with itself; <paramref name="logger"/> is used when the options name none.</summary>
    internal static Phi3ChatClient CreateOwning(Phi3Model model, Phi3ChatClientOptions? options, ILogger? logger = null) => new(model, options, ownsModel: true, logger);

    private Phi3ChatClient(Phi3Model model, Phi3ChatClientOptions? options, bool ownsModel, ILogger? logger = null)
    {
        _model = model;
        _ownsModel = ownsModel;
        try
        {
            _options = options ?? new Phi3ChatClientOptions();
            _options.Validate(model.VocabularySize);
            int concurrency = _options.MaxConcurrentGenerations ?? 4;
            int cached = _options.MaxCachedSessions ?? 4;
            _kvBudget = _options.MaxCachedKvBytes ?? DefaultMaxCachedKvBytes(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
            _reuse = (_options.EnableKvReuse ?? true) && cached > 0 && _kvBudget > 0;
            _headroom = _options.KvCacheHeadroomTokens ?? (_reuse ? 1024 : 0);
            _prefillChunk = _options.PrefillChunkTokens ?? 512;
            _vision = Vision.ImagePlaceholders.IsVisionModel(model.ModelType) ? new Vision.VisionProcessor(model) : null;

            // The batching engine does not take phi3v models (their prompts go through the vision pipeline).
            _batching = (_options.EnableBatching ?? false) && concurrency > 1 && model.PadTokenId is not null && _vision is null;
            _maxBatch = concurrency;
            _gatherQuiet = _options.BatchGatherTime ?? GeneratorBatchScheduler.DefaultGatherQuiet;

            using (model.AcquireLease())
            {
                var encoder = new PlainTextEncoder(model.NativeTokenizer, model.SpecialTokens, model.BosTokenId, model.ByteTokenIds);
                _promptBuilder = new PromptBuilder(encoder, model.BosTokenId);
            }

            _gate = new SemaphoreSlim(concurrency, concurrency);
            _threads = new GenerationThreads(concurrency);
            _sessions = new KvSessionCache(_reuse ? cached : 0, _kvBudget, model.KvBytesPerToken);
            _localTurns = new LocalTurnRunner(model, _prefillChunk);
            string modelId = _options.ModelId ?? Path.GetFileName(model.ModelPath.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));

            // No ProviderUri: the model runs in this process, so there is no server address or port to report (a
            // folder's file: URI made OpenTelemetry traces say server.address "" and server.port -1).
            _metadata = new ChatClientMetadata(ProviderName, providerUri: null, modelId);
            _diagnostics = new RequestDiagnostics(_options.Logger ?? logger ?? NullLogger.Instance);
        }
        catch
        {
            if (ownsModel)
            {
                model.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Gets the metadata: the provider name and the model id (<see cref="Phi3ChatClientOptions.ModelId"/>, or the model
    /// folder's name). <see cref="ChatClientMetadata.ProviderUri"/> is <see langword="null"/>: the model runs in process
    /// (its folder is <see cref="Phi3Model.ModelPath"/>).
    /// </summary>
    public ChatClientMetadata Metadata => _metadata;

    /// <summary>Gets the model this client generates with.</summary>
    public Phi3Model Model => _model;

    /// <summary>Gets the number of prompt tokens taken from cached KV instead of being prefilled (a diagnostic).</summary>
    internal long ReusedTokens => Interlocked.Read(ref _reusedTokens);

    /// <summary>Gets the number of prompt tokens fed to the model (a diagnostic).</summary>
    internal long PrefilledTokens => Interlocked.Read(ref _prefilledTokens);

    /// <summary>Gets the number of requests served by the batching engine (a diagnostic).</summary>
    internal long BatchedGenerations => Interlocked.Read(ref _batchedGenerations);

    /// <summary>Gets the number of completed <see cref="WarmUpAsync"/> calls (a diagnostic).</summary>
    internal long WarmUps => Interlocked.Read(ref _warmUps);

    /// <summary>Gets the number of idle cached sessions (a diagnostic).</summary>
    internal int CachedSessions => _sessions.Count;

    /// <summary>Gets the KV bytes the idle cached sessions hold (a diagnostic).</summary>
    internal long CachedKvBytes => _sessions.Bytes;

    /// <summary>Gets the byte budget of the cached KV sessions (<see cref="Phi3ChatClientOptions.MaxCachedKvBytes"/> or its default).</summary>
    internal long MaxCachedKvBytes => _kvBudget;

    /// <summary>
    /// The default of <see cref="Phi3ChatClientOptions.MaxCachedKvBytes"/>: a quarter of <paramref name="totalAvailableMemoryBytes"/>
    /// (the GC's <see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>: physical memory or the container's limit); 0 when unknown.
    /// </summary>
    internal static long DefaultMaxCachedKvBytes(long totalAvailableMemoryBytes) => Math.Max(0, totalAvailableMemoryBytes) / 4;

    /// <summary>
    /// The KV buffer length (max_length) of a new session for <paramref name="required"/> tokens (prompt plus requested
    /// output): plus the headroom for following turns, but no more than the context.
    /// </summary>
    internal int SessionLength(int required, bool withHeadroom) =>
        (int)Math.Min(_model.ContextLength, (long)required + (withHeadroom ? _headroom : 0));

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A message is null or holds an unpaired surrogate, an image is not a complete image, too large or too elongated, the prompt (images included) does not fit the context, or an option is invalid (top-k above the vocabulary, guidance that does not compile).</exception>
    /// <exception cref="NotSupportedException">A message has content or a role the model cannot take (an image on a text model, an image in a message other than a user message without function calls or results, an image media type or URI scheme that is not supported), or an option is not supported.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>
    /// <see cref="ChatResponse.RawRepresentation"/> is the <see cref="int"/>[] of the token ids generated, without the
    /// end token: the updates' <see cref="ChatResponseUpdate.RawRepresentation"/>s end to end.
    /// </remarks>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        ChatResponseAssembler.ToResponseAsync(GetStreamingResponseAsync(messages, options, cancellationToken), cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// <para>
    /// Arguments are validated and the prompt is tokenized when this method is called. The updates carry text pieces
    /// that never split a character; the last update carries the <see cref="ChatResponseUpdate.FinishReason"/> and one
    /// <see cref="UsageContent"/>. Each update's <see cref="ChatResponseUpdate.RawRepresentation"/> is the
    /// <see cref="int"/>[] of the token ids generated since the previous update (the end token is not included).
    /// </para>
    /// <para>
    /// <see cref="ChatResponseUpdate.ModelId"/> names the loaded model (<see cref="ChatClientMetadata.DefaultModelId"/>):
    /// a client runs the one model it loaded, so <see cref="ChatOptions.ModelId"/> is ignored (logged once at debug
    /// level); to serve several models, register one client per model (for example keyed clients). FrequencyPenalty and
    /// PresencePenalty are ignored too (onnxruntime-genai has no such penalties; see <see cref="Phi3ChatOptionKeys.RepetitionPenalty"/>).
    /// A tool call cut off by the token limit or a stop sequence is left out of the text and reported under
    /// <see cref="Phi3ChatResponseKeys.IncompleteToolCall"/>; a call whose arguments break its tool's schema is, by
    /// default, left out and reported under <see cref="Phi3ChatResponseKeys.InvalidToolCalls"/>
    /// (<see cref="Phi3ChatClientOptions.InvalidToolCalls"/>).
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A message is null or holds an unpaired surrogate, an image is not a complete image, too large or too elongated, the prompt (images included) does not fit the context, or an option is invalid (top-k above the vocabulary, guidance that does not compile).</exception>
    /// <exception cref="NotSupportedException">A message has content or a role the model cannot take (an image on a text model, an image in a message other than a user message without function calls or results, an image media type or URI scheme that is not supported), or an option is not supported.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (while enumerating).</exception>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        var tools = Tools.ToolCallingPlan.Create(options, invalidCalls: _options.InvalidToolCalls ?? Phi3InvalidToolCalls.Drop);
        var images = new Vision.ImagePlaceholders(_metadata.DefaultModelId!, _model.ModelType, _model.ContextLength);
        int[] prompt;
        GenerationSettings settings;
        IReadOnlyList<(string Tool, Tools.ToolSchemaFallback Fallback, string Error)> fallbacks;
        using (AcquireLease())
        {
            tools = Tools.ToolGuidanceValidator.EnsureCompiles(_model.NativeModel, tools, out fallbacks);
            settings = ChatOptionsMapper.ToSettings(options, _options, tools.Guidance);
            RequestChecks.Check(settings, _model, tools);
            prompt = _promptBuilder.Build(tools.PrepareMessages(messages), options?.Instructions, images);
        }

        _diagnostics.Report(options, _metadata.DefaultModelId!, tools, fallbacks);

        PromptLimits.EnsureFits(prompt.Length, images, _model.ContextLength);
        var request = new GenerationRequest(
            prompt,
            settings,
            _metadata.DefaultModelId!,
            "phi3-" + Guid.NewGuid().ToString("N"),
            "msg-" + Guid.NewGuid().ToString("N"),
            DateTimeOffset.UtcNow,
            tools) { Images = images.Decode() };
        return StreamAsync(request, cancellationToken);
    }

    /// <summary>
    /// Allocates and frees the KV buffer of a typical first request (128 prompt tokens, the default output length and
    /// the reuse headroom), so that the first answer does not wait for the operating system to supply fresh memory:
    /// on the 2-core reference VM, 0.8 GB of fresh KV memory took 2 s to set up and 0.06 to 0.3 s once the process had
    /// used it before (docs/benchmarks.md, "First request"). Optional: the hosted warm-up
    /// (<c>AddPhi3ChatClientWarmup</c>) calls it, and a console app can call it while the user types.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for a free generation slot; the allocation itself is short.</param>
    /// <returns>A task that completes when the buffer has been allocated and freed.</returns>
    /// <exception cref="ObjectDisposedException">The client is disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    /// <remarks>Thread-safe; it takes one of the <see cref="Phi3ChatClientOptions.MaxConcurrentGenerations"/> slots while it runs.</remarks>
    public async Task WarmUpAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposeCts.Token);
        await EnterGateAsync(linked.Token, cancellationToken).ConfigureAwait(false);

        try
        {
            int required = (int)Math.Min(_model.ContextLength, 128L + (_options.MaxOutputTokens ?? Phi3ChatClientOptions.DefaultMaxOutputTokens));
            int maxLength = SessionLength(required, withHeadroom: _reuse);
            await _threads.Run(() =>
            {
                using var lease = AcquireLease();
                using var parameters = new GuardedGeneratorParams(_model.NativeModel);
                parameters.SetSearchOption("max_length", maxLength);
                using var generator = new Generator(_model.NativeModel, parameters);
            }).ConfigureAwait(false);
            Interlocked.Increment(ref _warmUps);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Returns <see cref="ChatClientMetadata"/>, the <see cref="Phi3Model"/>, the native <see cref="Microsoft.ML.OnnxRuntimeGenAI.Model"/>
    /// and <see cref="Tokenizer"/>, or this client; <see langword="null"/> for anything else or a non-null key. The native
    /// objects stay valid for as long as they are referenced, even after the model is disposed; do not dispose them
    /// (see <see cref="Phi3Model"/>).
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">A native object was asked for after the model was disposed.</exception>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }

        if (serviceType == typeof(Phi3Model))
        {
            return _model;
        }

        if (serviceType == typeof(Model))
        {
            return _model.Model;
        }

        if (serviceType == typeof(Tokenizer))
        {
            return _model.Tokenizer;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>
    /// Stops running requests, frees the cached KV sessions and, when this client loaded the model itself, the model.
    /// Idempotent; safe while requests run.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _disposeCts.Cancel();
        lock (_schedulerLock)
        {
            _scheduler?.Dispose();
        }

        _sessions.Dispose();
        _threads.Dispose();
        _vision?.Dispose();
        if (_ownsModel)
        {
            _model.Dispose();
        }
    }

    private Runtime.ModelLease AcquireLease()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        try
        {
            return _model.AcquireLease();
        }
        catch (ObjectDisposedException) when (Volatile.Read(ref _disposed) != 0)
        {
            throw new ObjectDisposedException(nameof(Phi3ChatClient));
        }
    }
}
