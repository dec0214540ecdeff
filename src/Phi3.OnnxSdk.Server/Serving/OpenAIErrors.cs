using System.Globalization;
using Microsoft.AspNetCore.Http;
using Phi3.OnnxSdk.Server.Mapping;
using Phi3.OnnxSdk.Server.Protocol;

namespace Phi3.OnnxSdk.Server.Serving;

/// <summary>Writes errors in OpenAI's shape, <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
internal static class OpenAIErrors
{
    public static OpenAIErrorResponse Body(OpenAIRequestException error) => new()
    {
        Error = new OpenAIError { Message = error.Message, Type = error.Type, Param = error.Param, Code = error.Code },
    };

    /// <summary>Writes <paramref name="error"/> as the response, with <c>Retry-After</c> when <paramref name="retryAfterSeconds"/> is set.</summary>
    public static Task WriteAsync(HttpContext context, OpenAIRequestException error, int? retryAfterSeconds = null)
    {
        var response = context.Response;
        response.StatusCode = error.StatusCode;
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return response.WriteAsJsonAsync(Body(error), ProtocolJsonContext.Wire.OpenAIErrorResponse, contentType: null, context.RequestAborted);
    }

    /// <summary>The error of a request no route takes: 404 for an unknown path, 405 for a known path with another method.</summary>
    public static OpenAIRequestException NoRoute(int status, string method, string path) => status == StatusCodes.Status405MethodNotAllowed
        ? new($"{method} is not allowed on {path}; this server serves GET and HEAD /health, GET /v1/models, GET /v1/models/{{id}} and POST /v1/chat/completions.", null, "method_not_allowed", status)
        : new($"Invalid URL ({method} {path}); this server serves GET and HEAD /health, GET /v1/models, GET /v1/models/{{id}} and POST /v1/chat/completions.", null, "not_found", status);

    public static OpenAIRequestException Unauthorized() => new(
        "Missing or wrong API key. Send it as 'Authorization: Bearer <key>' (the key phi3 serve was started with, --api-key or PHI3_API_KEY).",
        null,
        "invalid_api_key",
        StatusCodes.Status401Unauthorized,
        "authentication_error");

    public static OpenAIRequestException QueueFull(int running, int queued) => new(
        string.Create(CultureInfo.InvariantCulture, $"The server is busy: {running} requests are running and {queued} are waiting, its limits. Retry after the Retry-After seconds."),
        null,
        "rate_limit_exceeded",
        StatusCodes.Status429TooManyRequests,
        "rate_limit_error");

    public static OpenAIRequestException Loading(string? failure) => failure is null
        ? new("The model is loading; retry after the Retry-After seconds (GET /health answers 200 once it is loaded).", null, "model_loading", StatusCodes.Status503ServiceUnavailable, "server_error")
        : new($"The model failed to load: {failure} The next request tries again.", null, "model_load_failed", StatusCodes.Status503ServiceUnavailable, "server_error");

    public static OpenAIRequestException UnknownModel(string requested, string served) => new(
        $"The model '{requested}' does not exist on this server; it serves '{served}' (GET /v1/models).",
        "model",
        "model_not_found",
        StatusCodes.Status404NotFound,
        "invalid_request_error");

    public static OpenAIRequestException ForeignHost(string host) => new(
        $"This server requires no API key, so it answers only requests addressed to this machine (localhost, 127.0.0.1, [::1]); the Host '{host}' is not one. To serve other host names, start it with an API key (--api-key or PHI3_API_KEY; Phi3OpenAIEndpointOptions.ApiKey).",
        null,
        "invalid_host",
        StatusCodes.Status421MisdirectedRequest);

    public static OpenAIRequestException NotJson(string? contentType) => new(
        $"The request body must be sent as 'Content-Type: application/json' (it was {(string.IsNullOrEmpty(contentType) ? "not set" : $"'{contentType}'")}); this server requires no API key, so it takes no other type, which web pages could send from another site.",
        null,
        "unsupported_media_type",
        StatusCodes.Status415UnsupportedMediaType);
}
