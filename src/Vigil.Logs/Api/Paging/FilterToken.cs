using System.Buffers.Binary;
using System.Buffers.Text;
using Vigil.Logs.Engine;

namespace Vigil.Logs.Api.Paging;

/// <summary>
/// FilterLogEvents' nextToken: a version byte, the direction of the first request, the last event returned and the
/// request's fingerprint (group, streams, pattern, window), URL-safe base64. The direction travels in the token, as
/// CloudWatch Logs documents: a later request's startFromHead is ignored.
/// </summary>
internal readonly record struct FilterToken(bool Descending, EventPosition After)
{
    private const byte Version = 1;
    private const int Size = 26;

    public string Format(ulong fingerprint)
    {
        Span<byte> bytes = stackalloc byte[Size];
        bytes[0] = Version;
        bytes[1] = Descending ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(bytes[2..], After.Timestamp);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[10..], After.Seq);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[18..], fingerprint);
        return Base64Url.EncodeToString(bytes);
    }

    public static FilterToken Parse(string token, ulong fingerprint)
    {
        Span<byte> bytes = stackalloc byte[Size];
        if (Base64Url.DecodeFromChars(token, bytes, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != token.Length || written != Size || bytes[0] != Version || bytes[1] > 1
            || BinaryPrimitives.ReadUInt64LittleEndian(bytes[18..]) != fingerprint)
        {
            throw LogsErrors.InvalidNextToken();
        }

        return new FilterToken(bytes[1] == 1, new EventPosition(BinaryPrimitives.ReadInt64LittleEndian(bytes[2..]), BinaryPrimitives.ReadInt64LittleEndian(bytes[10..])));
    }
}
