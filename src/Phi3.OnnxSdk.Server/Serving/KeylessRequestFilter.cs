using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Phi3.OnnxSdk.Server.Serving;

/// <summary>
/// What guards endpoints that need no API key against web pages (DNS rebinding, cross-origin "simple" POSTs): the
/// <c>Host</c> must name this machine (<c>localhost</c>, a <c>*.localhost</c> name, a loopback address, or the address
/// the connection arrived on), else 421; a body must be <c>application/json</c> (a browser cannot send that
/// cross-origin without a CORS preflight), else 415. With a key neither is checked: the key protects. Thread-safe.
/// </summary>
internal sealed class KeylessRequestFilter : IEndpointFilter
{
    private readonly ILogger _logger;

    public KeylessRequestFilter(ILogger logger) => _logger = logger;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var error = !IsLocalHost(http.Request.Host.Host, http.Connection.LocalIpAddress)
            ? OpenAIErrors.ForeignHost(http.Request.Host.Value ?? string.Empty)
            : HttpMethods.IsPost(http.Request.Method) && !IsJson(http.Request.ContentType)
                ? OpenAIErrors.NotJson(http.Request.ContentType)
                : null;
        if (error is not null)
        {
            ServerLog.Rejected(_logger, http.TraceIdentifier, error.StatusCode, error.Code, error.Message);
            await OpenAIErrors.WriteAsync(http, error).ConfigureAwait(false);
            return Results.Empty;
        }

        return await next(context).ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="host"/> (the <c>Host</c> header without its port) names this machine.</summary>
    internal static bool IsLocalHost(string host, IPAddress? local)
    {
        if (host.Length == 0)
        {
            return false;
        }

        string name = host.TrimEnd('.');
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        string literal = name is ['[', .., ']'] ? name[1..^1] : name;
        if (!IPAddress.TryParse(literal, out var address) || (!literal.Contains(':', StringComparison.Ordinal) && literal.Count(c => c == '.') != 3))
        {
            // A name other than localhost, or a shorthand such as "2130706433" that only some resolvers read as an address.
            return false;
        }

        return IPAddress.IsLoopback(address) || (local is not null && Normalize(address).Equals(Normalize(local)));
    }

    /// <summary>Whether <paramref name="contentType"/> is <c>application/json</c>, with or without parameters such as a charset.</summary>
    internal static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
