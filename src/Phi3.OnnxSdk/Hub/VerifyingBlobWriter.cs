using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// Writes a blob's <c>.incomplete</c> file while hashing it, picking up an existing partial file (its bytes are
/// hashed again first) so a resumed download is verified end to end. With direct writes on, every aligned write (see
/// <see cref="DirectIO"/>) goes straight to the disk, and the rest (a file's tail, a resumed file's first bytes) through
/// the page cache; a file system that refuses direct I/O gets buffered writes throughout. Not thread-safe: one writer
/// at a time.
/// </summary>
internal sealed class VerifyingBlobWriter : IDisposable
{
    private const int ReadChunk = 1 << 20;

    // How far before a hole a resumed partial file is cut.
    private const long HoleMargin = 1 << 20;

    // Bytes written through the page cache are flushed to disk in the background every this many bytes, so the disk's
    // write-back overlaps the transfer and the final flush before the file is published only has the tail to write.
    private const long BackgroundFlushBytes = 64L << 20;

    private readonly SafeFileHandle _file;
    private readonly long _expectedSize;
    private readonly HashAlgorithmName? _algorithm;
    private IncrementalHash? _hash;
    private long _unflushedBytes;
    private Task _backgroundFlush = Task.CompletedTask;
    private bool _directAllowed;
    private bool _direct;

    /// <param name="incompletePath">The partial file; created when missing, continued when present.</param>
    /// <param name="expectedSize">The blob's size; a longer partial file is discarded.</param>
    /// <param name="sha256">Whether to compute SHA-256 (LFS files).</param>
    /// <param name="gitSha1">Whether to compute the git blob id (other files), when not SHA-256.</param>
    /// <param name="directWrites">Whether aligned writes may bypass the page cache.</param>
    public VerifyingBlobWriter(string incompletePath, long expectedSize, bool sha256, bool gitSha1, bool directWrites = false)
    {
        _expectedSize = expectedSize;
        _algorithm = sha256 ? HashAlgorithmName.SHA256 : gitSha1 ? HashAlgorithmName.SHA1 : null;
        // Delete sharing lets the finished file be renamed while it is still open (on Windows too); write sharing is
        // not granted, so on Windows no other program can write it meanwhile.
        _file = File.OpenHandle(incompletePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        try
        {
            var length = RandomAccess.GetLength(_file);
            if (length > expectedSize)
            {
                length = 0;
                RandomAccess.SetLength(_file, 0);
            }
            else if (FileIdentity.FirstHole(_file, length) is var hole && hole < length)
            {
                // A hole means another program truncated the file and something wrote beyond what it rewrote: the
                // bytes from shortly before the hole on are not a prefix of the blob (the block holding the hole's
                // start may already be zeros).
                length = Math.Max(0, hole - HoleMargin) / DirectIO.Alignment * DirectIO.Alignment;
                RandomAccess.SetLength(_file, length);
            }

            StartHash();
            var buffer = new byte[ReadChunk];
            long read = 0;
            while (read < length)
            {
                var n = RandomAccess.Read(_file, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - read)), read);
                if (n == 0)
                {
                    break;
                }

                _hash?.AppendData(buffer, 0, n);
                read += n;
            }

            Position = read;
            _directAllowed = directWrites;
            CheckLength("while its first bytes were read");
        }
        catch
        {
            _hash?.Dispose();
            _file.Dispose();
            throw;
        }
    }

    /// <summary>Gets the open partial file (for the checks before it is published).</summary>
    public SafeFileHandle Handle => _file;

    /// <summary>Gets the bytes written so far (the offset to resume from).</summary>
    public long Position { get; private set; }

    /// <summary>Gets the bytes written by this writer (not those of a partial file it continued).</summary>
    public long WrittenBytes { get; private set; }

    /// <summary>Gets how many of <see cref="WrittenBytes"/> went directly to the disk, bypassing the page cache.</summary>
    public long DirectBytes { get; private set; }

    /// <summary>Gets the hash's name as shown in messages: <c>sha256</c>, <c>git-sha1</c> or <see langword="null"/> (size check only).</summary>
    public string? AlgorithmName => _algorithm is null ? null : _algorithm == HashAlgorithmName.SHA256 ? "sha256" : "git-sha1";

    /// <summary>Hashes and writes the next bytes.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        Hash(data);
        Write(data);
    }

    /// <summary>
    /// Hashes the next bytes. May run at the same time as <see cref="Write"/> of the same bytes (the two touch
    /// different state), but calls of each must come in file order, one at a time.
    /// </summary>
    public void Hash(ReadOnlySpan<byte> data) => _hash?.AppendData(data);

    /// <summary>Writes the next bytes; see <see cref="Hash"/> for concurrency.</summary>
    /// <exception cref="IOException">The write failed (disk full, I/O error).</exception>
    /// <exception cref="ForeignWriterException">Another program changed the file's length since the last write.</exception>
    public void Write(ReadOnlySpan<byte> data)
    {
        // The aligned bulk directly, when the bytes start on a boundary (in the file and in memory); the rest buffered.
        var bulk = data.Length - (data.Length % DirectIO.Alignment);
        if (_directAllowed && bulk > 0 && DirectIO.IsAligned(data[..bulk], Position) && TryWriteDirect(data[..bulk]))
        {
            DirectBytes += bulk;
            Advance(bulk);
            data = data[bulk..];
        }

        if (!data.IsEmpty)
        {
            WriteBuffered(data);
            Advance(data.Length);
        }
    }

    /// <summary>Discards everything written, for a server that answered a range request with the whole file.</summary>
    public void Restart()
    {
        RandomAccess.SetLength(_file, 0);
        Position = 0;
        _hash?.Dispose();
        StartHash();
    }

    /// <summary>Forces the bytes to the disk and returns the lower-case hex digest (or <see langword="null"/> when nothing is hashed).</summary>
    /// <exception cref="ForeignWriterException">Another program changed the file's length meanwhile.</exception>
    public string? Complete()
    {
        _backgroundFlush.GetAwaiter().GetResult();
        RandomAccess.FlushToDisk(_file);
        CheckLength("after the last write");
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

    /// <summary>
    /// Checks that the file is as long as this writer made it. Writes go to explicit offsets, so a program that
    /// truncates the file or appends to it (taking no lock) shows only in its length: one <c>fstat</c> per chunk.
    /// </summary>
    private void CheckLength(string when)
    {
        var length = RandomAccess.GetLength(_file);
        if (length != Position)
        {
            throw new ForeignWriterException($"the file is {length} bytes long {when}, where this download has written {Position}");
        }
    }

    private void Advance(int count)
    {
        Position += count;
        WrittenBytes += count;
    }

    private bool TryWriteDirect(ReadOnlySpan<byte> data)
    {
        if (!_direct && !(_direct = DirectIO.TrySet(_file, direct: true)))
        {
            _directAllowed = false; // this file system (or system) does not do direct I/O
            return false;
        }

        CheckLength("before a write");
        try
        {
            RandomAccess.Write(_file, data, Position);
            return true;
        }
        catch (IOException ex) when (DirectIO.IsRefusal(ex))
        {
            // The file system wants another alignment; nothing was written, so the same bytes go through the cache.
            _directAllowed = false;
            return false;
        }
    }

    private void WriteBuffered(ReadOnlySpan<byte> data)
    {
        if (_direct)
        {
            _direct = !DirectIO.TrySet(_file, direct: false);
            if (_direct)
            {
                throw new IOException("Could not turn direct I/O off again to write the rest of the file.");
            }
        }

        CheckLength("before a write");
        RandomAccess.Write(_file, data, Position);
        _unflushedBytes += data.Length;
        if (_unflushedBytes >= BackgroundFlushBytes && _backgroundFlush.IsCompleted)
        {
            _unflushedBytes = 0;
            var handle = _file;
            _backgroundFlush = Task.Run(() => RandomAccess.FlushToDisk(handle));
        }
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
