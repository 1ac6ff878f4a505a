namespace Vigil.Protocol.Codecs.RpcV2Cbor;

/// <summary>
/// The kind of the next data item, judged from its initial byte alone (RFC 8949 §3).
/// Simple values of major type 7 are split out because decoders branch on them:
/// null means "member absent", and doubles may arrive as any of the float widths.
/// </summary>
public enum CborType : byte
{
    UnsignedInteger,
    NegativeInteger,
    ByteString,
    TextString,
    Array,
    Map,
    Tag,
    Boolean,
    Null,
    Undefined,
    /// <summary>Any other simple value (0..19, 32..255).</summary>
    SimpleValue,
    /// <summary>float16, float32 or float64.</summary>
    Float,
    /// <summary>The 0xff "break" that ends an indefinite-length item.</summary>
    Break,
}
