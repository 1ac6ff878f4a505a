namespace Vigil.Metrics.Tests.Engine;

/// <summary>A fresh directory per test, deleted (with everything in it) on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vigil-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A sibling directory that is cleaned up with this one.</summary>
    public string Subdirectory(string name)
    {
        var path = Combine(name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Copies every file (no subdirectories) into a new subdirectory, as a crash image.</summary>
    public string CopyFiles(string from, string name)
    {
        var to = Subdirectory(name);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, System.IO.Path.Combine(to, System.IO.Path.GetFileName(file)));
        }

        return to;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A handle still open on a failing test; the OS temp cleaner gets it.
        }
    }
}
