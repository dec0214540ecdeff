using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Phi3.OnnxSdk.Server.Serving;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the OpenAI-compatible chat-completions protocol onto an app's routes.</summary>
public static class Phi3OpenAIEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET</c> and <c>HEAD {prefix}/health</c>, <c>GET {prefix}/v1/models</c>, <c>GET {prefix}/v1/models/{id}</c> and
    /// <c>POST {prefix}/v1/chat/completions</c> (non-streaming and server-sent events) over the registered chat client. Errors use OpenAI's shape with its status codes; requests
    /// are logged with their id (<c>x-request-id</c>); every route but <c>/health</c> requires the API key when one is set.
    /// Without a key, web pages are kept out: a request whose <c>Host</c> is not this machine (localhost, a loopback
    /// address, the address it arrived on) gets a 421, and a body that is not <c>application/json</c> a 415.
    /// CORS is not enabled here: an app that wants browsers on other origins adds its own CORS policy.
    /// </summary>
    /// <param name="endpoints">The app or route group.</param>
    /// <param name="prefix">A path prefix for all the routes; empty for none.</param>
    /// <returns>The group holding the routes, for further conventions (authorization, CORS, rate limiting).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> or <paramref name="prefix"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>services.AddPhi3OpenAIEndpoints()</c> was not called, or no chat client is registered.</exception>
    public static RouteGroupBuilder MapPhi3OpenAIEndpoints(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var context = endpoints.ServiceProvider.GetService<OpenAIEndpointContext>() ?? throw new InvalidOperationException(
            "MapPhi3OpenAIEndpoints needs its services: call builder.Services.AddPhi3OpenAIEndpoints() (and register a chat client, for example AddPhi3ChatClient).");
        var chat = new ChatCompletionsHandler(context, context.Logger);

        var group = endpoints.MapGroup(prefix);
        group.AddEndpointFilter(new RequestLogFilter(context.Logger));
        if (context.Options.ApiKey is not { Length: > 0 })
        {
            group.AddEndpointFilter(new KeylessRequestFilter(context.Logger));
        }

        group.MapMethods("/health", [HttpMethods.Get, HttpMethods.Head], () => InfoHandlers.Health(context));

        var api = group.MapGroup("/v1");
        if (context.Options.ApiKey is { Length: > 0 } key)
        {
            api.AddEndpointFilter(new ApiKeyFilter(key, context.Logger));
        }

        api.MapGet("/models", () => InfoHandlers.Models(context));
        api.MapGet("/models/{**id}", (HttpContext http, string id) => InfoHandlers.Model(http, context, id));
        api.MapPost("/chat/completions", (HttpContext http) => chat.HandleAsync(http));
        return group;
    }
}
