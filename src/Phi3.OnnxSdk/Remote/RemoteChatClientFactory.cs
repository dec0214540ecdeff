using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Phi3.OnnxSdk.Remote;

/// <summary>Creates the remote provider: Microsoft.Extensions.AI's <see cref="IChatClient"/> over the official OpenAI client.</summary>
internal static class RemoteChatClientFactory
{
    /// <summary>The bearer token sent when no key is configured; servers without authentication ignore it.</summary>
    internal const string PlaceholderKey = "no-key";

    /// <summary>Creates the client for <paramref name="endpoint"/> serving <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">The endpoint is not an absolute http(s) address, or the model name is empty.</exception>
    public static IChatClient Create(Uri endpoint, string model, Phi3RemoteOptions? options, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The remote endpoint '{EndpointText.Redact(endpoint)}' must be an absolute http or https address, for example http://127.0.0.1:8000/v1.", nameof(endpoint));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        environment ??= Environment.GetEnvironmentVariable;
        string key = options?.ApiKey is { Length: > 0 } configured
            ? configured
            : environment(Phi3RemoteOptions.ApiKeyVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : PlaceholderKey;
        var clientOptions = new OpenAIClientOptions { Endpoint = endpoint };
        if (options?.NetworkTimeout is { } timeout)
        {
            clientOptions.NetworkTimeout = timeout;
        }

        if (options?.MaxRetries is { } retries)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(retries, nameof(Phi3RemoteOptions.MaxRetries));
            clientOptions.RetryPolicy = new ClientRetryPolicy(retries);
        }

        return new OpenAIClient(new ApiKeyCredential(key), clientOptions).GetChatClient(model).AsIChatClient();
    }
}
