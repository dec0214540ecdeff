using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk;

/// <summary>
/// Options of a <see cref="Phi3ChatClient"/>. A <see langword="null"/> property means the documented default.
/// The sampling properties are client-wide defaults: a value set in a request's
/// <see cref="Microsoft.Extensions.AI.ChatOptions"/> wins. Every option works at every value it accepts, up to
/// <see cref="int.MaxValue"/> and <see cref="long.MaxValue"/>; a value out of its range makes the client's constructor
/// throw <see cref="ArgumentOutOfRangeException"/> naming the option.
/// </summary>
public sealed class Phi3ChatClientOptions
{
    /// <summary>
    /// Gets or sets the model id reported in responses, updates and metadata. Default: the model folder's name. A
    /// request's <see cref="Microsoft.Extensions.AI.ChatOptions.ModelId"/> does not change it: the client runs the one
    /// model it loaded.
    /// </summary>
    public string? ModelId { get; set; }

    /// <summary>
    /// Gets or sets the logger for what a request asks that the client ignores or enforces only in part (ignored
    /// options, schema keywords guidance cannot enforce), each logged once. Default: none; a client that
    /// <c>AddPhi3ChatClient</c> registers uses the container's logger (category <c>Phi3.OnnxSdk.Phi3LazyChatClient</c>).
    /// </summary>
    public ILogger? Logger { get; set; }

    /// <summary>
    /// Gets or sets what happens to a tool call whose arguments break the tool's schema.
    /// Default (<see langword="null"/>): <see cref="Phi3InvalidToolCalls.Drop"/>, the call is left out of the answer and
    /// reported under <see cref="Phi3ChatResponseKeys.InvalidToolCalls"/>, as a cut-off call is under
    /// <see cref="Phi3ChatResponseKeys.IncompleteToolCall"/>.
    /// </summary>
    public Phi3InvalidToolCalls? InvalidToolCalls { get; set; }

    /// <summary>
    /// The maximum number of generated tokens when neither <see cref="MaxOutputTokens"/> nor the request's
    /// <see cref="Microsoft.Extensions.AI.ChatOptions.MaxOutputTokens"/> sets one: 1024. The OpenAI-compatible server
    /// reads the same value to know the limit a request without max_tokens gets.
    /// </summary>
    public const int DefaultMaxOutputTokens = 1024;

    /// <summary>Gets or sets the default maximum number of generated tokens. Default: <see cref="DefaultMaxOutputTokens"/>.</summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>Gets or sets the default temperature. Default: none (greedy decoding, as the model's config).</summary>
    public float? Temperature { get; set; }

    /// <summary>Gets or sets the default nucleus-sampling probability. Default: none.</summary>
    public float? TopP { get; set; }

    /// <summary>Gets or sets the default top-k. Default: none.</summary>
    public int? TopK { get; set; }

    /// <summary>
    /// Gets or sets the default random seed for sampling. Default: none (a fresh random seed per request). Every value is
    /// a reproducible seed, as for <see cref="Microsoft.Extensions.AI.ChatOptions.Seed"/>: the same seed with the same
    /// settings gives the same answer (see <see cref="Phi3ChatClient"/>).
    /// </summary>
    public long? Seed { get; set; }

    /// <summary>Gets or sets the default stop sequences. Default: none (generation stops at the model's end tokens).</summary>
    public IList<string>? StopSequences { get; set; }

    /// <summary>Gets or sets how many generations may run at once; others wait (cancellably). Default: 4.</summary>
    public int? MaxConcurrentGenerations { get; set; }

    /// <summary>
    /// Gets or sets whether the KV cache of recent conversations is kept and reused when a new request shares a
    /// token prefix with one of them. Only greedy requests without guidance are cached (a sampling generator's random
    /// state cannot be rewound). Default: <see langword="true"/>.
    /// </summary>
    public bool? EnableKvReuse { get; set; }

    /// <summary>
    /// Gets or sets whether requests that run together, and that reuse no cached KV prefix, decode in one shared batch
    /// (one onnxruntime-genai generator with a row per request, so each model step reads the weights once for all of
    /// them) instead of each on its own generator. A request that finds no other generation running waits about
    /// 5 ms for company and otherwise keeps its own generator and KV cache. Requests with guidance, tools, a seed or an
    /// n-gram ban always use their own generator; a batch holds requests with equal sampling settings and runs until its
    /// last request ends, so a request arriving meanwhile waits for the next batch; a batched turn's KV cache is not
    /// kept for reuse, so the conversation's next turn prefills its whole history. Default:
    /// <see langword="false"/>. With Phi-3-mini int4 on a 2-core CPU, 4 concurrent requests get 2.35 times one request's
    /// tokens per second with batching (2.7 times once all are decoding), and 1.1 times without (docs/benchmarks.md, "Concurrency"):
    /// turn it on for services with many simultaneous short exchanges, leave it off for long multi-turn chats.
    /// Ignored when <see cref="MaxConcurrentGenerations"/> is 1 or the model's genai_config.json has no pad token.
    /// </summary>
    public bool? EnableBatching { get; set; }

    /// <summary>Gets or sets how long a batch waits for company (tests lengthen it to rule out timing). Default: 5 ms.</summary>
    internal TimeSpan? BatchGatherTime { get; set; }

    /// <summary>
    /// Gets or sets how many conversations' KV caches are kept; the least recently used is evicted. The caches kept are
    /// also limited in bytes by <see cref="MaxCachedKvBytes"/>, whichever limit is reached first; 0 disables KV reuse.
    /// Default: 4.
    /// </summary>
    public int? MaxCachedSessions { get; set; }

    /// <summary>
    /// Gets or sets the most bytes the kept KV caches may hold together. A kept conversation holds its generator's whole
    /// KV buffer (prompt + requested output + <see cref="KvCacheHeadroomTokens"/> tokens, each
    /// 2 x layers x KV heads x head size elements in the decoder graph's KV type: 768 KiB per token for the Phi-3-mini
    /// CPU int4 variant, whose cache is fp32, so a 16K-token conversation holds 12.6 GB). When a finished request's
    /// cache is kept, the least recently used ones are freed until the total fits; the cache just kept always stays, even
    /// alone over the budget (it fitted in memory while its request ran, and freeing it would cost the conversation's next
    /// turn a prefill of its whole history), so the idle caches hold at most the budget or the most recent one. Caches of
    /// requests still running are not counted. 0 disables KV reuse, like <see cref="MaxCachedSessions"/> = 0. Default: a quarter of the memory the GC
    /// reports as available to the process (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>: physical memory or the
    /// container's limit). The budget is counted against that memory even when the cache lives in GPU memory (CUDA,
    /// DirectML): set it to what the device can spare there. A negative value makes the client's constructor throw
    /// <see cref="ArgumentOutOfRangeException"/>.
    /// </summary>
    public long? MaxCachedKvBytes { get; set; }

    /// <summary>
    /// Gets or sets the extra tokens allocated in each generator's KV buffer beyond prompt plus requested output, so
    /// that a following turn fits and can reuse it. Each token costs KV memory (2 x layers x KV heads x head size
    /// elements: 768 KiB for the Phi-3-mini CPU int4 variant's fp32 cache, 384 KiB for the fp16 GPU variants).
    /// Default: 1024 with KV reuse, 0 without.
    /// </summary>
    public int? KvCacheHeadroomTokens { get; set; }

    /// <summary>Gets or sets the prompt tokens processed per native call; cancellation is checked between chunks. Default: 512.</summary>
    public int? PrefillChunkTokens { get; set; }

    /// <summary>A copy of every setting (a new <see cref="StopSequences"/> list); the copy can be changed without changing this instance.</summary>
    /// <returns>The copy.</returns>
    internal Phi3ChatClientOptions Clone() => new()
    {
        ModelId = ModelId,
        Logger = Logger,
        InvalidToolCalls = InvalidToolCalls,
        MaxOutputTokens = MaxOutputTokens,
        Temperature = Temperature,
        TopP = TopP,
        TopK = TopK,
        Seed = Seed,
        StopSequences = StopSequences is null ? null : [.. StopSequences],
        MaxConcurrentGenerations = MaxConcurrentGenerations,
        EnableKvReuse = EnableKvReuse,
        EnableBatching = EnableBatching,
        BatchGatherTime = BatchGatherTime,
        MaxCachedSessions = MaxCachedSessions,
        MaxCachedKvBytes = MaxCachedKvBytes,
        KvCacheHeadroomTokens = KvCacheHeadroomTokens,
        PrefillChunkTokens = PrefillChunkTokens,
    };

    /// <summary>
    /// Refuses a value no request could use: each option's range is checked here, at the client's construction, so that
    /// a bad default does not surface as a failure of every request.
    /// </summary>
    /// <param name="vocabularySize">The model's vocabulary size (the top of <see cref="TopK"/>'s range), or <see langword="null"/> when unknown.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; <see cref="ArgumentException.ParamName"/> is the option's name.</exception>
    internal void Validate(int? vocabularySize)
    {
        AtLeast(MaxOutputTokens, 1, nameof(MaxOutputTokens));
        if (Temperature is { } temperature && !(temperature >= 0))
        {
            throw OutOfRange(nameof(Temperature), temperature, "Temperature must be 0 or more (0 means greedy).");
        }

        if (TopP is { } topP && !(topP > 0 && topP <= 1))
        {
            throw OutOfRange(nameof(TopP), topP, "TopP must be greater than 0 and at most 1.");
        }

        if (TopK is { } topK && (topK < 1 || topK > (vocabularySize ?? int.MaxValue)))
        {
            throw OutOfRange(nameof(TopK), topK, $"TopK must be from 1 to the model's vocabulary size ({vocabularySize}).");
        }

        if (InvalidToolCalls is { } invalid && !Enum.IsDefined(invalid))
        {
            throw OutOfRange(nameof(InvalidToolCalls), invalid, "InvalidToolCalls must be Drop or Return.");
        }

        AtLeast(MaxConcurrentGenerations, 1, nameof(MaxConcurrentGenerations));
        AtLeast(MaxCachedSessions, 0, nameof(MaxCachedSessions));
        AtLeast(MaxCachedKvBytes, 0, nameof(MaxCachedKvBytes));
        AtLeast(KvCacheHeadroomTokens, 0, nameof(KvCacheHeadroomTokens));
        AtLeast(PrefillChunkTokens, 1, nameof(PrefillChunkTokens));
        if (BatchGatherTime is { } gather && (gather < TimeSpan.Zero || gather > TimeSpan.FromMinutes(1)))
        {
            throw OutOfRange(nameof(BatchGatherTime), gather, "BatchGatherTime must be from 0 to 1 minute.");
        }
    }

    private static void AtLeast(long? value, long minimum, string name)
    {
        if (value is { } v && v < minimum)
        {
            throw OutOfRange(name, v, $"{name} must be {minimum} or more.");
        }
    }

    private static ArgumentOutOfRangeException OutOfRange(string option, object value, string message) => new(option, value, message);
}
