using Vigil.Storage;

namespace Vigil.Logs.Engine.Encoding;

/// <summary>Builds the <see cref="StorageFormatException"/> for log-store content that fails to decode.</summary>
internal static class LogFormatError
{
    public static StorageFormatException Invalid(string detail, string path = "(log store)") =>
        new(path, StorageFormatError.InvalidLayout, detail);
}
