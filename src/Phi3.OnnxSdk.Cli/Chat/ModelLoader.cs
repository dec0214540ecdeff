using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Catalog;
using Phi3.OnnxSdk.Hardware;
using Phi3.OnnxSdk.Hub;
using Phi3.OnnxSdk.Provisioning;
using Phi3.OnnxSdk.Remote;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// Resolves, downloads (with the progress bar) and loads the model a command line names, and says what it loaded:
/// "Loaded &lt;variant&gt; in N s", where N is the load alone, not the download.
/// </summary>
internal static class ModelLoader
{
    /// <summary>Prepares the model (resolve and download) with progress on stderr; the progress line is ended before returning.</summary>
    public static async Task<Phi3PreparedModel> PrepareAsync(CliContext context, Phi3Options options, IHardwareProbe? hardware, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        EnsureKnownFamily(options);
        string? unreachable = await HubReachability.GoOfflineIfUnresolvableAsync(options, cancellationToken).ConfigureAwait(false);
        var progress = new SetupProgressReporter(context.Console);
        try
        {
            return await Phi3ModelProvisioner.PrepareAsync(options, progress, logger: null, hardware, cancellationToken).ConfigureAwait(false);
        }
        catch (HubOfflineException ex)
        {
            throw HubReachability.Explain(unreachable, ex);
        }
        finally
        {
            progress.Complete();
        }
    }

    /// <summary>Prepares and loads the model; with <paramref name="announce"/>, prints the variant and the load time.</summary>
    public static async Task<Phi3ChatClient> LoadAsync(CliContext context, Phi3Options options, bool announce, CancellationToken cancellationToken)
    {
        var prepared = await PrepareAsync(context, options, hardware: null, cancellationToken).ConfigureAwait(false);
        string what = prepared.Resolution?.Variant.Id ?? prepared.Folder;
        options.ChatClient ??= new Phi3ChatClientOptions();
        options.ChatClient.ModelId ??= prepared.Resolution?.Variant.Id;

        var stopwatch = Stopwatch.StartNew();
        var client = await Phi3ModelProvisioner.LoadChatClientAsync(prepared, options, progress: null, logger: null, cancellationToken).ConfigureAwait(false);
        if (announce)
        {
            context.Console.Note(string.Create(CultureInfo.InvariantCulture, $"Loaded {what} in {stopwatch.Elapsed.TotalSeconds:0.0} s"));
        }

        return client;
    }

    /// <summary>
    /// Decides where the model runs (<c>--placement</c>); remote: the remote provider (nothing is loaded here; with
    /// <paramref name="announce"/>, the endpoint and the reason are printed), local: <see cref="LoadAsync"/>.
    /// </summary>
    public static async Task<IChatClient> LoadPlacedAsync(CliContext context, Phi3Options options, bool announce, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        if (PlacementOptions.MayBeRemote(options))
        {
            var placement = await Phi3ModelProvisioner.ResolvePlacementAsync(options, hardwareProbe: null, cancellationToken).ConfigureAwait(false);
            if (placement.IsRemote)
            {
                if (announce)
                {
                    context.Console.Note($"Remote {EndpointText.Redact(placement.RemoteEndpoint)} (model {placement.RemoteModel}): {ErrorText.OneLine(placement.Reason)}");
                }

                return Phi3ModelProvisioner.CreateRemoteChatClient(options);
            }
        }

        return await LoadAsync(context, options, announce, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fails with a usage error (exit 2) when <c>--model</c> names no family of the catalog.</summary>
    public static ModelCatalog EnsureKnownFamily(Phi3Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var catalog = options.CatalogPath is { } path ? ModelCatalog.Default.WithEntries(ModelCatalog.Load(path)) : ModelCatalog.Default;
        if (options.ModelPath is null && options.Model is { } family && catalog.FindFamily(family) is null)
        {
            throw new CliUsageException($"--model: unknown model family '{family}'; the catalog has {string.Join(", ", catalog.Families.Select(f => f.Id))}");
        }

        return catalog;
    }
}
