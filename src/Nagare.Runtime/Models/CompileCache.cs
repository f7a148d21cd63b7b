using System.Collections;
using System.Globalization;
using System.Text;

namespace Nagare.Runtime.Models;

/// <summary>
/// First-render results keyed by node and file checksum (target/nagare_compile_cache.bin), so an unchanged
/// file is not rendered again. Valid only while the macros, vars and target are unchanged
/// (<see cref="ModelRenderer.EnvironmentKey"/>) and the environment variables it read still have the same values.
/// </summary>
internal sealed class CompileCache
{
    private const string Magic = "nagare-compile-cache-2";
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public sealed record Entry(
        string SourceHash,
        string Rendered,
        List<RelationCall> Calls,
        List<KeyValuePair<string, object?>> ConfigCalls,
        bool UsesIsIncremental,
        bool NeedsFinalRender,
        Dictionary<string, string?> EnvironmentRead);

    public int Hits { get; private set; }

    /// <summary>Checksum of each compiled file written to target/compiled by the last compile.</summary>
    public IReadOnlyDictionary<string, string> Written { get; set; } = new Dictionary<string, string>();

    public static CompileCache Load(string path, string environmentKey)
    {
        var cache = new CompileCache();
        if (!File.Exists(path))
        {
            return cache;
        }

        try
        {
            using var stream = new BufferedStream(File.OpenRead(path), 1 << 16);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            if (reader.ReadString() != Magic || reader.ReadString() != environmentKey)
            {
                return cache;
            }

            var count = reader.ReadInt32();
            for (var i = 0; i < count; i++)
            {
                var id = reader.ReadString();
                var hash = reader.ReadString();
                var rendered = reader.ReadString();
                var calls = new List<RelationCall>();
                for (var n = reader.ReadInt32(); n > 0; n--)
                {
                    var isSource = reader.ReadBoolean();
                    var first = reader.ReadBoolean() ? reader.ReadString() : null;
                    calls.Add(new RelationCall(isSource, first, reader.ReadString()));
                }

                var config = new List<KeyValuePair<string, object?>>();
                for (var n = reader.ReadInt32(); n > 0; n--)
                {
                    config.Add(new(reader.ReadString(), ReadValue(reader)));
                }

                var usesIncremental = reader.ReadBoolean();
                var needsFinal = reader.ReadBoolean();
                var env = new Dictionary<string, string?>(StringComparer.Ordinal);
                for (var n = reader.ReadInt32(); n > 0; n--)
                {
                    env[reader.ReadString()] = reader.ReadBoolean() ? reader.ReadString() : null;
                }

                cache._entries[id] = new Entry(hash, rendered, calls, config, usesIncremental, needsFinal, env);
            }

            var written = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var n = reader.ReadInt32(); n > 0; n--)
            {
                written[reader.ReadString()] = reader.ReadString();
            }

            cache.Written = written;
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or InvalidDataException or FormatException)
        {
            // A damaged cache only costs a full render.
            cache._entries.Clear();
            cache.Written = new Dictionary<string, string>();
        }

        return cache;
    }

    public bool TryGet(string id, string sourceHash, out Entry entry)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(id, out entry!) && entry.SourceHash == sourceHash &&
                entry.EnvironmentRead.All(kv => Environment.GetEnvironmentVariable(kv.Key) == kv.Value))
            {
                Hits++;
                return true;
            }
        }

        return false;
    }

    public void Put(string id, Entry entry)
    {
        lock (_gate)
        {
            _entries[id] = entry;
        }
    }

    /// <summary>Keeps only the given ids (deleted files drop out) and writes the cache.</summary>
    public void Save(string path, string environmentKey, IEnumerable<string> keep)
    {
        var ids = keep.Where(_entries.ContainsKey).ToList();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        using (var stream = new BufferedStream(File.Create(temp), 1 << 16))
        using (var writer = new BinaryWriter(stream, Encoding.UTF8))
        {
            writer.Write(Magic);
            writer.Write(environmentKey);
            writer.Write(ids.Count);
            foreach (var id in ids)
            {
                var e = _entries[id];
                writer.Write(id);
                writer.Write(e.SourceHash);
                writer.Write(e.Rendered);
                writer.Write(e.Calls.Count);
                foreach (var c in e.Calls)
                {
                    writer.Write(c.IsSource);
                    writer.Write(c.First is not null);
                    if (c.First is not null)
                    {
                        writer.Write(c.First);
                    }

                    writer.Write(c.Second);
                }

                writer.Write(e.ConfigCalls.Count);
                foreach (var (k, v) in e.ConfigCalls)
                {
                    writer.Write(k);
                    WriteValue(writer, v);
                }

                writer.Write(e.UsesIsIncremental);
                writer.Write(e.NeedsFinalRender);
                writer.Write(e.EnvironmentRead.Count);
                foreach (var (k, v) in e.EnvironmentRead)
                {
                    writer.Write(k);
                    writer.Write(v is not null);
                    if (v is not null)
                    {
                        writer.Write(v);
                    }
                }
            }
            writer.Write(Written.Count);
            foreach (var (k, v) in Written)
            {
                writer.Write(k);
                writer.Write(v);
            }
        }

        File.Move(temp, path, overwrite: true);
    }

    private static void WriteValue(BinaryWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.Write((byte)0);
                break;
            case string s:
                writer.Write((byte)1);
                writer.Write(s);
                break;
            case bool b:
                writer.Write((byte)2);
                writer.Write(b);
                break;
            case long or int or short or byte:
                writer.Write((byte)3);
                writer.Write(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double or float or decimal:
                writer.Write((byte)4);
                writer.Write(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case IDictionary d:
                writer.Write((byte)6);
                writer.Write(d.Count);
                // Keys and the indexer, not DictionaryEntry: template dictionaries enumerate as key-value pairs.
                foreach (var key in d.Keys)
                {
                    writer.Write(Convert.ToString(key, CultureInfo.InvariantCulture) ?? string.Empty);
                    WriteValue(writer, d[key]);
                }

                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                var list = pairs.ToList();
                writer.Write((byte)6);
                writer.Write(list.Count);
                foreach (var (k, v) in list)
                {
                    writer.Write(k);
                    WriteValue(writer, v);
                }

                break;
            case IEnumerable items:
                var all = items.Cast<object?>().ToList();
                writer.Write((byte)5);
                writer.Write(all.Count);
                foreach (var item in all)
                {
                    WriteValue(writer, item);
                }

                break;
            default:
                writer.Write((byte)1);
                writer.Write(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty);
                break;
        }
    }

    private static object? ReadValue(BinaryReader reader)
    {
        switch (reader.ReadByte())
        {
            case 0:
                return null;
            case 1:
                return reader.ReadString();
            case 2:
                return reader.ReadBoolean();
            case 3:
                return reader.ReadInt64();
            case 4:
                return reader.ReadDouble();
            case 5:
                var list = new List<object?>();
                for (var n = reader.ReadInt32(); n > 0; n--)
                {
                    list.Add(ReadValue(reader));
                }

                return list;
            case 6:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var n = reader.ReadInt32(); n > 0; n--)
                {
                    map[reader.ReadString()] = ReadValue(reader);
                }

                return map;
            default:
                throw new InvalidDataException("Unknown value tag in the compile cache.");
        }
    }
}
