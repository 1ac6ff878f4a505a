using System.Text.Unicode;

namespace Vigil.Protocol.Codecs.RpcV2Cbor;

/// <summary>Skipping whole data items: unknown members and the fuzz target's fast path.</summary>
public ref partial struct CborReader
{
    /// <summary>
    /// Skips one complete data item of any kind, including nested containers and tags, checking
    /// it is well-formed (and that text is UTF-8) on the way. Work is linear in the bytes skipped.
    /// </summary>
    public void SkipValue() => SkipItem(_depth);

    private void SkipItem(int depth)
    {
        // Tags prefix one item; looping instead of recursing keeps a run of a million tags flat.
        while (true)
        {
            int start = _pos;
            byte initial = ReadInitialByte();
            int major = initial >> 5;
            int info = initial & 0x1f;
            switch (major)
            {
                case 0 or 1:
                    ReadArgument(initial, start);
                    return;
                case 2 or 3:
                    if (info == 31)
                    {
                        MeasureChunks(major);
                        SkipChunks();
                    }
                    else
                    {
                        ReadOnlySpan<byte> body = ReadDefiniteBody(initial, start);
                        if (major == 3 && !Utf8.IsValid(body))
                        {
                            CborFormatException.Throw("text string is not valid UTF-8", start);
                        }
                    }

                    return;
                case 4 or 5:
                    if (depth >= _maxDepth)
                    {
                        ThrowTooDeep(start);
                    }

                    int perItem = major == 5 ? 2 : 1;
                    if (info == 31)
                    {
                        while (!AtBreak())
                        {
                            SkipItem(depth + 1);
                            if (perItem == 2)
                            {
                                SkipItem(depth + 1);
                            }
                        }

                        _pos++;
                    }
                    else
                    {
                        long items = (long)CheckCount(ReadArgument(initial, start), perItem, start) * perItem;
                        for (long i = 0; i < items; i++)
                        {
                            SkipItem(depth + 1);
                        }
                    }

                    return;
                case 6:
                    ReadArgument(initial, start);
                    continue;
                default:
                    SkipSimpleOrFloat(initial, start);
                    return;
            }
        }
    }

    private void SkipSimpleOrFloat(byte initial, int start)
    {
        switch (initial & 0x1f)
        {
            case < 24:
                return;
            case 24:
                if (Take(1, start)[0] < 32)
                {
                    CborFormatException.Throw("two-byte simple value below 32", start);
                }

                return;
            case 25: Take(2, start); return;
            case 26: Take(4, start); return;
            case 27: Take(8, start); return;
            case 31:
                CborFormatException.Throw("unexpected break", start);
                return;
            default:
                CborFormatException.Throw("reserved additional information in major type 7", start);
                return;
        }
    }
}
