using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Phi3.OnnxSdk.Hub;

/// <summary>Hashes a file already in the cache the way <see cref="VerifyingBlobWriter"/> hashes a download: SHA-256, or a git blob id.</summary>
internal static class BlobHasher
{
    private const int ReadChunk = 1 << 20;

    /// <summary>Returns the lower-case hex digest of <paramref name="path"/> (a link is followed) for <see cref="PlannedFile.HashAlgorithm"/>.</summary>
    public static async Task<string> HashAsync(string path, PlannedFile file, CancellationToken cancellationToken)
    {
        var gitSha1 = file.ExpectedSha256 is null;
#pragma warning disable CA5350 // git blob ids are SHA-1 by definition
        using var hash = IncrementalHash.CreateHash(gitSha1 ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256);
#pragma warning restore CA5350
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            if (gitSha1)
            {
                hash.AppendData(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"blob {stream.Length}\0")));
            }

            var buffer = ArrayPool<byte>.Shared.Rent(ReadChunk);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer.AsMemory(0, ReadChunk), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Hashes a cached file and tells whether it has the expected digest; logs a mismatch.</summary>
    public static async Task<bool> MatchesAsync(string path, string what, PlannedFile file, HubSettings settings, CancellationToken cancellationToken)
    {
        var actual = await HashAsync(path, file, cancellationToken).ConfigureAwait(false);
        if (string.Equals(actual, file.ExpectedHash, StringComparison.OrdinalIgnoreCase))
        {
            HubLog.Verified(settings.Logger, file.RepoPath, file.HashAlgorithm!, actual);
            return true;
        }

        HubLog.CachedFileCorrupt(settings.Logger, what, file.RepoPath, file.HashAlgorithm!, file.ExpectedHash!, actual);
        return false;
    }
}
