using System.Text;
using Phi3.OnnxSdk.Remote;

namespace Phi3.OnnxSdk.Resolution;

/// <summary>Where <see cref="PlacementResolver"/> decided a chat client runs, and why.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record PlacementDecision
{
    /// <summary>Gets the policy the decision followed (after defaults).</summary>
    public required Phi3Placement Policy { get; init; }

    /// <summary>Gets whether the remote endpoint was chosen.</summary>
    public required bool IsRemote { get; init; }

    /// <summary>Gets the reason for the choice, for example "this machine cannot run phi-3-small-128k-instruct: ...".</summary>
    public required string Reason { get; init; }

    /// <summary>Gets the remote endpoint when it was chosen, else <see langword="null"/>.</summary>
    public Uri? RemoteEndpoint { get; init; }

    /// <summary>Gets the remote model name when the remote endpoint was chosen, else <see langword="null"/>.</summary>
    public string? RemoteModel { get; init; }

    /// <summary>
    /// Gets the local resolver's choice when the local model was chosen from the catalog, or <see langword="null"/> (remote,
    /// or a local folder given directly).
    /// </summary>
    public VariantResolution? Local { get; init; }

    /// <summary>Gets the local model folder when one was given directly and chosen, else <see langword="null"/>.</summary>
    public string? LocalFolder { get; init; }

    /// <summary>Gets why the local model was not used when the remote endpoint was chosen under <see cref="Phi3Placement.LocalFirst"/>, else <see langword="null"/>.</summary>
    public string? LocalRejection { get; init; }

    /// <summary>Returns the choice, the reason and, for a local choice, the resolver's whole explanation; an endpoint's user name and password are left out.</summary>
    /// <returns>A multi-line explanation.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(IsRemote ? $"Chose remote {EndpointText.Redact(RemoteEndpoint)} (model {RemoteModel})" : LocalFolder is not null ? $"Chose local folder {LocalFolder}" : "Chose local");
        text.Append(" (placement ").Append(Policy).Append("): ").AppendLine(Reason);
        if (Local is not null)
        {
            text.Append(Local);
        }

        return text.ToString();
    }
}
