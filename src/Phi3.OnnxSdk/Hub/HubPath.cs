using System.Text.RegularExpressions;

namespace Phi3.OnnxSdk.Hub;

/// <summary>Checks repository ids, revisions and repository file paths before they touch a URL or the disk.</summary>
internal static partial class HubPath
{
    /// <summary>
    /// Normalizes a repository path to <c>/</c>-separated segments and rejects any that could leave the folder it
    /// is joined to: absolute paths, drive letters, <c>..</c>, backslashes, empty segments and control characters.
    /// </summary>
    public static bool TryNormalize(string? path, out string normalized, out string reason)
    {
        normalized = string.Empty;
        if (string.IsNullOrEmpty(path))
        {
            reason = "it is empty";
            return false;
        }

        if (path.Any(char.IsControl))
        {
            reason = "it contains control characters";
            return false;
        }

        if (path.Contains('\\', StringComparison.Ordinal))
        {
            reason = "it contains a backslash";
            return false;
        }

        if (path.Contains(':', StringComparison.Ordinal))
        {
            reason = "it contains ':' (a drive letter or stream name)";
            return false;
        }

        if (path.StartsWith('/') || Path.IsPathRooted(path))
        {
            reason = "it is absolute";
            return false;
        }

        var segments = path.Split('/');
        foreach (var segment in segments)
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                reason = segment.Length == 0 ? "it has an empty segment" : $"it has a '{segment}' segment";
                return false;
            }
        }

        normalized = string.Join('/', segments);
        reason = string.Empty;
        return true;
    }

    /// <summary>Joins a checked relative path to a folder and proves the result stays inside it.</summary>
    public static string Combine(string root, string relativePath)
    {
        if (!TryNormalize(relativePath, out var normalized, out var reason))
        {
            throw new ArgumentException($"The repository path '{relativePath}' is not allowed: {reason}.", nameof(relativePath));
        }

        var fullRoot = Path.GetFullPath(root);
        var full = Path.GetFullPath(Path.Combine(fullRoot, normalized.Replace('/', Path.DirectorySeparatorChar)));
        var prefix = Path.EndsInDirectorySeparator(fullRoot) ? fullRoot : fullRoot + Path.DirectorySeparatorChar;
        if (!full.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The repository path '{relativePath}' would leave the folder '{fullRoot}'.", nameof(relativePath));
        }

        return full;
    }

    /// <summary>Checks a repository id (<c>org/name</c> or <c>name</c>) and throws <see cref="ArgumentException"/> if it is malformed.</summary>
    public static void ValidateRepoId(string repoId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(repoId);
        if (!RepoIdRegex().IsMatch(repoId) || repoId.Contains("--", StringComparison.Ordinal) || repoId.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The repository id '{repoId}' is not valid: use 'org/name' with letters, digits, '-', '_' and '.', as shown on the model's Hugging Face page.",
                nameof(repoId));
        }
    }

    /// <summary>Checks a revision (branch, tag or commit) and throws <see cref="ArgumentException"/> if it could not be a git ref.</summary>
    public static void ValidateRevision(string revision)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(revision);
        if (!TryNormalize(revision, out _, out var reason))
        {
            throw new ArgumentException($"The revision '{revision}' is not valid: {reason}. Use a branch, tag or 40-digit commit.", nameof(revision));
        }
    }

    /// <summary>Tells whether a revision is a full 40-digit commit hash.</summary>
    public static bool IsCommitHash(string revision) => CommitRegex().IsMatch(revision);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,95}(/[A-Za-z0-9][A-Za-z0-9._-]{0,95})?$", RegexOptions.CultureInvariant)]
    private static partial Regex RepoIdRegex();

    [GeneratedRegex("^[0-9a-f]{40}$", RegexOptions.CultureInvariant)]
    private static partial Regex CommitRegex();
}
