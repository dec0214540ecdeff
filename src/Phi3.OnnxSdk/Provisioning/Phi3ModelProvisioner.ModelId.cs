using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Catalog;
using Phi3.OnnxSdk.Resolution;

namespace Phi3.OnnxSdk.Provisioning;

/// <content>The model id a client reports, known before anything is resolved or loaded.</content>
public static partial class Phi3ModelProvisioner
{
    /// <summary>
    /// The model id a client made from <paramref name="options"/> reports (<see cref="ChatClientMetadata.DefaultModelId"/>
    /// and every response's model id), known before anything is resolved or loaded so that it never changes:
    /// <see cref="Phi3ChatClientOptions.ModelId"/> when set; else the name of <see cref="Phi3Options.ModelPath"/>'s folder
    /// (when it has one: not for a root such as <c>/</c> or a path that is not valid, such as one holding a NUL);
    /// else, when only the remote endpoint is used, the remote model name; else the family as
    /// <see cref="Phi3Options.Model"/> names it, or the catalog's default family id (for example
    /// <c>phi-3-mini-128k-instruct</c>), whichever variant of it the resolver picks (the variant is in the resolver's log
    /// and <see cref="Phi3LazyChatClient.Placement"/>).
    /// </summary>
    /// <param name="options">What to run; <see langword="null"/> for the defaults.</param>
    /// <returns>The id.</returns>
    /// <remarks>Thread-safe; reads the options (and, for the default family, <see cref="Phi3Options.CatalogPath"/>'s catalog: a broken one gives the shipped catalog's default, and the load reports it). Never throws.</remarks>
    public static string ModelIdOf(Phi3Options? options)
    {
        options ??= new Phi3Options();
        if (options.ChatClient?.ModelId is { Length: > 0 } configured)
        {
            return configured;
        }

        if (options.ModelPath is { Length: > 0 } folder && FolderName(folder) is { } name)
        {
            return name;
        }

        bool remoteOnly = (options.Placement ?? (options.Remote?.Endpoint is null ? Phi3Placement.LocalOnly : Phi3Placement.RemoteOnly)) == Phi3Placement.RemoteOnly;
        if (remoteOnly && (options.Remote?.Model is { Length: > 0 } ? options.Remote.Model : options.Model) is { Length: > 0 } remote)
        {
            return remote;
        }

        if (options.Model is { Length: > 0 } family)
        {
            return family;
        }

        try
        {
            return LoadCatalog(options).DefaultFamily;
        }
        catch (Exception ex) when (ex is ModelCatalogException or IOException or UnauthorizedAccessException)
        {
            // The load reports the broken catalog; the id only has to be stable until then.
            return ModelCatalog.Default.DefaultFamily;
        }
    }

    /// <summary>The last segment of <paramref name="folder"/>'s full path; <see langword="null"/> for a root or a path that is not valid (a NUL, for example).</summary>
    private static string? FolderName(string folder)
    {
        try
        {
            string name = Path.GetFileName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
            return name.Length > 0 && !name.Contains('\0', StringComparison.Ordinal) ? name : null;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
        {
            return null;
        }
    }

}
