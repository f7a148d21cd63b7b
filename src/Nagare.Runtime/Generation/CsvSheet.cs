using System.Collections.Immutable;
using System.Text;

namespace Nagare.Runtime.Generation;

/// <summary>
/// A small CSV file read whole (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes), with the
/// line each row starts on so errors can point at it. Header names are trimmed and lower-cased.
/// </summary>
internal sealed class CsvSheet
{
    private readonly Dictionary<string, int> _index;

    private CsvSheet(string display, ImmutableArray<string> header, ImmutableArray<CsvRow> rows)
    {
        Display = display;
        Header = header;
        Rows = rows;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            if (!_index.TryAdd(header[i], i))
            {
                throw new GenerationException(display, 1, i + 1, $"column '{header[i]}' appears twice in the header");
            }
        }
    }

    /// <summary>The file as named in messages.</summary>
    public string Display { get; }

    public ImmutableArray<string> Header { get; }

    public ImmutableArray<CsvRow> Rows { get; }

    public static CsvSheet Read(string path, string display)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GenerationException($"Cannot read {display}: {e.Message}", e);
        }

        return Parse(text, display);
    }

    public static CsvSheet Parse(string text, string display)
    {
        var records = Split(text, display);
        if (records.Count == 0)
        {
            throw new GenerationException(display, 1, 1, "the file is empty; the first line must name the columns");
        }

        var header = records[0].Fields.Select(f => f.Trim().ToLowerInvariant()).ToImmutableArray();
        for (var i = 0; i < header.Length; i++)
        {
            if (header[i].Length == 0)
            {
                throw new GenerationException(display, records[0].Line, i + 1, "empty column name in the header");
            }
        }

        var rows = ImmutableArray.CreateBuilder<CsvRow>(records.Count - 1);
        foreach (var record in records.Skip(1))
        {
            if (record.Fields.All(f => f.Trim().Length == 0))
            {
                continue;
            }

            if (record.Fields.Length > header.Length)
            {
                throw new GenerationException(display, record.Line, header.Length + 1, $"the row has {record.Fields.Length} fields but the header names {header.Length} columns");
            }

            rows.Add(record);
        }

        return new CsvSheet(display, header, rows.ToImmutable());
    }

    /// <summary>Fails on header columns outside <paramref name="known"/>, naming the first unknown one.</summary>
    public void RejectUnknownColumns(IReadOnlyCollection<string> known, IReadOnlyCollection<string>? tolerated = null)
    {
        for (var i = 0; i < Header.Length; i++)
        {
            if (!known.Contains(Header[i]) && (tolerated is null || !tolerated.Contains(Header[i])))
            {
                throw new GenerationException(Display, 1, i + 1, $"unknown column '{Header[i]}'; expected {string.Join(", ", known)}");
            }
        }
    }

    /// <summary>Fails when a required column is missing from the header.</summary>
    public void RequireColumns(params string[] required)
    {
        foreach (var name in required)
        {
            if (!_index.ContainsKey(name))
            {
                throw new GenerationException(Display, 1, 1, $"missing column '{name}' in the header ({string.Join(", ", Header)})");
            }
        }
    }

    /// <summary>The 1-based field number of a column, or 0 when the header lacks it.</summary>
    public int ColumnNumber(string name) => _index.TryGetValue(name, out var i) ? i + 1 : 0;

    /// <summary>The trimmed value of <paramref name="name"/> in <paramref name="row"/>; empty when absent.</summary>
    public string Get(CsvRow row, string name)
    {
        ArgumentNullException.ThrowIfNull(row);
        return _index.TryGetValue(name, out var i) && i < row.Fields.Length ? row.Fields[i].Trim() : string.Empty;
    }

    /// <summary>The value of a required field; an empty one is an error at its place.</summary>
    public string Required(CsvRow row, string name)
    {
        var value = Get(row, name);
        if (value.Length == 0)
        {
            throw Error(row, name, $"'{name}' is required");
        }

        return value;
    }

    /// <summary>An error located at a field of a row.</summary>
    public GenerationException Error(CsvRow row, string column, string problem)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new GenerationException(Display, row.Line, Math.Max(1, ColumnNumber(column)), problem);
    }

    private static List<CsvRow> Split(string text, string display)
    {
        var records = new List<CsvRow>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var position = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        var line = 1;
        var recordLine = 1;
        var quoted = false;
        var fieldStarted = false;
        while (position < text.Length)
        {
            var c = text[position];
            if (quoted)
            {
                if (c == '"')
                {
                    if (position + 1 < text.Length && text[position + 1] == '"')
                    {
                        field.Append('"');
                        position += 2;
                        continue;
                    }

                    quoted = false;
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }

                position++;
                continue;
            }

            switch (c)
            {
                case '"' when field.ToString().Trim().Length == 0:
                    field.Clear();
                    quoted = true;
                    fieldStarted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRecord();
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(c);
                    fieldStarted = true;
                    break;
            }

            position++;
        }

        if (quoted)
        {
            throw new GenerationException(display, recordLine, fields.Count + 1, "a quoted field is not closed");
        }

        EndRecord();
        return records;

        void EndRecord()
        {
            if (fieldStarted || fields.Count > 0 || field.Length > 0)
            {
                fields.Add(field.ToString());
                records.Add(new CsvRow(recordLine, [.. fields]));
            }

            fields.Clear();
            field.Clear();
            fieldStarted = false;
        }
    }
}
