using System.Net;
using System.Net.Sockets;
using Phi3.OnnxSdk.Hub;
using Phi3.OnnxSdk.Provisioning;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// Fails fast without the network. Before a model is fetched, the hub's host name is looked up (a second at most);
/// when it does not resolve, the setup runs offline, so that a cached copy loads at once and an empty cache fails at
/// once with the ways to go on (<c>--model-path</c>, <c>--offline --cache-dir</c>, <c>phi3 synthetic</c>) instead of
/// retrying the hub for half a minute. A proxy (<c>HTTPS_PROXY</c>, <c>ALL_PROXY</c>) skips the check: the proxy
/// resolves names then.
/// </summary>
internal static class HubReachability
{
    private static readonly TimeSpan s_lookupTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Turns <paramref name="options"/> offline when its hub's host name does not resolve; returns that host, or <see langword="null"/>.</summary>
    public static async Task<string?> GoOfflineIfUnresolvableAsync(Phi3Options options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hub = options.Hub ??= new HubClientOptions();
        if (options.ModelPath is not null || hub.Offline == true || IsSet("HF_HUB_OFFLINE") || IsSet("HTTPS_PROXY") || IsSet("https_proxy") || IsSet("ALL_PROXY") || IsSet("all_proxy"))
        {
            return null;
        }

        var endpoint = hub.Endpoint ?? (Uri.TryCreate(Environment.GetEnvironmentVariable("HF_ENDPOINT"), UriKind.Absolute, out var fromEnvironment) ? fromEnvironment : new Uri("https://huggingface.co"));
        if (endpoint.HostNameType is not UriHostNameType.Dns)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_lookupTimeout);
        try
        {
            await Dns.GetHostAddressesAsync(endpoint.DnsSafeHost, timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (SocketException)
        {
            hub.Offline = true;
            return endpoint.DnsSafeHost;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A slow resolver is not a missing one: let the download try.
            return null;
        }
    }

    /// <summary>
    /// Returns the failure to show when the cache had nothing to run offline: for <paramref name="host"/> that did not
    /// resolve, or (<see langword="null"/>) for offline mode that was asked for. It names the ways to go on.
    /// </summary>
    public static HubOfflineException Explain(string? host, HubOfflineException cacheMiss) => new(
        (host is null
            ? ErrorText.OneLine(cacheMiss.Message)
            : $"the Hugging Face hub ({host}) cannot be reached: its name does not resolve, and the cache (--cache-dir, else HF_HUB_CACHE) holds no copy of this model.") +
        " Without the network: --model-path <folder> runs a model folder you have; --offline --cache-dir <folder> uses a filled Hugging Face cache; " +
        "'phi3 synthetic <folder>' builds a synthetic Phi-3 model (random weights) to try phi3 with.",
        cacheMiss);

    private static bool IsSet(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value && value != "0";
}
