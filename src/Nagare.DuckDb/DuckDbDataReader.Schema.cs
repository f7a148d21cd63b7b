using System.Collections.ObjectModel;
using System.Data;
using System.Data.Common;
using Nagare.DuckDb.Native;
using Nagare.DuckDb.Reading;

namespace Nagare.DuckDb;

// Column metadata: names, DuckDB type names, .NET types and the schema table.
public sealed partial class DuckDbDataReader
{
    public override string GetName(int ordinal)
    {
        _ = Column(ordinal);
        return _names[ordinal];
    }

    /// <summary>Ordinal of a column by name: exact match first, then case-insensitive.</summary>
    public override int GetOrdinal(string name)
    {
        if (_closed)
        {
            throw Closed();
        }

        if (_ordinals is null)
        {
            var ordinals = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var i = _names.Length - 1; i >= 0; i--)
            {
                ordinals[_names[i]] = i;
            }

            _ordinals = ordinals;
        }

        var exact = Array.IndexOf(_names, name);
        if (exact >= 0)
        {
            return exact;
        }

        return _ordinals.TryGetValue(name, out var ordinal)
            ? ordinal
            : throw new IndexOutOfRangeException($"The result has no column named '{name}' (columns: {string.Join(", ", _names)}).");
    }

    /// <summary>DuckDB's name for the column type, e.g. <c>BIGINT</c>, <c>DECIMAL(18,6)</c>, <c>JSON</c>, <c>INTEGER[]</c>.</summary>
    public override string GetDataTypeName(int ordinal) => Column(ordinal).TypeName;

    public override Type GetFieldType(int ordinal) => Column(ordinal).ClrType;

    /// <summary>DuckDB's type id of the column.</summary>
    public DuckDbType GetDuckDbType(int ordinal) => Column(ordinal).DuckType;

    public override DataTable GetSchemaTable()
    {
        if (_closed)
        {
            throw Closed();
        }

        var table = new DataTable("SchemaTable") { Locale = System.Globalization.CultureInfo.InvariantCulture };
        table.Columns.Add(SchemaTableColumn.ColumnName, typeof(string));
        table.Columns.Add(SchemaTableColumn.ColumnOrdinal, typeof(int));
        table.Columns.Add(SchemaTableColumn.ColumnSize, typeof(int));
        table.Columns.Add(SchemaTableColumn.NumericPrecision, typeof(short));
        table.Columns.Add(SchemaTableColumn.NumericScale, typeof(short));
        table.Columns.Add(SchemaTableColumn.DataType, typeof(Type));
        table.Columns.Add(SchemaTableColumn.ProviderType, typeof(int));
        table.Columns.Add("DataTypeName", typeof(string));
        table.Columns.Add(SchemaTableColumn.AllowDBNull, typeof(bool));
        table.Columns.Add(SchemaTableColumn.IsKey, typeof(bool));
        table.Columns.Add(SchemaTableColumn.IsUnique, typeof(bool));
        table.Columns.Add(SchemaTableColumn.IsLong, typeof(bool));
        table.Columns.Add(SchemaTableColumn.BaseColumnName, typeof(string));
        table.Columns.Add(SchemaTableOptionalColumn.IsReadOnly, typeof(bool));
        for (var i = 0; i < _columns.Length; i++)
        {
            var column = _columns[i];
            var row = table.NewRow();
            row[SchemaTableColumn.ColumnName] = _names[i];
            row[SchemaTableColumn.ColumnOrdinal] = i;
            row[SchemaTableColumn.ColumnSize] = -1;
            if (column is DecimalVectorReader decimalColumn)
            {
                row[SchemaTableColumn.NumericPrecision] = (short)decimalColumn.Width;
                row[SchemaTableColumn.NumericScale] = (short)decimalColumn.Scale;
            }
            else
            {
                row[SchemaTableColumn.NumericPrecision] = DBNull.Value;
                row[SchemaTableColumn.NumericScale] = DBNull.Value;
            }

            row[SchemaTableColumn.DataType] = column.ClrType;
            row[SchemaTableColumn.ProviderType] = (int)column.DuckType;
            row["DataTypeName"] = column.TypeName;
            row[SchemaTableColumn.AllowDBNull] = true;
            row[SchemaTableColumn.IsKey] = false;
            row[SchemaTableColumn.IsUnique] = false;
            row[SchemaTableColumn.IsLong] = column.DuckType is DuckDbType.Blob or DuckDbType.Varchar;
            row[SchemaTableColumn.BaseColumnName] = _names[i];
            row[SchemaTableOptionalColumn.IsReadOnly] = true;
            table.Rows.Add(row);
        }

        return table;
    }

    public override Task<DataTable?> GetSchemaTableAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<DataTable?>(GetSchemaTable());

    /// <summary>Column names in order.</summary>
    public ReadOnlyCollection<string> ColumnNames => Array.AsReadOnly(_names);
}
