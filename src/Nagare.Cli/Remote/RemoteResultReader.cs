using System.Collections;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;

namespace Nagare.Cli.Remote;

/// <summary>A query result the server sent as JSON (<c>columns</c>, <c>rows</c>), read like a local one by the output writers.</summary>
internal sealed class RemoteResultReader : DbDataReader
{
    private readonly JsonDocument document;
    private readonly (string Name, string Type)[] columns;
    private JsonElement.ArrayEnumerator rows;
    private JsonElement row;

    public RemoteResultReader(JsonDocument document)
    {
        this.document = document;
        var root = document.RootElement;
        columns = [.. root.GetProperty("columns").EnumerateArray().Select(c => (c.GetProperty("name").GetString()!, c.GetProperty("type").GetString()!))];
        rows = root.GetProperty("rows").EnumerateArray();
    }

    /// <summary>True when the server stopped at the row limit.</summary>
    public bool Truncated => document.RootElement.GetProperty("truncated").GetBoolean();

    public override int FieldCount => columns.Length;

    public override object this[int ordinal] => GetValue(ordinal);

    public override object this[string name] => GetValue(GetOrdinal(name));

    public override int RecordsAffected => -1;

    public override bool HasRows => document.RootElement.GetProperty("rows").GetArrayLength() > 0;

    public override bool IsClosed => false;

    public override int Depth => 0;

    public override bool Read()
    {
        if (!rows.MoveNext())
        {
            return false;
        }

        row = rows.Current;
        return true;
    }

    public override bool NextResult() => false;

    public override string GetName(int ordinal) => columns[ordinal].Name;

    public override int GetOrdinal(string name) => Array.FindIndex(columns, c => c.Name == name);

    public override string GetDataTypeName(int ordinal) => columns[ordinal].Type;

    public override Type GetFieldType(int ordinal) => columns[ordinal].Type switch
    {
        "BOOLEAN" => typeof(bool),
        "TINYINT" or "SMALLINT" or "INTEGER" or "BIGINT" or "UTINYINT" or "USMALLINT" or "UINTEGER" => typeof(long),
        "UBIGINT" => typeof(ulong),
        "FLOAT" or "DOUBLE" => typeof(double),
        "HUGEINT" or "UHUGEINT" => typeof(decimal),
        var t when t.StartsWith("DECIMAL", StringComparison.Ordinal) => typeof(decimal),
        _ => typeof(string),
    };

    public override bool IsDBNull(int ordinal) => row[ordinal].ValueKind == JsonValueKind.Null;

    public override object GetValue(int ordinal)
    {
        var value = row[ordinal];
        if (value.ValueKind == JsonValueKind.Null)
        {
            return DBNull.Value;
        }

        var type = GetFieldType(ordinal);
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when type == typeof(long) => value.GetInt64(),
            JsonValueKind.Number when type == typeof(ulong) => value.GetUInt64(),
            JsonValueKind.Number when type == typeof(decimal) => value.TryGetDecimal(out var d) ? d : value.GetRawText(),
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String => value.GetString()!,
            _ => value.GetRawText(),
        };
    }

    public override int GetValues(object[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var count = Math.Min(values.Length, FieldCount);
        for (var i = 0; i < count; i++)
        {
            values[i] = GetValue(i);
        }

        return count;
    }

    public override bool GetBoolean(int ordinal) => (bool)GetValue(ordinal);

    public override byte GetByte(int ordinal) => Convert.ToByte(GetValue(ordinal), CultureInfo.InvariantCulture);

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => throw new NotSupportedException();

    public override char GetChar(int ordinal) => GetString(ordinal)[0];

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => throw new NotSupportedException();

    public override DateTime GetDateTime(int ordinal) => DateTime.Parse(GetString(ordinal), CultureInfo.InvariantCulture);

    public override decimal GetDecimal(int ordinal) => Convert.ToDecimal(GetValue(ordinal), CultureInfo.InvariantCulture);

    public override double GetDouble(int ordinal) => Convert.ToDouble(GetValue(ordinal), CultureInfo.InvariantCulture);

    public override float GetFloat(int ordinal) => (float)GetDouble(ordinal);

    public override Guid GetGuid(int ordinal) => Guid.Parse(GetString(ordinal));

    public override short GetInt16(int ordinal) => Convert.ToInt16(GetValue(ordinal), CultureInfo.InvariantCulture);

    public override int GetInt32(int ordinal) => Convert.ToInt32(GetValue(ordinal), CultureInfo.InvariantCulture);

    public override long GetInt64(int ordinal) => Convert.ToInt64(GetValue(ordinal), CultureInfo.InvariantCulture);

    public override string GetString(int ordinal) => Convert.ToString(GetValue(ordinal), CultureInfo.InvariantCulture)!;

    public override IEnumerator GetEnumerator() => new DbEnumerator(this);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            document.Dispose();
        }

        base.Dispose(disposing);
    }
}
