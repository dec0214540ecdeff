using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Hardware;
using Phi3.OnnxSdk.Runtime;
using Phi3.OnnxSdk.Runtime.Native;

namespace Phi3.OnnxSdk;

/// <summary>
/// A Phi-3 model loaded from an onnxruntime-genai folder: owns the native <see cref="Microsoft.ML.OnnxRuntimeGenAI.Model"/>
/// and <see cref="Microsoft.ML.OnnxRuntimeGenAI.Tokenizer"/>, and can be shared by several <see cref="Phi3ChatClient"/>s.
/// </summary>
/// <remarks>
/// <para>
/// Loading checks the folder before any native call: the folder exists; <c>genai_config.json</c> parses, its fields
/// have the right JSON types, and it names its ONNX files; each ONNX file exists and is a complete ONNX protobuf; the
/// tokenizer files are complete; and the config, the tokenizer and the decoder graph agree (vocabulary sizes, special
/// token ids, key/value cache inputs, context length against the graph's rotary cache). Failures throw
/// <see cref="Phi3ModelException"/> naming the file, the field and the cause. A failed load leaves no native object
/// behind for a finalizer.
/// </para>
/// <para>
/// <see cref="Model"/> and <see cref="Tokenizer"/> (and a client's <c>GetService</c>) hand out the native objects this
/// model owns. A handed-out object stays valid for as long as it is referenced, even after <see cref="Dispose"/>: its
/// native memory is then freed once it is no longer referenced. Do not dispose it: it is shared, and its
/// <c>Dispose()</c> is ignored.
/// </para>
/// <para>
/// Thread-safety: all members are safe to call from several threads. <see cref="Dispose"/> may be called while
/// clients generate: the native objects are freed only when the last generation using them has finished.
/// Callers that use <see cref="Tokenizer"/> directly must not call it concurrently except for
/// <see cref="Tokenizer.Encode(string)"/>; use <see cref="TokenizerLock"/> around other calls.
/// </para>
/// </remarks>
public sealed class Phi3Model : IDisposable
{
    private static readonly object s_handleGate = new();
    private static OgaHandle? s_handle;

    private readonly object _gate = new();
    private readonly GuardedModel _model;
    private readonly GuardedTokenizer _tokenizer;
    private int _leases;
    private bool _disposeRequested;
    private bool _freed;

    /// <summary>Loads the model in <paramref name="modelPath"/> on the execution providers its genai_config.json names (CPU when none).</summary>
    /// <param name="modelPath">The folder holding genai_config.json, the ONNX files and the tokenizer.</param>
    /// <exception cref="ArgumentNullException"><paramref name="modelPath"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    /// <exception cref="Phi3ModelException">The folder or a file is missing or damaged, onnxruntime-genai refused the model, or its native library is missing (no backend package).</exception>
    public Phi3Model(string modelPath)
        : this(config: null, modelPath)
    {
    }

    /// <summary>
    /// Loads the model in <paramref name="modelPath"/> from an already built onnxruntime-genai <see cref="Config"/>
    /// (for example one with execution providers applied). The folder is validated first; the caller keeps
    /// ownership of <paramref name="config"/> and may dispose it after this constructor returns.
    /// </summary>
    /// <param name="modelPath">The folder the <paramref name="config"/> was created from.</param>
    /// <param name="config">The config to build the native model from.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    /// <exception cref="Phi3ModelException">The folder or a file is missing or damaged, onnxruntime-genai refused the model, or its native library is missing (no backend package).</exception>
    public Phi3Model(string modelPath, Config config)
        : this(config ?? throw new ArgumentNullException(nameof(config)), modelPath)
    {
    }

    private Phi3Model(Config? config, string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ModelPath = Path.GetFullPath(modelPath);
        var (settings, tokenizer, graph) = Validate(ModelPath);
        ContextLength = settings.ContextLength;
        PadTokenId = settings.PadTokenId;
        ModelType = settings.ModelType;
        VocabularySize = ModelConsistency.Check(ModelPath, settings, tokenizer, graph);
        KvCache = KvCacheLayout.FromSettings(ModelPath, settings, graph);
        SpecialTokens = SpecialTokenText.From(tokenizer);
        ByteTokenIds = tokenizer.ByteTokenIds;

        EnsureHandle(ModelPath);
        try
        {
            if (config is null)
            {
                // The SDK's measured load settings, overlaid on the folder's genai_config.json.
                using var tuned = RuntimeTuning.ForFolder(ModelPath).CreateConfig(ModelPath);
                _model = new GuardedModel(tuned, WeightBytes(ModelPath));
            }
            else
            {
                _model = new GuardedModel(config, WeightBytes(ModelPath));
            }
        }
        catch (OnnxRuntimeGenAIException ex)
        {
            throw new Phi3ModelException(ModelPath, $"onnxruntime-genai could not load the model in '{ModelPath}': {ex.Message}", ex);
        }

        try
        {
            _tokenizer = new GuardedTokenizer(_model);
            EosTokenIds = [.. _tokenizer.GetEosTokenIds()];
            BosTokenId = _tokenizer.GetBosTokenId();
            TokenizerSelfCheck.Run(_tokenizer, VocabularySize, BosTokenId, tokenizer.JsonPath ?? ModelPath);
        }
        catch (Exception ex) when (ex is OnnxRuntimeGenAIException or Phi3ModelException)
        {
            _tokenizer?.ReleaseByOwner();
            _model.ReleaseByOwner();
            throw ex as Phi3ModelException ?? new Phi3ModelException(ModelPath, $"onnxruntime-genai could not load the tokenizer in '{ModelPath}': {ex.Message}", ex);
        }

        if (EosTokenIds.Count == 0)
        {
            EosTokenIds = settings.EosTokenIds;
        }
    }

    /// <summary>The bytes of the folder's ONNX graphs and their external data (<c>*.onnx</c>, <c>*.onnx.data</c>): roughly the native memory the loaded model holds.</summary>
    private static long WeightBytes(string folder) =>
        Directory.EnumerateFiles(folder)
            .Where(f => f.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || Path.GetFileName(f).Contains(".onnx.", StringComparison.OrdinalIgnoreCase))
            .Sum(f => new FileInfo(f).Length);

    /// <summary>Gets the full path of the model folder.</summary>
    public string ModelPath { get; }

    /// <summary>Gets <c>model.type</c> from genai_config.json, e.g. <c>phi3</c>.</summary>
    public string ModelType { get; }

    /// <summary>Gets the context length in tokens (<c>model.context_length</c>): prompt plus output never exceed it.</summary>
    public int ContextLength { get; }

    /// <summary>Gets the end-of-sequence token ids (for Phi-3: 32000, 32001 and 32007).</summary>
    public IReadOnlyList<int> EosTokenIds { get; }

    /// <summary>Gets the beginning-of-sequence token id.</summary>
    public int BosTokenId { get; }

    /// <summary>Gets the padding token of batched prompts (genai_config <c>model.pad_token_id</c>), or <see langword="null"/> when the config has none.</summary>
    public int? PadTokenId { get; }

    /// <summary>Gets the object to lock around <see cref="Tokenizer"/> calls other than <see cref="Tokenizer.Encode(string)"/>.</summary>
    public object TokenizerLock { get; } = new();

    /// <summary>
    /// Gets the native model, for use beside the SDK. It stays valid while referenced, even after <see cref="Dispose"/>
    /// (see the remarks on <see cref="Phi3Model"/>); do not dispose it.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public Model Model
    {
        get
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposeRequested, this);
                return _model.HandOut();
            }
        }
    }

    /// <summary>
    /// Gets the native tokenizer, for use beside the SDK (see the remarks on <see cref="Phi3Model"/> for thread-safety and
    /// lifetime); do not dispose it.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public Tokenizer Tokenizer
    {
        get
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposeRequested, this);
                return _tokenizer.HandOut();
            }
        }
    }

    /// <summary>Gets the native model without the disposed check, for holders of a lease.</summary>
    internal Model NativeModel => _model;

    /// <summary>Gets the native tokenizer without the disposed check, for holders of a lease.</summary>
    internal Tokenizer NativeTokenizer => _tokenizer;

    /// <summary>Gets how many token ids the model scores (its logits' size, else genai_config.json's <c>vocab_size</c>); <see langword="null"/> when neither tells.</summary>
    internal int? VocabularySize { get; }

    /// <summary>Gets the ids of the byte tokens <c>&lt;0x00&gt;</c> to <c>&lt;0xFF&gt;</c> by byte value, or <see langword="null"/> when the tokenizer has none.</summary>
    internal IReadOnlyList<int>? ByteTokenIds { get; }

    /// <summary>Gets the KV cache dimensions and element size, read from genai_config.json and the decoder graph.</summary>
    internal KvCacheLayout KvCache { get; }

    /// <summary>Gets the bytes one token takes in a generator's KV cache (see <see cref="KvCacheLayout"/>).</summary>
    internal long KvBytesPerToken => KvCache.BytesPerToken;

    /// <summary>Gets the added tokens' text with safe split points, for plain-text encoding.</summary>
    internal IReadOnlyList<SpecialTokenText> SpecialTokens { get; }

    /// <summary>Gets whether <see cref="Dispose"/> was called.</summary>
    internal bool IsDisposed
    {
        get
        {
            lock (_gate)
            {
                return _disposeRequested;
            }
        }
    }

    /// <summary>
    /// Releases the native model and tokenizer. Idempotent. When generations are running, the native objects
    /// are freed when the last one finishes; new uses throw <see cref="ObjectDisposedException"/> at once.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposeRequested)
            {
                return;
            }

            _disposeRequested = true;
            if (_leases > 0)
            {
                return;
            }
        }

        Free();
    }

    /// <summary>Keeps the native objects alive until the returned lease is disposed.</summary>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    internal ModelLease AcquireLease()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposeRequested, this);
            _leases++;
        }

        return new ModelLease(this);
    }

    internal void ReleaseLease()
    {
        lock (_gate)
        {
            _leases--;
            if (_leases > 0 || !_disposeRequested)
            {
                return;
            }
        }

        Free();
    }

    private void Free()
    {
        lock (_gate)
        {
            if (_freed)
            {
                return;
            }

            _freed = true;
        }

        lock (TokenizerLock)
        {
            _tokenizer.ReleaseByOwner();
        }

        _model.ReleaseByOwner();
    }

    private static (GenAIModelSettings Settings, TokenizerFiles Tokenizer, OnnxGraphInfo? Graph) Validate(string folder)
    {
        if (File.Exists(folder))
        {
            throw new Phi3ModelException(folder, $"'{folder}' is a file; a model path is the folder that holds genai_config.json, the ONNX files and the tokenizer.");
        }

        if (!Directory.Exists(folder))
        {
            throw new Phi3ModelException(folder, $"The model folder '{folder}' does not exist. Download the model first or pass the folder that holds genai_config.json.");
        }

        var settings = GenAIModelSettings.Load(Path.Combine(folder, GenAIModelSettings.FileName));
        foreach (string file in settings.OnnxFiles)
        {
            OnnxFileValidator.Validate(Path.Combine(folder, file));
        }

        return (settings, TokenizerFiles.Load(folder), OnnxGraphReader.Read(Path.Combine(folder, settings.DecoderFile)));
    }

    private static void EnsureHandle(string modelPath)
    {
        // One OgaHandle for the process lifetime lets onnxruntime-genai shut down cleanly at exit.
        lock (s_handleGate)
        {
            // The first native call: an app without a backend package fails here, with the packages to add.
            BackendPackages.EnsureNativeLoads(modelPath);
            s_handle ??= new OgaHandle();
        }
    }
}
