using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// Writes a blob's <c>.incomplete</c> file while hashing it, picking up an existing partial file (its bytes are
/// hashed again first) so a resumed download is verified end to end. Not thread-safe: one writer at a time.
/// </summary>
internal sealed class VerifyingBlobWriter : IDisposable
{
    private const int ReadChunk = 1 << 20;

    // Written bytes are flushed to disk in the background every this many bytes, so the disk's write-back overlaps
    // the transfer and the final flush before the file is published only has the tail to write.
    private const long BackgroundFlushBytes = 64L << 20;

    private readonly FileStream _file;
    private long _unflushedBytes;
    private Task _backgroundFlush = Task.CompletedTask;
    private readonly long _expectedSize;
    private readonly HashAlgorithmName? _algorithm;
    private IncrementalHash? _hash;

    public VerifyingBlobWriter(string incompletePath, long expectedSize, bool sha256, bool gitSha1)
    {
        _expectedSize = expectedSize;
        _algorithm = sha256 ? HashAlgorithmName.SHA256 : gitSha1 ? HashAlgorithmName.SHA1 : null;
        _file = new FileStream(incompletePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        if (_file.Length > expectedSize)
        {
            _file.SetLength(0);
        }

        StartHash();
        var buffer = new byte[ReadChunk];
        long read = 0;
        var length = _file.Length;
        _file.Position = 0;
        while (read < length)
        {
            var n = _file.Read(buffer, 0, (int)Math.Min(buffer.Length, length - read));
            if (n == 0)
            {
                break;
            }

            _hash?.AppendData(buffer, 0, n);
            read += n;
        }

        _file.SetLength(read);
        Position = read;
    }

    /// <summary>Gets the bytes written so far (the offset to resume from).</summary>
    public long Position { get; private set; }

    /// <summary>Gets the hash's name as shown in messages: <c>sha256</c>, <c>git-sha1</c> or <see langword="null"/> (size check only).</summary>
    public string? AlgorithmName => _algorithm is null ? null : _algorithm == HashAlgorithmName.SHA256 ? "sha256" : "git-sha1";

    /// <summary>Hashes and writes the next bytes.</summary>
    public void Append(byte[] buffer, int count)
    {
        Hash(buffer, count);
        Write(buffer, count);
    }

    /// <summary>
    /// Hashes the next bytes. May run at the same time as <see cref="Write"/> of the same bytes (the two touch
    /// different state), but calls of each must come in file order, one at a time.
    /// </summary>
    public void Hash(byte[] buffer, int count) => _hash?.AppendData(buffer, 0, count);

    /// <summary>Writes the next bytes; see <see cref="Hash"/> for concurrency.</summary>
    public void Write(byte[] buffer, int count)
    {
        _file.Write(buffer, 0, count);
        Position += count;
        _unflushedBytes += count;
        if (_unflushedBytes >= BackgroundFlushBytes && _backgroundFlush.IsCompleted)
        {
            _unflushedBytes = 0;
            var handle = _file.SafeFileHandle;
            _backgroundFlush = Task.Run(() => RandomAccess.FlushToDisk(handle));
        }
    }

    /// <summary>Discards everything written, for a server that answered a range request with the whole file.</summary>
    public void Restart()
    {
        _file.SetLength(0);
        _file.Position = 0;
        Position = 0;
        _hash?.Dispose();
        StartHash();
    }

    /// <summary>Forces the bytes to the disk and returns the lower-case hex digest (or <see langword="null"/> when nothing is hashed).</summary>
    public string? Complete()
    {
        _backgroundFlush.GetAwaiter().GetResult();
        _file.Flush(flushToDisk: true);
        return _hash is null ? null : Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public void Dispose()
    {
        try
        {
            _backgroundFlush.GetAwaiter().GetResult();
        }
        catch (IOException)
        {
            // The file is being abandoned or was already reported; a failed early flush changes nothing.
        }

        _hash?.Dispose();
        _file.Dispose();
    }

    private void StartHash()
    {
        _hash = _algorithm is { } algorithm ? IncrementalHash.CreateHash(algorithm) : null;
        if (_algorithm == HashAlgorithmName.SHA1)
        {
            // A git blob id hashes a header before the content.
            _hash!.AppendData(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"blob {_expectedSize}\0")));
        }
    }
}
