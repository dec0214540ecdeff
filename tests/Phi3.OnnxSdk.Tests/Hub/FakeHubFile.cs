using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Phi3.OnnxSdk.Tests.Hub;

/// <summary>A file of a <see cref="FakeHubRepo"/> with the faults the fake hub injects when serving it.</summary>
internal sealed class FakeHubFile
{
    public FakeHubFile(string path, byte[] content, bool isLfs)
    {
        Path = path;
        Content = content;
        IsLfs = isLfs;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"blob {content.Length}\0"));
#pragma warning disable CA5350 // git blob ids are SHA-1 by definition
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
#pragma warning restore CA5350
        sha1.AppendData(header);
        sha1.AppendData(content);
        GitObjectId = Convert.ToHexStringLower(sha1.GetHashAndReset());
    }

    private readonly Lock _faults = new();
    private (long Start, Task Release, TaskCompletionSource Held)? _heldBody;

    public string Path { get; }

    public byte[] Content { get; }

    public bool IsLfs { get; }

    public string Sha256 { get; }

    public string GitObjectId { get; }

    /// <summary>The hub's etag: the sha256 for LFS files, the git blob id otherwise.</summary>
    public string Etag => IsLfs ? Sha256 : GitObjectId;

    /// <summary>Statuses answered, one each, to the next resolve requests (HEAD or GET) for this file.</summary>
    public ConcurrentQueue<int> ResolveStatuses { get; } = new();

    /// <summary>Statuses answered, one each, to the next CDN GETs for this file.</summary>
    public ConcurrentQueue<int> CdnStatuses { get; } = new();

    /// <summary>When set, the next body sends this many bytes and then closes the connection (once).</summary>
    public int? DropAfterBytes { get; set; }

    /// <summary>When set, the next body sends this many bytes and then sends nothing more, holding the connection open (once).</summary>
    public int? StallAfterBytes { get; set; }

    /// <summary>When set, the next body has one byte flipped, its 1,000th (or its middle, when shorter; same length, headers unchanged; once).</summary>
    public bool CorruptNextBody { get; set; }

    /// <summary>How many of the next range requests are answered with 200 and the whole file, as a server that ignores ranges.</summary>
    public int IgnoreRangeRequests { get; set; }

    /// <summary>When set, the first range request from this byte is answered with 200 and the whole file (once).</summary>
    public long? IgnoreRangeStartingAt { get; set; }

    /// <summary>Serves zeros instead of the content (same length, headers unchanged).</summary>
    public bool ServeWrongBytes { get; set; }

    /// <summary>When set, bodies of this file wait for this task after their headers, before their first byte.</summary>
    public Task? BodyGate { get; set; }

    /// <summary>Answers range requests with 200 and the whole file.</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>When set, after this many bytes of a body the rest trickles in small, delayed chunks.</summary>
    public int? TrickleAfterBytes { get; set; }

    public int TrickleChunk { get; set; } = 512;

    public TimeSpan TrickleDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Takes the one-shot faults for the body about to be sent from byte <paramref name="start"/> (each goes to exactly one body).</summary>
    public (int? DropAfter, int? StallAfter, bool Corrupt) TakeBodyFaults(long start)
    {
        lock (_faults)
        {
            var faults = (DropAfterBytes, StallAfterBytes, CorruptNextBody);
            StallAfterBytes = null;
            DropAfterBytes = null;
            CorruptNextBody = false;
            return faults;
        }
    }

    /// <summary>
    /// Holds the first body whose bytes start at <paramref name="start"/> (after its headers, before its first byte) until
    /// <paramref name="release"/> completes (once). Returns a task that completes when that body is being held.
    /// </summary>
    public Task HoldBody(long start, Task release)
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_faults)
        {
            _heldBody = (start, release, held);
        }

        return held.Task;
    }

    /// <summary>Takes the hold of the body about to be sent from byte <paramref name="start"/>, if <see cref="HoldBody"/> named it: the task to wait for.</summary>
    public Task? TakeHeldBody(long start)
    {
        lock (_faults)
        {
            if (_heldBody is not { } hold || hold.Start != start)
            {
                return null;
            }

            _heldBody = null;
            hold.Held.TrySetResult();
            return hold.Release;
        }
    }

    /// <summary>Tells whether this range request, from byte <paramref name="start"/>, is to be ignored (counting it down).</summary>
    public bool TakeIgnoredRange(long start)
    {
        lock (_faults)
        {
            if (IgnoreRange)
            {
                return true;
            }

            if (IgnoreRangeStartingAt == start)
            {
                IgnoreRangeStartingAt = null;
                return true;
            }

            if (IgnoreRangeRequests > 0)
            {
                IgnoreRangeRequests--;
                return true;
            }

            return false;
        }
    }
}
