using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Runtime;

namespace Phi3.OnnxSdk.Chat;

/// <summary>
/// A generator with its KV cache and the token ids it holds. Used by one request at a time; kept by the
/// <see cref="KvSessionCache"/> between requests. Holds a model lease so the native model outlives it.
/// </summary>
internal sealed class KvSession : IDisposable
{
    private readonly ModelLease _lease;
    private readonly GeneratorParams _parameters;

    /// <param name="model">The model; a lease is held for the session's life.</param>
    /// <param name="settings">The request's settings.</param>
    /// <param name="maxLength">The KV buffer length.</param>
    /// <param name="imageKey">The hashes of the images the session's prompt holds, in order; empty for none.</param>
    public KvSession(Phi3Model model, GenerationSettings settings, int maxLength, string imageKey = "")
    {
        _lease = model.AcquireLease();
        try
        {
            _parameters = new Runtime.Native.GuardedGeneratorParams(model.NativeModel);
            try
            {
                settings.Apply(_parameters, maxLength);
                Generator = new Generator(model.NativeModel, _parameters);
            }
            catch
            {
                _parameters.Dispose();
                throw;
            }
        }
        catch
        {
            _lease.Dispose();
            throw;
        }

        MaxLength = maxLength;
        GeneratorKey = settings.GeneratorKey;
        ImageKey = imageKey;
        CanRewind = !Vision.ImagePlaceholders.IsVisionModel(model.ModelType);
        Reusable = settings.AllowsKvReuse;
    }

    /// <summary>Gets the native generator.</summary>
    public Generator Generator { get; }

    /// <summary>Gets the KV buffer length (max_length) the generator was created with.</summary>
    public int MaxLength { get; }

    /// <summary>Gets the settings key the generator was created with.</summary>
    public string GeneratorKey { get; }

    /// <summary>
    /// Gets the hashes of the images in the session's prompt: the runtime takes images only with a generator's first
    /// prompt, so a session serves only prompts with exactly these images (empty: none).
    /// </summary>
    public string ImageKey { get; }

    /// <summary>Gets whether the generator can rewind; a <c>phi3v</c> generator cannot (onnxruntime-genai 0.18), so it can only be appended to.</summary>
    public bool CanRewind { get; }

    /// <summary>
    /// Gets whether the session may be reused: greedy only (a sampling generator's random state cannot be reset, so a
    /// seeded request would not repeat) and not with guidance (its grammar state is not rewound).
    /// </summary>
    public bool Reusable { get; }

    /// <summary>Gets or sets the length of the prompt last fed to this session.</summary>
    public int PromptLength { get; set; }

    /// <summary>Gets the ids in the generator's sequence; the last one may not have been fed to the model yet.</summary>
    public List<int> Tokens { get; } = [];

    /// <summary>
    /// How many leading tokens of <paramref name="prompt"/> this session can keep: the common prefix, at most the
    /// sequence length minus one (the last token must be fed again to match a fresh prefill) and at most the prompt
    /// length minus one (the prompt's last token must be fed to get its logits). A session that cannot rewind keeps
    /// all its tokens or none: the prompt must start with all of them and be longer (the runtime feeds the last
    /// generated token before the appended ones).
    /// </summary>
    public int ReusableLength(ReadOnlySpan<int> prompt)
    {
        int common = prompt.CommonPrefixLength(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Tokens));
        if (!CanRewind)
        {
            return common == Tokens.Count && prompt.Length > Tokens.Count ? Tokens.Count : 0;
        }

        return Math.Min(common, Math.Min(Tokens.Count, prompt.Length) - 1);
    }

    /// <summary>Rewinds the generator to <paramref name="length"/> tokens; nothing to do (no native call) at its current length.</summary>
    public void RewindTo(int length)
    {
        if (length == Tokens.Count)
        {
            return;
        }

        Generator.RewindTo((ulong)length);
        Tokens.RemoveRange(length, Tokens.Count - length);
    }

    /// <summary>Gets whether the session was disposed (its generator freed).</summary>
    public bool IsDisposed { get; private set; }

    public void Dispose()
    {
        if (IsDisposed)
        {
            return;
        }

        IsDisposed = true;
        Generator.Dispose();
        _parameters.Dispose();
        _lease.Dispose();
    }
}
