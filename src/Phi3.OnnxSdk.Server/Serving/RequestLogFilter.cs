using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Server.Serving;

/// <summary>
/// Logs each request's start and end (status, duration) under its id, the ASP.NET Core trace identifier, which is also
/// sent back as <c>x-request-id</c> and put in a logging scope (<c>RequestId</c>). Headers and bodies are not logged.
/// </summary>
internal sealed class RequestLogFilter : IEndpointFilter
{
    private readonly ILogger _logger;

    public RequestLogFilter(ILogger logger) => _logger = logger;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        string id = http.TraceIdentifier;
        http.Response.Headers["x-request-id"] = id;
        using var scope = ServerLog.RequestScope(_logger, id);
        ServerLog.RequestStarted(_logger, id, http.Request.Method, http.Request.Path.Value ?? string.Empty);
        long started = Stopwatch.GetTimestamp();
        try
        {
            var result = await next(context).ConfigureAwait(false);
            if (result is IResult pending and not Microsoft.AspNetCore.Http.HttpResults.EmptyHttpResult)
            {
                // Executed here, so that the status logged below is the one sent.
                await pending.ExecuteAsync(http).ConfigureAwait(false);
                return Results.Empty;
            }

            return result;
        }
        finally
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                double milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                ServerLog.RequestFinished(_logger, id, http.Response.StatusCode, milliseconds);
            }
        }
    }
}
