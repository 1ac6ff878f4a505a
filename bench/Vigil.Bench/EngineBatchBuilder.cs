using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Metrics.Engine;
using Vigil.Metrics.Model;

namespace Vigil.Bench;

/// <summary>
/// Turns one PutMetricData JSON body into a <see cref="MetricWriteBatch"/> with a forward-only
/// <see cref="Utf8JsonReader"/>. Series are resolved through a cache keyed by the datum's identity text (built in a
/// reused char buffer and looked up by span), so a known series costs no allocation; the catalogue sees a key only
/// the first time. One instance per writer: it is not thread-safe.
/// </summary>
internal sealed class EngineBatchBuilder
{
    private const char Separator = '\u0001';

    private readonly SeriesCatalog _catalog;
    private readonly string _account;
    private readonly string _region;
    private readonly Dictionary<string, SeriesInfo> _series = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SeriesInfo>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<(Range Name, Range Value)> _dims = [];
    private char[] _key = new char[512];
    private int _keyLength;
    private byte[] _namespaceRaw = [];
    private string _namespace = "";

    public EngineBatchBuilder(SeriesCatalog catalog, string account, string region)
    {
        _catalog = catalog;
        _account = account;
        _region = region;
        _lookup = _series.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Adds the body's datums to <paramref name="batch"/>; returns how many.</summary>
    public int Fill(ReadOnlySpan<byte> body, MetricWriteBatch batch)
    {
        var reader = new Utf8JsonReader(body);
        Expect(ref reader, JsonTokenType.StartObject);
        var added = 0;
        var sawNamespace = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("Namespace"u8))
            {
                Expect(ref reader, JsonTokenType.String);
                if (!reader.ValueSpan.SequenceEqual(_namespaceRaw) || reader.ValueIsEscaped)
                {
                    _namespaceRaw = reader.ValueSpan.ToArray();
                    _namespace = BodyFile.MapNamespace(reader.GetString()!);
                }
                sawNamespace = true;
            }
            else if (reader.ValueTextEquals("MetricData"u8))
            {
                if (!sawNamespace)
                {
                    throw new InvalidDataException("This reader expects Namespace before MetricData (gen.py's order).");
                }
                Expect(ref reader, JsonTokenType.StartArray);
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    AddDatum(ref reader, batch);
                    added++;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return added;
    }

    private void AddDatum(ref Utf8JsonReader reader, MetricWriteBatch batch)
    {
        _keyLength = 0;
        _dims.Clear();
        Append(_namespace);
        Range name = default, unit = default;
        var hasUnit = false;
        long? timestamp = null;
        double? value = null;
        var highResolution = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("MetricName"u8))
            {
                Expect(ref reader, JsonTokenType.String);
                name = AppendString(ref reader);
            }
            else if (reader.ValueTextEquals("Unit"u8))
            {
                Expect(ref reader, JsonTokenType.String);
                unit = AppendString(ref reader);
                hasUnit = true;
            }
            else if (reader.ValueTextEquals("Dimensions"u8))
            {
                Expect(ref reader, JsonTokenType.StartArray);
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    Range dimName = default, dimValue = default;
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isName = reader.ValueTextEquals("Name"u8);
                        Expect(ref reader, JsonTokenType.String);
                        if (isName)
                        {
                            dimName = AppendString(ref reader);
                        }
                        else
                        {
                            dimValue = AppendString(ref reader);
                        }
                    }
                    _dims.Add((dimName, dimValue));
                }
            }
            else if (reader.ValueTextEquals("Timestamp"u8))
            {
                reader.Read();
                // JSON 1.0 sends epoch seconds (maybe fractional); ISO strings are accepted too.
                timestamp = reader.TokenType == JsonTokenType.String
                    ? DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture).ToUnixTimeSeconds()
                    : reader.TryGetInt64(out var whole) ? whole : (long)Math.Floor(reader.GetDouble());
            }
            else if (reader.ValueTextEquals("Value"u8))
            {
                reader.Read();
                value = reader.GetDouble();
            }
            else if (reader.ValueTextEquals("StorageResolution"u8))
            {
                reader.Read();
                highResolution = reader.GetInt32() == 1;
            }
            else if (reader.ValueTextEquals("Values"u8) || reader.ValueTextEquals("Counts"u8) || reader.ValueTextEquals("StatisticValues"u8))
            {
                throw new NotSupportedException("The engine benchmark reads single-Value datums only (gen.py's shape).");
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (value is null || name.Equals(default(Range)))
        {
            throw new InvalidDataException("A datum lacks MetricName or Value.");
        }
        Append(highResolution ? "\u0001H" : "\u0001S");
        var key = _key.AsSpan(0, _keyLength);
        if (!_lookup.TryGetValue(key, out var series))
        {
            series = Resolve(name, hasUnit ? Text(unit) : "None", highResolution);
            _series[key.ToString()] = series;
        }
        batch.Add(series, timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds(), value.Value);
    }

    private SeriesInfo Resolve(Range name, string unit, bool highResolution)
    {
        var dims = new MetricDimension[_dims.Count];
        for (var i = 0; i < dims.Length; i++)
        {
            dims[i] = new MetricDimension(Text(_dims[i].Name), Text(_dims[i].Value));
        }
        var identity = new MetricIdentity(_namespace, Text(name), dims);
        return _catalog.GetOrAdd(new SeriesKey(_account, _region, identity, unit, highResolution), out _);
    }

    private string Text(Range range) => new(_key.AsSpan(range));

    private void Append(string text)
    {
        Ensure(text.Length + 1);
        _key[_keyLength++] = Separator;
        text.CopyTo(_key.AsSpan(_keyLength));
        _keyLength += text.Length;
    }

    /// <summary>Copies the current string token after a separator; returns where it landed.</summary>
    private Range AppendString(ref Utf8JsonReader reader)
    {
        // UTF-8 never has fewer bytes than UTF-16 code units, escaped or not.
        Ensure(1 + (reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length));
        _key[_keyLength++] = Separator;
        var written = reader.CopyString(_key.AsSpan(_keyLength));
        var range = new Range(_keyLength, _keyLength + written);
        _keyLength += written;
        return range;
    }

    private void Ensure(int more)
    {
        if (_keyLength + more > _key.Length)
        {
            Array.Resize(ref _key, Math.Max(_key.Length * 2, _keyLength + more));
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new InvalidDataException($"Expected {type} at byte {reader.TokenStartIndex}, found {reader.TokenType}.");
        }
    }

    /// <summary>Describes a body's first datum (for error messages).</summary>
    public static string Preview(ReadOnlySpan<byte> body) => Encoding.UTF8.GetString(body[..Math.Min(body.Length, 200)]);
}
