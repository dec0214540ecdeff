using System.Diagnostics;
using System.Globalization;

namespace Phi3.OnnxSdk.Tests.Hub;

/// <summary>How <see cref="FakeHub"/> sends a file's bytes: ranges, the per-connection cap, and the body faults.</summary>
internal sealed partial class FakeHub
{
    /// <summary>The byte of a corrupted body that is flipped (its middle when shorter), early enough for a body that is cut off soon.</summary>
    private const long CorruptedByte = 1000;

    private async Task ServeBodyAsync(Stream stream, FakeHubFile file, bool head, string? range, (string, string)[] extraHeaders, CancellationToken ct)
    {
        var content = file.ServeWrongBytes ? new byte[file.Content.Length] : file.Content;
        long start = 0;
        long end = content.Length; // exclusive
        var status = 200;
        var headers = new List<(string, string)>(extraHeaders) { ("Accept-Ranges", "bytes") };
        if (!head && TryParseRange(range, out var from, out var to) && !file.TakeIgnoredRange(from))
        {
            if (from >= content.Length)
            {
                await WriteHeadAsync(stream, 416, [("Content-Range", $"bytes */{content.Length}")], 0, ct);
                return;
            }

            start = from;
            end = to is { } last ? Math.Min(last + 1, content.Length) : content.Length;
            status = 206;
            headers.Add(("Content-Range", $"bytes {start}-{end - 1}/{content.Length}"));
        }

        await WriteHeadAsync(stream, status, headers, end - start, ct);
        if (head)
        {
            return;
        }

        // A body counts as being sent from before its first byte to before its last: the client can neither see it start
        // earlier nor finish later, so the bodies of one connection, one after the other, never overlap in the count.
        using var body = new ActiveBody(this);
        if (file.TakeHeldBody(start) is { } held)
        {
            await held.WaitAsync(ct);
        }

        if (file.BodyGate is { } gate)
        {
            await gate.WaitAsync(ct);
        }

        await SendAsync(stream, file, content, start, end - start, body, ct);
    }

    private static bool TryParseRange(string? range, out long from, out long? to)
    {
        from = 0;
        to = null;
        if (range is null || !range.StartsWith("bytes=", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = range["bytes=".Length..].Split('-');
        if (parts.Length != 2 || !long.TryParse(parts[0], CultureInfo.InvariantCulture, out from))
        {
            return false;
        }

        if (parts[1].Length > 0)
        {
            to = long.Parse(parts[1], CultureInfo.InvariantCulture);
        }

        return true;
    }

    private async Task SendAsync(Stream stream, FakeHubFile file, byte[] content, long start, long length, ActiveBody body, CancellationToken ct)
    {
        var (drop, stall, corrupt) = file.TakeBodyFaults(start);
        var cap = BytesPerSecondPerConnection;

        // Under a cap, bytes go out in pieces of about 10 ms each, each sent when the cap allows it.
        var piece = cap is { } rate ? (int)Math.Clamp(rate / 100, 16 * 1024, ChunkSize) : ChunkSize;
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (sent < length)
        {
            var chunk = (int)Math.Min(piece, length - sent);
            var trickling = file.TrickleAfterBytes is { } after && sent >= after;
            if (file.TrickleAfterBytes is { } fast && sent < fast)
            {
                chunk = (int)Math.Min(chunk, fast - sent);
            }

            if (trickling)
            {
                chunk = Math.Min(chunk, file.TrickleChunk);
                await Task.Delay(file.TrickleDelay, ct);
            }

            if (drop is { } dropAt)
            {
                if (sent >= dropAt)
                {
                    return; // drop the connection mid-body
                }

                chunk = (int)Math.Min(chunk, dropAt - sent);
            }

            if (stall is { } stallAt)
            {
                if (sent >= stallAt)
                {
                    await Task.Delay(Timeout.Infinite, ct); // until the client gives up and the hub stops
                }

                chunk = (int)Math.Min(chunk, stallAt - sent);
            }

            var bytes = content.AsMemory((int)(start + sent), chunk);
            var flip = Math.Min(length / 2, CorruptedByte);
            if (corrupt && sent <= flip && flip < sent + chunk)
            {
                var copy = bytes.ToArray();
                copy[(int)(flip - sent)] ^= 0xFF;
                bytes = copy;
            }

            // Counted before the write, so that once the client has the bytes they show in BytesServed; taken back when
            // the write fails (the client went away), as if never counted.
            CountServed(file, chunk);
            if (sent + chunk == length)
            {
                body.End();
            }

            try
            {
                await stream.WriteAsync(bytes, ct);
            }
            catch
            {
                CountServed(file, -chunk);
                throw;
            }

            sent += chunk;

            if (cap is { } limit && sent < length && TimeSpan.FromSeconds(sent / (double)limit) - clock.Elapsed is { TotalMilliseconds: > 1 } ahead)
            {
                await Task.Delay(ahead, ct);
            }
        }
    }

    private void CountServed(FakeHubFile file, long bytes)
    {
        Interlocked.Add(ref _bytesServed, bytes);
        _bytesServedByFile.AddOrUpdate(file.Path, bytes, (_, served) => served + bytes);
    }

    /// <summary>
    /// One body being sent: counted in <see cref="MaxConcurrentBodies"/> until <see cref="End"/> (before its last write),
    /// and in <see cref="WaitUntilNoBodyIsSentAsync"/> until disposed.
    /// </summary>
    private sealed class ActiveBody : IDisposable
    {
        private readonly FakeHub _hub;
        private int _ended;

        public ActiveBody(FakeHub hub)
        {
            _hub = hub;
            Interlocked.Increment(ref hub._openBodies);
            var active = Interlocked.Increment(ref hub._activeBodies);
            int seen;
            while ((seen = Volatile.Read(ref hub._maxActiveBodies)) < active && Interlocked.CompareExchange(ref hub._maxActiveBodies, active, seen) != seen)
            {
            }
        }

        public void End()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                Interlocked.Decrement(ref _hub._activeBodies);
            }
        }

        public void Dispose()
        {
            End();
            Interlocked.Decrement(ref _hub._openBodies);
        }
    }
}
