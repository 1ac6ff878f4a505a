using System.Diagnostics;
using System.Text;

namespace Vigil.Compat.Tests.TestSupport;

/// <summary>
/// Runs a client (aws, python3, node) as a child process with a controlled environment and a time limit.
/// Every AWS_* variable of the test process is dropped first, so the machine's own profile, region or endpoint
/// can never leak into a run; the caller supplies the ones the run needs.
/// </summary>
public static class ClientProcess
{
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        string workingDirectory,
        TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            psi.Environment.Remove(key);
        }
        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }
        var commandLine = string.Join(' ', new[] { fileName }.Concat(psi.ArgumentList.Select(Quote)));

        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new ProcessResult(commandLine, -1, "", $"could not start {fileName}: {e.Message}", clock.Elapsed);
        }
        process.StandardInput.Close(); // a client that prompts gets EOF instead of hanging the suite
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the timeout and the kill.
            }
            await process.WaitForExitAsync();
            throw new TimeoutException(
                $"{commandLine} did not finish within {timeout.TotalSeconds:F0}s; killed.\n--- stdout\n{await stdout}\n--- stderr\n{await stderr}");
        }
        return new ProcessResult(commandLine, process.ExitCode, await stdout, await stderr, clock.Elapsed);
    }

    /// <summary>Runs a short probe (a --version call) synchronously, for test discovery. Null when it cannot start.</summary>
    public static ProcessResult? Probe(string fileName, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        try
        {
            return RunAsync(fileName, arguments, new Dictionary<string, string>(), workingDirectory, timeout).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    private static string Quote(string a) =>
        a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '=' or ',') ? a : $"'{a}'";
}
