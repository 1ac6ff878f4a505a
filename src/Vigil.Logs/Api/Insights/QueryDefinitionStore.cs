using System.Text.Json;
using Vigil.Storage.IO;

namespace Vigil.Logs.Api.Insights;

/// <summary>
/// Saved queries (PutQueryDefinition), durable in one JSON file, <c>&lt;data&gt;/logs/query-definitions.json</c>,
/// replaced atomically (temp file, fsync, rename, directory fsync) on every change. A file rather than the control-plane
/// SQLite store: definitions belong to the Logs area, which opens only its own directory (LogsApi.Register gets the
/// log store, nothing else), and they are few and small (at most <see cref="MaxPerAccount"/> per account and region,
/// each under 11 KB), so rewriting the whole file on a change costs less than a migration and a dependency.
/// Thread-safe: one lock around the list and the write.
/// </summary>
internal sealed class QueryDefinitionStore
{
    public const string FileName = "query-definitions.json";
    public const int MaxPerAccount = 1000;

    private readonly string _path;
    private readonly SyncMode _sync;
    private readonly Lock _lock = new();
    private readonly List<StoredQueryDefinition> _all;

    public QueryDefinitionStore(string directory, SyncMode sync)
    {
        _path = Path.Combine(directory, FileName);
        _sync = sync;
        AtomicFile.DeleteIfExists(AtomicFile.TempPathFor(_path));
        _all = File.Exists(_path) ? JsonSerializer.Deserialize<List<StoredQueryDefinition>>(File.ReadAllBytes(_path)) ?? [] : [];
    }

    public enum PutOutcome
    {
        Saved,
        NotFound,
        LimitExceeded,
    }

    /// <summary>Creates (no id) or replaces (an existing id of the account) a definition.</summary>
    public PutOutcome Put(StoredQueryDefinition definition, bool create)
    {
        lock (_lock)
        {
            var index = _all.FindIndex(d => d.Id == definition.Id && d.AccountId == definition.AccountId && d.Region == definition.Region);
            if (create)
            {
                if (_all.Count(d => d.AccountId == definition.AccountId && d.Region == definition.Region) >= MaxPerAccount)
                {
                    return PutOutcome.LimitExceeded;
                }

                _all.Add(definition);
            }
            else if (index < 0)
            {
                return PutOutcome.NotFound;
            }
            else
            {
                _all[index] = definition;
            }

            Save();
            return PutOutcome.Saved;
        }
    }

    /// <summary>The account's definitions ordered by name (then id).</summary>
    public IReadOnlyList<StoredQueryDefinition> List(string accountId, string region)
    {
        lock (_lock)
        {
            return [.. _all.Where(d => d.AccountId == accountId && d.Region == region)
                .OrderBy(d => d.Name, StringComparer.Ordinal).ThenBy(d => d.Id, StringComparer.Ordinal)];
        }
    }

    public bool Delete(string accountId, string region, string id)
    {
        lock (_lock)
        {
            if (_all.RemoveAll(d => d.Id == id && d.AccountId == accountId && d.Region == region) == 0)
            {
                return false;
            }

            Save();
            return true;
        }
    }

    private void Save() => AtomicFile.WriteAllBytes(_path, JsonSerializer.SerializeToUtf8Bytes(_all), _sync);
}

/// <summary>One saved query as the file holds it.</summary>
internal sealed record StoredQueryDefinition(
    string AccountId,
    string Region,
    string Id,
    string Name,
    string QueryString,
    string QueryLanguage,
    IReadOnlyList<string>? LogGroupNames,
    IReadOnlyList<StoredQueryParameter>? Parameters,
    long LastModified);

internal sealed record StoredQueryParameter(string Name, string? DefaultValue, string? Description);
