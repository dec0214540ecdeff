using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.SemanticKernel.ChatCompletion;
using Phi3.OnnxSdk.Provisioning;

namespace Microsoft.SemanticKernel;

/// <summary>Adds a local Phi-3 model to a Semantic Kernel <see cref="IKernelBuilder"/>.</summary>
/// <remarks>See <see cref="Phi3SemanticKernelServiceCollectionExtensions"/> for what is registered, which execution settings reach the model, and when it loads.</remarks>
public static class Phi3KernelBuilderExtensions
{
    /// <summary>Adds a local Phi-3 model as an <see cref="IChatCompletionService"/>. The model loads on first use.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configure">Sets the options (model folder or family, provider, client defaults); <see langword="null"/> for the defaults.</param>
    /// <param name="serviceId">The Semantic Kernel service id; <see langword="null"/> for an unkeyed service.</param>
    /// <param name="configurePipeline">Adds middleware to the underlying <see cref="IChatClient"/>, for example <c>b =&gt; b.UseLogging()</c>; <see langword="null"/> for none.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddPhi3ChatCompletion(
        this IKernelBuilder builder,
        Action<Phi3Options>? configure = null,
        string? serviceId = null,
        Action<ChatClientBuilder>? configurePipeline = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddPhi3ChatCompletion(configure, serviceId, configurePipeline);
        return builder;
    }

    /// <summary>Adds a local Phi-3 model as an <see cref="IChatCompletionService"/>, with options bound from a configuration section. The model loads on first use.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configuration">The section whose keys are <see cref="Phi3Options"/> property names.</param>
    /// <param name="serviceId">The Semantic Kernel service id; <see langword="null"/> for an unkeyed service.</param>
    /// <param name="configurePipeline">Adds middleware to the underlying <see cref="IChatClient"/>; <see langword="null"/> for none.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddPhi3ChatCompletion(
        this IKernelBuilder builder,
        IConfiguration configuration,
        string? serviceId = null,
        Action<ChatClientBuilder>? configurePipeline = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddPhi3ChatCompletion(configuration, serviceId, configurePipeline);
        return builder;
    }
}
