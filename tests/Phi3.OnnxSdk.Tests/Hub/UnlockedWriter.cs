namespace Phi3.OnnxSdk.Tests.Hub;

/// <summary>
/// Does what the <c>@huggingface/hub</c> npm package does when it downloads a blob into the shared cache: it takes no
/// lock, opens <c>blobs/{etag}.incomplete</c> with truncation (Node's <c>createWriteStream</c>), writes the file from
/// its first byte on, and renames it to <c>blobs/{etag}</c>.
/// </summary>
internal static class UnlockedWriter
{
    /// <summary>Writes <paramref name="content"/> in pieces with a pause after each; stops without renaming after <paramref name="dieAfterBytes"/> (a killed process).</summary>
    public static async Task WriteAsync(string blobsDirectory, string etag, byte[] content, int piece, TimeSpan pause, int? dieAfterBytes = null)
    {
        Directory.CreateDirectory(blobsDirectory);
        var incomplete = Path.Combine(blobsDirectory, etag + ".incomplete");
        await using (var stream = new FileStream(incomplete, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1))
        {
            for (var offset = 0; offset < content.Length; offset += piece)
            {
                await stream.WriteAsync(content.AsMemory(offset, Math.Min(piece, content.Length - offset)));
                await stream.FlushAsync();
                if (offset + piece >= dieAfterBytes)
                {
                    return;
                }

                await Task.Delay(pause);
            }
        }

        File.Move(incomplete, Path.Combine(blobsDirectory, etag), overwrite: true);
    }
}
