using System.Buffers.Binary;
using System.Text;

namespace Vigil.Compat.Tests.TestSupport;

/// <summary>
/// Decodes the CBOR the raw tests read back (RPCv2 CBOR error bodies) into plain .NET values: maps become
/// Dictionary&lt;string, object?&gt;, arrays List&lt;object?&gt;, tags (tag, value) tuples. Independent of the
/// server's codec on purpose. Definite and indefinite lengths; throws FormatException on anything malformed.
/// </summary>
public static class MiniCbor
{
    public static object? Decode(ReadOnlySpan<byte> data)
    {
        var pos = 0;
        var value = Read(data, ref pos);
        if (pos != data.Length)
        {
            throw new FormatException($"{data.Length - pos} bytes after the CBOR item");
        }
        return value;
    }

    private static object? Read(ReadOnlySpan<byte> d, ref int pos)
    {
        var initial = Need(d, ref pos, 1)[0];
        var major = initial >> 5;
        var info = initial & 0x1f;
        if (major == 7)
        {
            return info switch
            {
                20 => false,
                21 => true,
                22 or 23 => null,
                25 => (double)BinaryPrimitives.ReadHalfBigEndian(Need(d, ref pos, 2)),
                26 => (double)BinaryPrimitives.ReadSingleBigEndian(Need(d, ref pos, 4)),
                27 => BinaryPrimitives.ReadDoubleBigEndian(Need(d, ref pos, 8)),
                _ => throw new FormatException($"unsupported simple value {info}"),
            };
        }
        if (info == 31)
        {
            return major switch
            {
                2 or 3 => ReadIndefiniteString(d, ref pos, major),
                4 => ReadItems(d, ref pos, -1),
                5 => ReadMap(d, ref pos, -1),
                _ => throw new FormatException($"indefinite length on major type {major}"),
            };
        }
        var arg = Argument(d, ref pos, info);
        return major switch
        {
            0 => (long)arg,
            1 => -1 - (long)arg,
            2 => Need(d, ref pos, checked((int)arg)).ToArray(),
            3 => Encoding.UTF8.GetString(Need(d, ref pos, checked((int)arg))),
            4 => ReadItems(d, ref pos, checked((int)arg)),
            5 => ReadMap(d, ref pos, checked((int)arg)),
            6 => ((long)arg, Read(d, ref pos)),
            _ => throw new FormatException($"major type {major}"),
        };
    }

    private static List<object?> ReadItems(ReadOnlySpan<byte> d, ref int pos, int count)
    {
        var items = new List<object?>();
        while (count < 0 ? !Break(d, ref pos) : items.Count < count)
        {
            items.Add(Read(d, ref pos));
        }
        return items;
    }

    private static Dictionary<string, object?> ReadMap(ReadOnlySpan<byte> d, ref int pos, int count)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (count < 0 ? !Break(d, ref pos) : map.Count < count)
        {
            if (Read(d, ref pos) is not string key)
            {
                throw new FormatException("map key is not a text string");
            }
            map[key] = Read(d, ref pos);
        }
        return map;
    }

    private static object ReadIndefiniteString(ReadOnlySpan<byte> d, ref int pos, int major)
    {
        var bytes = new List<byte>();
        while (!Break(d, ref pos))
        {
            var chunk = Read(d, ref pos);
            bytes.AddRange(chunk switch
            {
                byte[] b when major == 2 => b,
                string s when major == 3 => Encoding.UTF8.GetBytes(s),
                _ => throw new FormatException("bad chunk in an indefinite-length string"),
            });
        }
        return major == 2 ? bytes.ToArray() : Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool Break(ReadOnlySpan<byte> d, ref int pos)
    {
        if (pos < d.Length && d[pos] == 0xff)
        {
            pos++;
            return true;
        }
        return false;
    }

    private static ulong Argument(ReadOnlySpan<byte> d, ref int pos, int info) => info switch
    {
        < 24 => (ulong)info,
        24 => Need(d, ref pos, 1)[0],
        25 => BinaryPrimitives.ReadUInt16BigEndian(Need(d, ref pos, 2)),
        26 => BinaryPrimitives.ReadUInt32BigEndian(Need(d, ref pos, 4)),
        27 => BinaryPrimitives.ReadUInt64BigEndian(Need(d, ref pos, 8)),
        _ => throw new FormatException($"reserved additional information {info}"),
    };

    private static ReadOnlySpan<byte> Need(ReadOnlySpan<byte> d, ref int pos, int n)
    {
        if (n < 0 || d.Length - pos < n)
        {
            throw new FormatException($"CBOR item runs past the end of the body (needs {n} bytes at offset {pos})");
        }
        var s = d.Slice(pos, n);
        pos += n;
        return s;
    }
}
