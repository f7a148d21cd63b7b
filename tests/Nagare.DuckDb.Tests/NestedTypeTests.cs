namespace Nagare.DuckDb.Tests;

public sealed class NestedTypeTests : IDisposable
{
    private readonly DuckDbConnection _connection = TypeAssert.Open();

    public void Dispose() => _connection.Dispose();

    private DuckDbDataReader ReadOne(string sql)
    {
        var command = new DuckDbCommand(sql, _connection);
        var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return reader;
    }

    [Fact]
    public void List_OfIntegersWithNull_ReadsAsNullableList()
    {
        using var reader = ReadOne("SELECT [1, NULL, 3] AS l, []::INTEGER[] AS e");
        Assert.Equal("INTEGER[]", reader.GetDataTypeName(0));
        Assert.Equal(typeof(List<int?>), reader.GetFieldType(0));
        Assert.Equal(new List<int?> { 1, null, 3 }, reader.GetValue(0));
        Assert.Equal(new int?[] { 1, null, 3 }, reader.GetFieldValue<int?[]>(0));
        Assert.Empty(reader.GetFieldValue<List<int>>(1));
        Assert.Throws<InvalidCastException>(() => reader.GetFieldValue<int[]>(0));
    }

    [Fact]
    public void List_OfStrings_ReadsAcrossManyRows()
    {
        using var command = new DuckDbCommand("SELECT [i::VARCHAR, 'long string number ' || i] FROM range(3000) t(i)", _connection);
        using var reader = command.ExecuteReader();
        var row = 0;
        while (reader.Read())
        {
            var list = reader.GetFieldValue<string[]>(0);
            Assert.Equal([row.ToString(System.Globalization.CultureInfo.InvariantCulture), "long string number " + row], list);
            row++;
        }

        Assert.Equal(3000, row);
    }

    [Fact]
    public void List_OfStructs_ReadsDictionaries()
    {
        using var reader = ReadOne("SELECT [{'a': 1, 'b': 'x'}, {'a': 2, 'b': NULL}] AS l");
        Assert.Equal("STRUCT(a INTEGER, b VARCHAR)[]", reader.GetDataTypeName(0));
        var list = Assert.IsType<List<Dictionary<string, object?>?>>(reader.GetValue(0));
        Assert.Equal(2, list.Count);
        Assert.Equal(1, list[0]!["a"]);
        Assert.Equal("x", list[0]!["b"]);
        Assert.Equal(2, list[1]!["a"]);
        Assert.Null(list[1]!["b"]);
    }

    [Fact]
    public void Struct_WithList_ReadsNested()
    {
        using var reader = ReadOne("SELECT {'name': 'n', 'tags': ['t1', 't2'], 'inner': {'x': 1.5}} AS s");
        var value = Assert.IsType<Dictionary<string, object?>>(reader.GetValue(0));
        Assert.Equal(["name", "tags", "inner"], value.Keys);
        Assert.Equal("n", value["name"]);
        Assert.Equal(new List<string?> { "t1", "t2" }, value["tags"]);
        Assert.Equal(1.5m, Assert.IsType<Dictionary<string, object?>>(value["inner"])["x"]);
    }

    [Fact]
    public void Map_OfLists_ReadsTypedDictionary()
    {
        using var reader = ReadOne("SELECT MAP {'a': [1, 2], 'b': NULL, 'c': []} AS m");
        Assert.Equal("MAP(VARCHAR, INTEGER[])", reader.GetDataTypeName(0));
        var map = Assert.IsType<Dictionary<string, List<int?>?>>(reader.GetValue(0));
        Assert.Equal(new List<int?> { 1, 2 }, map["a"]);
        Assert.Null(map["b"]);
        Assert.Empty(map["c"]!);
        var typed = reader.GetFieldValue<Dictionary<string, int[]?>>(0);
        Assert.Equal([1, 2], typed["a"]!);
    }

    [Fact]
    public void Map_IntegerKeys_ReadAsTypedKeys()
    {
        using var reader = ReadOne("SELECT MAP {1: 'one', 2: 'two'} AS m");
        var map = Assert.IsType<Dictionary<int, string?>>(reader.GetValue(0));
        Assert.Equal("two", map[2]);
    }

    [Fact]
    public void Array_FixedSize_ReadsAsList()
    {
        using var reader = ReadOne("SELECT [1.5, 2.5, 3.5]::DOUBLE[3] AS a UNION ALL SELECT [4, 5, NULL]::DOUBLE[3]");
        Assert.Equal("DOUBLE[3]", reader.GetDataTypeName(0));
        Assert.Equal(new List<double?> { 1.5, 2.5, 3.5 }, reader.GetValue(0));
        Assert.True(reader.Read());
        Assert.Equal(new double?[] { 4, 5, null }, reader.GetFieldValue<double?[]>(0));
    }

    [Fact]
    public void Union_ActiveMember_ReadsValueAndTag()
    {
        _connection.ExecuteNonQuery("CREATE TABLE u(v UNION(num INTEGER, str VARCHAR)); INSERT INTO u VALUES (1), ('two'), (NULL)");
        using var command = new DuckDbCommand("SELECT v FROM u ORDER BY rowid", _connection);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal("UNION(num INTEGER, str VARCHAR)", reader.GetDataTypeName(0));
        Assert.Equal(1, reader.GetValue(0));
        Assert.Equal(new DuckDbUnionValue(0, "num", 1), reader.GetFieldValue<DuckDbUnionValue>(0));
        Assert.True(reader.Read());
        Assert.Equal("two", reader.GetFieldValue<string>(0));
        Assert.Equal("str", reader.GetFieldValue<DuckDbUnionValue>(0).MemberName);
        Assert.True(reader.Read());
        Assert.True(reader.IsDBNull(0));
    }

    [Fact]
    public void NestedList_OfLists_ReadsRecursively()
    {
        using var reader = ReadOne("SELECT [[1, 2], NULL, [3]] AS l");
        var value = Assert.IsType<List<List<int?>?>>(reader.GetValue(0));
        Assert.Equal(new List<int?> { 1, 2 }, value[0]);
        Assert.Null(value[1]);
        Assert.Equal(new List<int?> { 3 }, value[2]);
        var jagged = reader.GetFieldValue<int[]?[]>(0);
        Assert.Equal([3], jagged[2]!);
    }
}
