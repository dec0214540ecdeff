using Microsoft.AspNetCore.Http;
using Phi3.OnnxSdk.Server.Protocol;

namespace Phi3.OnnxSdk.Server.Serving;

/// <summary><c>GET /health</c>, <c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>.</summary>
internal static class InfoHandlers
{
    /// <summary>200 <c>{"status":"ok"}</c> once the model is loaded; 503 <c>loading</c> or <c>error</c> (with the load error) before.</summary>
    public static IResult Health(OpenAIEndpointContext endpoint)
    {
        if (endpoint.Readiness.IsReady)
        {
            return TypedResults.Json(new HealthStatus { Status = "ok", Model = endpoint.ServedModelId }, ProtocolJsonContext.Wire.HealthStatus);
        }

        endpoint.Readiness.EnsureLoading();
        string? failure = endpoint.Readiness.Failure;
        return TypedResults.Json(
            new HealthStatus { Status = failure is null ? "loading" : "error", Model = endpoint.ServedModelId, Error = failure },
            ProtocolJsonContext.Wire.HealthStatus,
            statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>The one served model.</summary>
    public static IResult Models(OpenAIEndpointContext endpoint) => TypedResults.Json(
        new ModelList { Data = [Card(endpoint)] },
        ProtocolJsonContext.Wire.ModelList);

    /// <summary>The served model's card when <paramref name="id"/> names it (case-insensitively, as chat requests match it), else 404 <c>model_not_found</c>.</summary>
    public static async Task Model(HttpContext http, OpenAIEndpointContext endpoint, string id)
    {
        if (!string.Equals(id, endpoint.ServedModelId, StringComparison.OrdinalIgnoreCase))
        {
            await OpenAIErrors.WriteAsync(http, OpenAIErrors.UnknownModel(id, endpoint.ServedModelId)).ConfigureAwait(false);
            return;
        }

        await http.Response.WriteAsJsonAsync(Card(endpoint), ProtocolJsonContext.Wire.ModelCard, contentType: null, http.RequestAborted).ConfigureAwait(false);
    }

    private static ModelCard Card(OpenAIEndpointContext endpoint) => new() { Id = endpoint.ServedModelId, Created = endpoint.CreatedAt, OwnedBy = endpoint.OwnedBy };
}
