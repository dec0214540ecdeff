using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Server.Serving;

/// <summary>
/// Requires <c>Authorization: Bearer &lt;key&gt;</c>. Both sides are hashed (SHA-256) and the hashes compared with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, so the time taken says nothing about the key, its length
/// included. Neither the expected nor the presented key is ever logged. Thread-safe.
/// </summary>
internal sealed class ApiKeyFilter : IEndpointFilter
{
    private readonly byte[] _expectedHash;
    private readonly ILogger _logger;

    public ApiKeyFilter(string apiKey, ILogger logger)
    {
        _expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));
        _logger = logger;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!Matches(http.Request.Headers.Authorization.ToString()))
        {
            ServerLog.Unauthorized(_logger, http.TraceIdentifier);
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await OpenAIErrors.WriteAsync(http, OpenAIErrors.Unauthorized()).ConfigureAwait(false);
            return Results.Empty;
        }

        return await next(context).ConfigureAwait(false);
    }

    private bool Matches(string authorization)
    {
        const string Scheme = "Bearer ";
        string presented = authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? authorization[Scheme.Length..].Trim() : string.Empty;
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), hash);
        return CryptographicOperations.FixedTimeEquals(hash, _expectedHash) && presented.Length > 0;
    }
}
