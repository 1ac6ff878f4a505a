namespace Vigil.Protocol.Shapes;

/// <summary>The AWS model's shape types; enums are strings with <see cref="Shape.EnumValues"/>.</summary>
public enum ShapeType : byte
{
    Structure,
    List,
    Map,
    String,
    Boolean,
    Integer,
    Long,
    Float,
    Double,
    Timestamp,
    Blob,
}

/// <summary>Where a member travels in restJson1; every other protocol puts all members in the body.</summary>
public enum MemberLocation : byte
{
    Body,
    Uri,
    QueryString,
    Header,
}
