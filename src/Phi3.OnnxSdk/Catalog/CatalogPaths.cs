namespace Phi3.OnnxSdk.Catalog;

/// <summary>Checks that catalog paths stay inside the folder they are relative to.</summary>
internal static class CatalogPaths
{
    /// <summary>
    /// Returns <see langword="null"/> when <paramref name="path"/> is a relative path that stays inside its folder
    /// (no root, no drive, no <c>..</c> segment, no empty segment), else the reason it does not.
    /// </summary>
    public static string? FindEscape(string path, bool allowEmpty)
    {
        if (path.Length == 0)
        {
            return allowEmpty ? null : "it is empty";
        }

        if (path[0] is '/' or '\\' || (path.Length >= 2 && path[1] == ':') || Path.IsPathRooted(path))
        {
            return "it is absolute";
        }

        foreach (var segment in path.Split('/', '\\'))
        {
            if (segment == "..")
            {
                return "it contains '..'";
            }

            if (segment.Length == 0)
            {
                return "it contains an empty segment";
            }

            if (segment.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || segment.Contains(':', StringComparison.Ordinal))
            {
                return $"segment '{segment}' has a character not allowed in file names";
            }
        }

        return null;
    }
}
