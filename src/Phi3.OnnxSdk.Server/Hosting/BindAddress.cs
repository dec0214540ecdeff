using System.Net;

namespace Phi3.OnnxSdk.Server.Hosting;

/// <summary>The address a server listens on, parsed from a host name or IP literal, and whether it is loopback only.</summary>
internal static class BindAddress
{
    /// <exception cref="ArgumentException"><paramref name="host"/> is neither an IP address nor <c>localhost</c>.</exception>
    public static IPAddress Parse(string host)
    {
        string trimmed = host.Trim();
        if (trimmed.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        if (trimmed is "*" or "+")
        {
            return IPAddress.Any;
        }

        if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
        {
            trimmed = trimmed[1..^1];
        }

        return IPAddress.TryParse(trimmed, out var address)
            ? address
            : throw new ArgumentException($"The host '{host}' is not an IP address; use 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one interface's address.", nameof(host));
    }

    /// <summary>Gets whether a listening address as Kestrel reports it (<c>http://127.0.0.1:8000</c>, <c>http://[::]:8000</c>) is loopback only; anything unreadable counts as open.</summary>
    public static bool IsLoopbackUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return false;
        }

        string host = uri.Host.Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IsLoopback(address));
    }

    /// <summary>Gets whether only this machine can reach <paramref name="address"/>.</summary>
    public static bool IsLoopback(IPAddress address) => IPAddress.IsLoopback(address);
}
