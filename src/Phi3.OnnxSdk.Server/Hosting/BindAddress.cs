using System.Net;

namespace Phi3.OnnxSdk.Server.Hosting;

/// <summary>The address a server listens on, parsed from a host name or IP literal, and whether it is loopback only.</summary>
internal static class BindAddress
{
    /// <summary>
    /// The address to listen on for <paramref name="host"/>: an IP literal (an IPv4-mapped IPv6 one as its IPv4 address),
    /// <c>localhost</c>, <c>*</c> or <c>+</c> (every interface), else the first address the name resolves to (so a name
    /// that resolves to another machine's interface is not loopback).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="host"/> is neither an IP address nor a name that resolves.</exception>
    public static IPAddress Parse(string host) => Parse(host, Dns.GetHostAddresses);

    /// <summary>As <see cref="Parse(string)"/>, with the name lookup given (tests).</summary>
    public static IPAddress Parse(string host, Func<string, IPAddress[]> resolve)
    {
        var address = ParseLiteral(host, resolve);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    private static IPAddress ParseLiteral(string host, Func<string, IPAddress[]> resolve)
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

        if (IPAddress.TryParse(trimmed, out var address))
        {
            return address;
        }

        string advice = $"The host '{host}' is not an IP address or a name this machine resolves; use 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one interface's address.";
        if (Uri.CheckHostName(trimmed) != UriHostNameType.Dns)
        {
            throw new ArgumentException(advice, nameof(host));
        }

        IPAddress[] resolved;
        try
        {
            resolved = resolve(trimmed);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new ArgumentException($"{advice} ({ex.Message})", nameof(host), ex);
        }

        return resolved.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? resolved.FirstOrDefault()
            ?? throw new ArgumentException(advice, nameof(host));
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
