using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Phi3.OnnxSdk.Catalog;
using Phi3.OnnxSdk.Hardware;
using Phi3.OnnxSdk.Hub;
using Phi3.OnnxSdk.Remote;
using Phi3.OnnxSdk.Resolution;
using Phi3.OnnxSdk.Runtime;

namespace Phi3.OnnxSdk.Provisioning;

/// <summary>
/// The one-call path from <see cref="Phi3Options"/> to a model on disk and a running <see cref="Phi3ChatClient"/>:
/// resolve the variant for this machine, download it into the Hugging Face cache if it is missing, load it on the
/// chosen execution provider.
/// </summary>
/// <remarks>Thread-safe: the class holds no state; concurrent calls for the same model share the download through the cache's per-file locks.</remarks>
public static partial class Phi3ModelProvisioner
{
    /// <summary>Resolves and downloads (when needed) the model the options describe, without loading it.</summary>
    /// <param name="options">What to prepare; <see langword="null"/> for the defaults (the catalog's default family on this hardware).</param>
    /// <param name="progress">Receives the resolver's decision and download progress; may be <see langword="null"/>.</param>
    /// <param name="logger">Receives the resolver's decision and download events; may be <see langword="null"/>.</param>
    /// <param name="hardwareProbe">How to read the hardware; <see langword="null"/> probes this machine.</param>
    /// <param name="cancellationToken">Cancels the download; a partial file is kept and resumed next time.</param>
    /// <returns>The local folder and the resolver's choice.</returns>
    /// <exception cref="ArgumentException">An option has a value the SDK does not know (for example an unknown provider).</exception>
    /// <exception cref="ModelCatalogException"><see cref="Phi3Options.CatalogPath"/> names a broken catalog.</exception>
    /// <exception cref="VariantResolutionException">No variant can run here, or a forced provider or variant cannot.</exception>
    /// <exception cref="HubException">The download failed (authentication, not found, integrity, offline without a cached copy).</exception>
    /// <exception cref="IOException">Not enough disk space, or the cache cannot be written.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<Phi3PreparedModel> PrepareAsync(
        Phi3Options? options = null,
        IProgress<Phi3SetupProgress>? progress = null,
        ILogger? logger = null,
        IHardwareProbe? hardwareProbe = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new Phi3Options();
        logger ??= NullLogger.Instance;
        if (options.ModelPath is { Length: > 0 } modelPath)
        {
            return new Phi3PreparedModel(Path.GetFullPath(modelPath), null, 0);
        }

        progress?.Report(new Phi3SetupProgress(Phi3SetupStage.Resolving, "Probing the hardware and choosing a variant"));
        var resolution = await new VariantResolver(LoadCatalog(options))
            .ResolveAsync(hardwareProbe ?? new SystemHardwareProbe(), ResolverOptions(options), cancellationToken)
            .ConfigureAwait(false);
        return await PrepareResolvedAsync(resolution, options, progress, logger, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Downloads (when needed) the variant a resolution chose.</summary>
    internal static async Task<Phi3PreparedModel> PrepareResolvedAsync(
        VariantResolution resolution, Phi3Options options, IProgress<Phi3SetupProgress>? progress, ILogger logger, CancellationToken cancellationToken)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Phi-3 variant: {Resolution}", resolution.ToString());
        }

        progress?.Report(new Phi3SetupProgress(Phi3SetupStage.Resolving, $"{resolution.Variant.Id}: {resolution.Reason}"));

        var variant = resolution.Variant;
        if (variant.Source.LocalPath is { } localPath)
        {
            return new Phi3PreparedModel(Path.GetFullPath(Path.Combine(localPath, variant.Source.Subfolder)), resolution, 0);
        }

        var snapshot = await DownloadAsync(variant, options, progress, logger, cancellationToken).ConfigureAwait(false);
        string folder = Path.GetFullPath(Path.Combine(snapshot.Directory, variant.Source.Subfolder));
        return new Phi3PreparedModel(folder, resolution, snapshot.BytesDownloaded);
    }

    /// <summary>Prepares the model (see <see cref="PrepareAsync"/>), loads it, and returns a client that owns it.</summary>
    /// <param name="options">What to run; <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Receives each step and download progress; may be <see langword="null"/>.</param>
    /// <param name="logger">Receives the resolver's decision, download events and the load time; may be <see langword="null"/>.</param>
    /// <param name="hardwareProbe">How to read the hardware; <see langword="null"/> probes this machine.</param>
    /// <param name="cancellationToken">Cancels resolving, downloading, or waiting for the load.</param>
    /// <returns>A client the caller disposes.</returns>
    /// <exception cref="Phi3ModelException">The model folder or a file in it is missing or damaged, or the provider cannot load it.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Also throws what <see cref="PrepareAsync"/> throws.</remarks>
    public static async Task<Phi3ChatClient> CreateChatClientAsync(
        Phi3Options? options = null,
        IProgress<Phi3SetupProgress>? progress = null,
        ILogger? logger = null,
        IHardwareProbe? hardwareProbe = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new Phi3Options();
        var prepared = await PrepareAsync(options, progress, logger, hardwareProbe, cancellationToken).ConfigureAwait(false);
        return await LoadChatClientAsync(prepared, options, progress, logger, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Loads a model that <see cref="PrepareAsync"/> returned and returns a client that owns it: the second half of
    /// <see cref="CreateChatClientAsync(Phi3Options?, IProgress{Phi3SetupProgress}?, ILogger?, IHardwareProbe?, CancellationToken)"/>,
    /// for callers that time or report the download and the load apart.
    /// </summary>
    /// <param name="prepared">The prepared folder and the resolver's choice.</param>
    /// <param name="options">The options <paramref name="prepared"/> came from (the provider and client defaults); <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Receives the loading and ready steps; may be <see langword="null"/>.</param>
    /// <param name="logger">Receives the load time; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels waiting for the load.</param>
    /// <returns>A client the caller disposes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="prepared"/> is <see langword="null"/>.</exception>
    /// <exception cref="Phi3ModelException">The model folder or a file in it is missing or damaged, the provider cannot load it, or the app has no backend package.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<Phi3ChatClient> LoadChatClientAsync(
        Phi3PreparedModel prepared,
        Phi3Options? options = null,
        IProgress<Phi3SetupProgress>? progress = null,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        options ??= new Phi3Options();
        logger ??= NullLogger.Instance;
        progress?.Report(new Phi3SetupProgress(Phi3SetupStage.Loading, $"Loading {prepared.Folder}"));
        var stopwatch = Stopwatch.StartNew();
        var model = await Task.Run(() => Load(prepared, options), cancellationToken).ConfigureAwait(false);
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Loaded the Phi-3 model in {Folder} in {Seconds:F2} s", prepared.Folder, stopwatch.Elapsed.TotalSeconds);
        }

        var settings = options.ChatClient?.Clone() ?? new Phi3ChatClientOptions();
        settings.ModelId = ModelIdOf(options);
        var client = Phi3ChatClient.CreateOwning(model, settings, logger);
        progress?.Report(new Phi3SetupProgress(Phi3SetupStage.Ready, string.Create(CultureInfo.InvariantCulture, $"Ready in {stopwatch.Elapsed.TotalSeconds:F1} s")));
        return client;
    }

    /// <summary>
    /// Creates the client the options' placement chooses: the remote provider (see <see cref="CreateRemoteChatClient"/>)
    /// or the local <see cref="Phi3ChatClient"/> (see <see cref="CreateChatClientAsync"/>).
    /// </summary>
    /// <param name="options">What to run; <see langword="null"/> for the defaults (local).</param>
    /// <param name="progress">Receives each step of a local setup; may be <see langword="null"/>.</param>
    /// <param name="logger">Receives the placement decision, and for a local model what <see cref="CreateChatClientAsync"/> logs; may be <see langword="null"/>.</param>
    /// <param name="hardwareProbe">How to read the hardware; <see langword="null"/> probes this machine (never probed under <see cref="Phi3Placement.RemoteOnly"/>).</param>
    /// <param name="cancellationToken">Cancels resolving, downloading, or waiting for the load.</param>
    /// <returns>A client the caller disposes.</returns>
    /// <exception cref="ArgumentException">The placement needs a remote endpoint or model name that is not set, or an option has a value the SDK does not know.</exception>
    /// <remarks>Also throws what <see cref="CreateChatClientAsync"/> throws when the local model is chosen.</remarks>
    public static async Task<IChatClient> CreateClientAsync(
        Phi3Options? options = null,
        IProgress<Phi3SetupProgress>? progress = null,
        ILogger? logger = null,
        IHardwareProbe? hardwareProbe = null,
        CancellationToken cancellationToken = default) =>
        (await CreatePlacedClientAsync(options ?? new Phi3Options(), progress, logger ?? NullLogger.Instance, hardwareProbe, cancellationToken).ConfigureAwait(false)).Client;

    /// <summary>Decides, without loading anything, where the options' client runs (see <see cref="PlacementResolver"/>).</summary>
    /// <param name="options">What to run; <see langword="null"/> for the defaults (local).</param>
    /// <param name="hardwareProbe">How to read the hardware; <see langword="null"/> probes this machine.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>The decision and its reason.</returns>
    /// <exception cref="ArgumentException">The placement needs a remote endpoint or model name that is not set, or an option has a value the SDK does not know.</exception>
    /// <exception cref="VariantResolutionException">Local only, and nothing in the family can run here.</exception>
    public static ValueTask<PlacementDecision> ResolvePlacementAsync(Phi3Options? options = null, IHardwareProbe? hardwareProbe = null, CancellationToken cancellationToken = default)
    {
        options ??= new Phi3Options();
        return new PlacementResolver(new VariantResolver(LoadCatalog(options)))
            .ResolveAsync(hardwareProbe ?? new SystemHardwareProbe(), PlacementRequestOf(options), cancellationToken);
    }

    /// <summary>
    /// Creates the remote provider: Microsoft.Extensions.AI's <see cref="IChatClient"/> over the official OpenAI client,
    /// for <see cref="Phi3RemoteOptions.Endpoint"/> and <see cref="Phi3RemoteOptions.Model"/> (else <see cref="Phi3Options.Model"/>).
    /// Nothing is contacted until the first request.
    /// </summary>
    /// <param name="options">The options whose <see cref="Phi3Options.Remote"/> names the endpoint.</param>
    /// <returns>A client the caller disposes; thread-safe.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No endpoint or model name is set, or the endpoint is not an absolute http(s) address.</exception>
    public static IChatClient CreateRemoteChatClient(Phi3Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var request = PlacementRequestOf(options) with { Policy = Phi3Placement.RemoteOnly };
        var decision = new PlacementResolver(new VariantResolver(LoadCatalog(options))).Resolve(hardware: null, request);
        return RemoteChatClientFactory.Create(decision.RemoteEndpoint!, decision.RemoteModel!, options.Remote);
    }

    /// <summary>Places, then creates the remote client or resolves, downloads and loads the local one.</summary>
    internal static async Task<(IChatClient Client, PlacementDecision Placement)> CreatePlacedClientAsync(
        Phi3Options options, IProgress<Phi3SetupProgress>? progress, ILogger logger, IHardwareProbe? hardwareProbe, CancellationToken cancellationToken)
    {
        var placement = await ResolvePlacementAsync(options, hardwareProbe, cancellationToken).ConfigureAwait(false);
        if (logger.IsEnabled(LogLevel.Information) && placement.Policy != Phi3Placement.LocalOnly)
        {
            logger.LogInformation("Phi-3 placement: {Placement}", placement.ToString());
        }

        if (placement.IsRemote)
        {
            progress?.Report(new Phi3SetupProgress(Phi3SetupStage.Ready, $"Remote {EndpointText.Redact(placement.RemoteEndpoint)} (model {placement.RemoteModel}): {placement.Reason}"));
            return (RemoteChatClientFactory.Create(placement.RemoteEndpoint!, placement.RemoteModel!, options.Remote), placement);
        }

        var prepared = placement.Local is { } resolution
            ? await PrepareResolvedAsync(resolution, options, progress, logger, cancellationToken).ConfigureAwait(false)
            : await PrepareAsync(options, progress, logger, hardwareProbe, cancellationToken).ConfigureAwait(false);
        return (await LoadChatClientAsync(prepared, options, progress, logger, cancellationToken).ConfigureAwait(false), placement);
    }

    private static PlacementRequest PlacementRequestOf(Phi3Options options) => new()
    {
        Policy = options.Placement,
        RemoteEndpoint = options.Remote?.Endpoint,
        RemoteModel = options.Remote?.Model is { Length: > 0 } remoteModel ? remoteModel : options.Model,
        LocalFolder = options.ModelPath is { Length: > 0 } folder ? Path.GetFullPath(folder) : null,
        Local = ResolverOptions(options),
    };

    /// <summary>Loads a prepared folder on the resolved provider, or on the forced one, or as its genai_config.json says.</summary>
    internal static Phi3Model Load(Phi3PreparedModel prepared, Phi3Options options)
    {
        var forced = ParseProvider(options.Provider);
        if (prepared.Resolution is null && forced is null)
        {
            return new Phi3Model(prepared.Folder);
        }

        try
        {
            using var config = prepared.Resolution is { } resolution
                ? GenAIConfigFactory.Create(prepared.Folder, resolution)
                : GenAIConfigFactory.Create(prepared.Folder, forced!.Value);
            return new Phi3Model(prepared.Folder, config);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or Microsoft.ML.OnnxRuntimeGenAI.OnnxRuntimeGenAIException)
        {
            throw new Phi3ModelException(prepared.Folder, $"Cannot load the model in '{prepared.Folder}': {ex.Message}", ex);
        }
    }

    /// <summary>Builds the catalog the options name: the shipped one, with <see cref="Phi3Options.CatalogPath"/>'s entries merged over it.</summary>
    internal static ModelCatalog LoadCatalog(Phi3Options options) => options.CatalogPath is { Length: > 0 } catalogPath
        ? ModelCatalog.Default.WithEntries(ModelCatalog.Load(catalogPath))
        : ModelCatalog.Default;

    /// <summary>The variant resolver's options from <paramref name="options"/>.</summary>
    internal static VariantResolverOptions ResolverOptions(Phi3Options options) => new()
    {
        Family = options.Model,
        Provider = ParseProvider(options.Provider),
        Variant = options.Variant,
        Preference = options.Preference,
        MemoryCeilingBytes = options.MemoryCeilingBytes,
    };

    /// <summary>Parses a provider name; <see langword="null"/>, empty and <c>auto</c> mean "choose from the hardware".</summary>
    internal static ExecutionProvider? ParseProvider(string? provider)
    {
        if (string.IsNullOrWhiteSpace(provider) || provider.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return ProviderNames.TryParse(provider, out var parsed)
            ? parsed
            : throw new ArgumentException($"Unknown provider '{provider}'. Use cpu, cuda, dml or auto.", nameof(provider));
    }

    private static async Task<HubSnapshot> DownloadAsync(
        ModelVariant variant, Phi3Options options, IProgress<Phi3SetupProgress>? progress, ILogger logger, CancellationToken cancellationToken)
    {
        string repo = variant.Source.HubRepository
            ?? throw new VariantResolutionException($"The catalog entry '{variant.Id}' has neither a hub repository nor a local path.");
        string subfolder = variant.Source.Subfolder.Trim('/');
        var request = new HubDownloadRequest
        {
            RepoId = repo,
            Revision = variant.Source.Revision,
            Files = variant.FileListComplete
                ? variant.Files.Select(f => new HubFile(subfolder.Length == 0 ? f.Path : $"{subfolder}/{f.Path}") { Sha256 = f.Sha256, Size = f.SizeBytes }).ToList()
                : null,
            Folder = variant.FileListComplete ? null : subfolder,
        };

        // A copy: the caller's options (a DI singleton, say) are not changed.
        var hubOptions = options.Hub?.Clone() ?? new HubClientOptions();
        hubOptions.Logger ??= logger;
        progress?.Report(new Phi3SetupProgress(Phi3SetupStage.Downloading, $"Fetching {variant.Id} from {repo}"));
        var downloadProgress = progress is null
            ? null
            : new SynchronousProgress<DownloadProgress>(p => progress.Report(new Phi3SetupProgress(Phi3SetupStage.Downloading, p.FilePath, p)));
        using var downloader = new HuggingFaceDownloader(hubOptions);
        return await downloader.DownloadAsync(request, downloadProgress, cancellationToken).ConfigureAwait(false);
    }
}
