using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using Vigil.Protocol.Errors;

namespace Vigil.Protocol.Gateway;

/// <summary>
/// The pooled buffer of one call's request body, returned to the pool when the call is over (after its answer is
/// sent). Nothing may keep the body's memory beyond the call: codecs and fast paths copy what they keep.
/// </summary>
public sealed class BodyLease : IDisposable
{
    internal byte[]? Rented { get; set; }

    public void Dispose()
    {
        if (Rented is { } array)
        {
            Rented = null;
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}

/// <summary>Reads a whole request body, within limits, and undoes gzip Content-Encoding.</summary>
public static class RequestBody
{
    private const int PooledMinimum = 16 * 1024;

    /// <summary>
    /// The body as sent. A large one with a Content-Length (data-plane calls) lands in a pooled buffer that
    /// <paramref name="lease"/> returns: a fresh 200 KB array per PutMetricData call was large-object-heap garbage.
    /// </summary>
    public static async ValueTask<ReadOnlyMemory<byte>> ReadAsync(PipeReader reader, long? contentLength, int maxBytes, BodyLease lease, CancellationToken ct)
    {
        if (contentLength > maxBytes)
        {
            throw GatewayErrors.RequestTooLarge(maxBytes);
        }
        if (contentLength is > 0 and var length)
        {
            // Copy each segment as it arrives and hand it back to Kestrel at once, instead of letting a large body
            // (PutMetricData: ~200 KB) pile up in the pipe and be re-examined on every read.
            // Small bodies (most calls) are plain arrays: renting and returning cost more than a short-lived
            // small array (the signed-call gateway bench was ~15 % slower with every body pooled).
            byte[] bytes;
            if (length >= PooledMinimum)
            {
                bytes = ArrayPool<byte>.Shared.Rent((int)length);
                lease.Rented = bytes;
            }
            else
            {
                bytes = new byte[length];
            }

            var filled = 0;
            while (filled < length)
            {
                var result = await reader.ReadAsync(ct).ConfigureAwait(false);
                var buffer = result.Buffer;
                var take = (int)Math.Min(buffer.Length, length - filled);
                buffer.Slice(0, take).CopyTo(bytes.AsSpan(filled));
                filled += take;
                reader.AdvanceTo(buffer.GetPosition(take));
                if (result.IsCompleted && filled < length)
                {
                    break;
                }
            }
            return bytes.AsMemory(0, filled);
        }
        while (true)
        {
            var result = await reader.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length > maxBytes)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                throw GatewayErrors.RequestTooLarge(maxBytes);
            }
            if (result.IsCompleted)
            {
                var bytes = buffer.Length == 0 ? [] : buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return bytes;
            }
            // Examined everything, consumed nothing: ask for more until the body is complete.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public static ReadOnlyMemory<byte> Decode(ReadOnlyMemory<byte> raw, string? contentEncoding, int maxDecompressed)
    {
        if (string.IsNullOrEmpty(contentEncoding) || string.Equals(contentEncoding, "identity", StringComparison.OrdinalIgnoreCase))
        {
            return raw;
        }
        if (!string.Equals(contentEncoding.Trim(), "gzip", StringComparison.OrdinalIgnoreCase))
        {
            throw GatewayErrors.Serialization($"Content-Encoding {contentEncoding} is not supported; send gzip or none.");
        }
        try
        {
            using var input = new MemoryStream(raw.ToArray(), writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream(raw.Length * 4);
            var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                int n;
                while ((n = gzip.Read(chunk, 0, chunk.Length)) > 0)
                {
                    if (output.Length + n > maxDecompressed)
                    {
                        throw GatewayErrors.RequestTooLarge(maxDecompressed);
                    }
                    output.Write(chunk, 0, n);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            throw GatewayErrors.Serialization("The request body is not valid gzip.");
        }
    }
}
