namespace Nagare.DuckDb.Tests;

/// <summary>One-line type round trips: a SQL literal read back, and a .NET value bound and read back.</summary>
internal static class TypeAssert
{
    /// <summary>
    /// Asserts that <paramref name="sqlLiteral"/> reads as <paramref name="expected"/> (through GetValue and
    /// GetFieldValue), that the column reports <paramref name="typeName"/>, and that binding
    /// <paramref name="expected"/> as a parameter cast to the same type reads back equal.
    /// </summary>
    public static void RoundTrip<T>(DuckDbConnection connection, string sqlLiteral, T expected, string typeName, bool bindBack = true)
    {
        using (var command = new DuckDbCommand($"SELECT {sqlLiteral} AS v", connection))
        using (var reader = command.ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.Equal(typeName, reader.GetDataTypeName(0));
            Assert.Equal(typeof(T), reader.GetFieldType(0));
            Assert.Equal(expected, reader.GetFieldValue<T>(0));
            Assert.Equal(expected, (T)reader.GetValue(0));
            Assert.False(reader.Read());
        }

        if (bindBack)
        {
            using var command = new DuckDbCommand($"SELECT CAST($1 AS {typeName}) AS v, $1 IS NULL AS n", connection);
            command.Parameters.AddPositional(expected);
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            Assert.False(reader.GetBoolean(1));
            Assert.Equal(expected, reader.GetFieldValue<T>(0));
        }
    }

    /// <summary>Asserts that a NULL of <paramref name="typeName"/> reads as DBNull and as null for nullable reads.</summary>
    public static void Null(DuckDbConnection connection, string typeName)
    {
        using var command = new DuckDbCommand($"SELECT CAST(NULL AS {typeName}) AS v", connection);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.True(reader.IsDBNull(0));
        Assert.Same(DBNull.Value, reader.GetValue(0));
        Assert.Null(reader.GetFieldValue<object?>(0) as string);
    }

    public static DuckDbConnection Open(string dataSource = ":memory:")
    {
        var connection = new DuckDbConnection("Data Source=" + dataSource);
        connection.Open();
        return connection;
    }
}
