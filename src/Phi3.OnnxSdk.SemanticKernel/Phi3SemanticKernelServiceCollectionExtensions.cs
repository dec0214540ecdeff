using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel.ChatCompletion;
using Phi3.OnnxSdk;
using Phi3.OnnxSdk.Provisioning;

namespace Microsoft.SemanticKernel;

/// <summary>
/// Registers a local Phi-3 model as a Semantic Kernel <see cref="IChatCompletionService"/> in an
/// <see cref="IServiceCollection"/>.
/// </summary>
/// <remarks>
/// <para>
/// The connector is thin: it registers a keyed Phi-3 <see cref="IChatClient"/> (through
/// <see cref="Phi3ServiceCollectionExtensions.AddKeyedPhi3ChatClient(IServiceCollection, object, Action{Phi3Options}?)"/>,
/// key: the service id, or <see cref="DefaultChatClientKey"/> without one) and exposes it to Semantic Kernel with
/// <see cref="Microsoft.SemanticKernel.ChatCompletion.ChatClientExtensions.AsChatCompletionService"/>. Semantic Kernel turns
/// <see cref="PromptExecutionSettings"/> into <see cref="ChatOptions"/>: <c>temperature</c>, <c>top_p</c>, <c>top_k</c>,
/// <c>seed</c>, <c>max_tokens</c>, <c>stop_sequences</c> and <c>response_format</c> (<c>"text"</c>,
/// <c>"json_object"</c> or a JSON schema) in <see cref="PromptExecutionSettings.ExtensionData"/>, or the typed
/// <see cref="Phi3.OnnxSdk.SemanticKernel.Phi3PromptExecutionSettings"/>; other keys (for example
/// <c>repetition_penalty</c>) pass through as <see cref="ChatOptions.AdditionalProperties"/>.
/// </para>
/// <para>
/// The model loads on first use, as with <c>AddPhi3ChatClient</c>; add
/// <see cref="Phi3ServiceCollectionExtensions.AddKeyedPhi3ChatClientWarmup"/> with the same key to load it when a host
/// starts. The model is freed when the service provider is disposed (for a <see cref="Kernel"/> built by
/// <c>IKernelBuilder.Build()</c>, dispose <c>kernel.Services</c> when it is an <see cref="IDisposable"/>).
/// </para>
/// </remarks>
public static class Phi3SemanticKernelServiceCollectionExtensions
{
    /// <summary>The key of the Phi-3 <see cref="IChatClient"/> (and the name of its <see cref="Phi3Options"/>) when no service id is given.</summary>
    public const string DefaultChatClientKey = "Phi3.OnnxSdk.SemanticKernel";

    /// <summary>Adds a local Phi-3 model as an <see cref="IChatCompletionService"/>.</summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="configure">Sets the options (model folder or family, provider, client defaults); <see langword="null"/> for the defaults.</param>
    /// <param name="serviceId">The Semantic Kernel service id (the key of the <see cref="IChatCompletionService"/>); <see langword="null"/> for an unkeyed service.</param>
    /// <param name="configurePipeline">Adds middleware to the underlying <see cref="IChatClient"/>, for example <c>b =&gt; b.UseLogging()</c>; <see langword="null"/> for none.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddPhi3ChatCompletion(
        this IServiceCollection services,
        Action<Phi3Options>? configure = null,
        string? serviceId = null,
        Action<ChatClientBuilder>? configurePipeline = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return AddCore(services, configuration: null, configure, serviceId, configurePipeline);
    }

    /// <summary>Adds a local Phi-3 model as an <see cref="IChatCompletionService"/>, with options bound from a configuration section.</summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="configuration">The section whose keys are <see cref="Phi3Options"/> property names (<c>ModelPath</c>, <c>ChatClient:MaxOutputTokens</c>, ...).</param>
    /// <param name="serviceId">The Semantic Kernel service id; <see langword="null"/> for an unkeyed service.</param>
    /// <param name="configurePipeline">Adds middleware to the underlying <see cref="IChatClient"/>; <see langword="null"/> for none.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddPhi3ChatCompletion(
        this IServiceCollection services,
        IConfiguration configuration,
        string? serviceId = null,
        Action<ChatClientBuilder>? configurePipeline = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, configuration, configure: null, serviceId, configurePipeline);
    }

    private static IServiceCollection AddCore(
        IServiceCollection services, IConfiguration? configuration, Action<Phi3Options>? configure, string? serviceId, Action<ChatClientBuilder>? configurePipeline)
    {
        string clientKey = serviceId ?? DefaultChatClientKey;
        var builder = configuration is null
            ? services.AddKeyedPhi3ChatClient(clientKey, configure)
            : services.AddKeyedPhi3ChatClient(clientKey, configuration, configure);
        configurePipeline?.Invoke(builder);
        services.AddKeyedSingleton<IChatCompletionService>(
            serviceId, (sp, _) => sp.GetRequiredKeyedService<IChatClient>(clientKey).AsChatCompletionService(sp));
        return services;
    }
}
