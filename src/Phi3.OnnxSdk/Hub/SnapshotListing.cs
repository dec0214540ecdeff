using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// The record of a folder download: the files its listing named at the commit, with their sizes and blob names,
/// written before the first byte is fetched. Without the hub, a cached folder counts as complete only when every
/// recorded file is in its snapshot; a folder whose download stopped half-way would otherwise look complete with the
/// files it happens to hold.
/// </summary>
/// <remarks>
/// The records live in <c>models--org--name/.phi3/listings/{commit}/</c>, beside <c>blobs</c>, <c>refs</c> and
/// <c>snapshots</c>: huggingface_hub's cache tools read only <c>refs</c> and <c>snapshots</c> there (a file inside a
/// snapshot would be counted as a file of the revision; one directly under <c>snapshots</c> makes them report the cache
/// as corrupted), as they ignore the <c>.no_exist</c> folder huggingface_hub itself keeps in the same place.
/// </remarks>
internal static class SnapshotListing
{
    /// <summary>Records that the download of <paramref name="folder"/> at <paramref name="commit"/> fetches <paramref name="files"/>.</summary>
    public static void Write(HubCacheLayout layout, string commit, string folder, IEnumerable<PlannedFile> files)
    {
        var path = PathOf(layout, commit, folder);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var stream = File.Create(temporary))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", 1);
            json.WriteString("commit", commit);
            json.WriteString("folder", folder);
            json.WriteStartArray("files");
            foreach (var file in files)
            {
                json.WriteStartObject();
                json.WriteString("path", file.RepoPath);
                json.WriteNumber("size", file.Size);
                json.WriteString("etag", file.Etag);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads the recorded files of <paramref name="folder"/> at <paramref name="commit"/>, or <see langword="null"/> when none is recorded (or the record is unreadable).</summary>
    public static IReadOnlyList<(string Path, long Size, string Etag)>? Read(HubCacheLayout layout, string commit, string folder)
    {
        var path = PathOf(layout, commit, folder);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.GetProperty("folder").GetString() != folder || root.GetProperty("commit").GetString() != commit)
            {
                return null;
            }

            var files = new List<(string, long, string)>();
            foreach (var item in root.GetProperty("files").EnumerateArray())
            {
                // A record edited to name paths outside the snapshot is ignored as a whole.
                if (!HubPath.TryNormalize(item.GetProperty("path").GetString(), out var repoPath, out _))
                {
                    return null;
                }

                var etag = item.GetProperty("etag").GetString() ?? string.Empty;
                if (etag.Length is 0 or > 128 || !etag.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                {
                    return null;
                }

                files.Add((repoPath, item.GetProperty("size").GetInt64(), etag));
            }

            return files;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string PathOf(HubCacheLayout layout, string commit, string folder)
    {
        // Folders nest and may hold any character a repository path may: the file is named by a hash of the folder.
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(folder)))[..16];
        return Path.Combine(layout.RepoDirectory, ".phi3", "listings", commit, key + ".json");
    }
}
