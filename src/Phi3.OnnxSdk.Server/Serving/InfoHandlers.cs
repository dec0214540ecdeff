using Microsoft.AspNetCore.Http;
using Phi3.OnnxSdk.Server.Protocol;

namespace Phi3.OnnxSdk.Server.Serving;

/// <summary><c>GET /health</c> and <c>GET /v1/models</c>.</summary>
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
        new ModelList { Data = [new ModelCard { Id = endpoint.ServedModelId, Created = endpoint.CreatedAt, OwnedBy = endpoint.OwnedBy }] },
        ProtocolJsonContext.Wire.ModelList);
}
