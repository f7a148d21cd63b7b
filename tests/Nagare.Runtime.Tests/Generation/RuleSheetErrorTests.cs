using Nagare.Runtime.Generation;

namespace Nagare.Runtime.Tests.Generation;

public sealed class RuleSheetErrorTests : IDisposable
{
    private readonly GenerationFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData("casting.csv", "table,column,to_type,fromat\n", "rules/casting.csv:1:4: unknown column 'fromat'; expected table, column, from_type, to_type, format, safe, note")]
    [InlineData("casting.csv", "table,column,format\n", "rules/casting.csv:1:1: missing column 'to_type' in the header (table, column, format)")]
    [InlineData("casting.csv", "table,column,to_type\n*,x,DATE\n*,,DATE\n", "rules/casting.csv:3:2: 'column' is required")]
    [InlineData("casting.csv", "table,column,to_type\n*,x,DATE;DROP\n", "rules/casting.csv:2:3: 'DATE;DROP' is not a type name")]
    [InlineData("casting.csv", "table,column,to_type,safe\n*,x,DATE,maybe\n", "rules/casting.csv:2:4: safe must be true or false, not 'maybe'")]
    [InlineData("timezone.csv", "table,column,to_tz\n*,x,Mars/Base\n", "rules/timezone.csv:2:3: unknown time zone 'Mars/Base'; use an IANA name such as UTC or Asia/Tokyo")]
    [InlineData("masking.csv", "table,column,method\n*,x,rot13\n", "rules/masking.csv:2:3: unknown masking method 'rot13'; expected sha256, md5, redact")]
    [InlineData("partitioning.csv", "table,column,granularity\n*,x,week\n", "rules/partitioning.csv:2:3: unknown granularity 'week'; expected hour, day, month, year")]
    [InlineData("dedup.csv", "table,key,order_by\n\"lake.a,x\n", "rules/dedup.csv:2:1: a quoted field is not closed")]
    [InlineData("dedup.csv", "table,key,order_by\na,b,c,d\n", "rules/dedup.csv:2:4: the row has 4 fields but the header names 3 columns")]
    [InlineData("dedup.csv", "table,key,key\n", "rules/dedup.csv:1:3: column 'key' appears twice in the header")]
    [InlineData("dedupe_rules.csv", "", "rules/dedupe_rules.csv:1:1: the file is empty; the first line must name the columns")]
    [InlineData("cleansing.csv", "table\n", "rules/cleansing.csv:1:1: unknown rule sheet 'cleansing.csv': its name must start with one of casting, timezone, masking, dedup, partitioning")]
    public void Load_BadSheet_FailsWithFileLineAndColumn(string file, string text, string message)
    {
        _files.Write("rules/" + file, text);

        var e = Assert.Throws<GenerationException>(() => RuleSetLoader.Load(_files.PathOf("rules"), "rules"));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Load_QuotedFieldsAndBlankLines_ReadsRows()
    {
        _files.Write("rules/input_dedup.csv", "\uFEFFtable,key,order_by,note\r\n\r\n\"lake_app.orders\",\"order_id, line_no\",updated_at,\"kept \"\"latest\"\"\nover two lines\"\r\nlake_app.users,id,updated_at,\n");

        var rules = RuleSetLoader.Load(_files.PathOf("rules"), "rules");

        Assert.Equal(2, rules.Dedups.Length);
        Assert.Equal(["order_id", "line_no"], rules.Dedups[0].Keys.ToArray());
        Assert.Equal(3, rules.Dedups[0].Origin.Line);
        Assert.Equal(5, rules.Dedups[1].Origin.Line);
    }

    [Fact]
    public void Load_SettingsWithUnknownKey_FailsWithPlace()
    {
        _files.Write("rules/generate.yml", "layers:\n  source: lake\nmaterialised: view\n");

        var e = Assert.ThrowsAny<Nagare.Core.NagareException>(() => RuleSetLoader.Load(_files.PathOf("rules"), "rules"));

        Assert.StartsWith("rules/generate.yml:3:1", e.Message, StringComparison.Ordinal);
        Assert.Contains("materialised", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("table_schema,table_name,column_name,data_type,colour\n", "catalog.csv:1:5: unknown column 'colour'")]
    [InlineData("table_schema,table_name,column_name\n", "catalog.csv:1:1: missing column 'data_type'")]
    [InlineData("table_schema,table_name,column_name,data_type,ordinal_position\ns,t,c,INT,first\n", "catalog.csv:2:5: ordinal_position must be a whole number, not 'first'")]
    [InlineData("table_schema,table_name,column_name,data_type\ns,t,c,INT\ns,t,c,INT\n", "catalog.csv:3:3: column 'c' of s.t is listed twice")]
    public void ReadCsv_BadCatalog_FailsWithFileLineAndColumn(string text, string messageStart)
    {
        _files.Write("catalog.csv", text);

        var e = Assert.Throws<GenerationException>(() => CatalogReader.ReadCsv(_files.PathOf("catalog.csv"), "catalog.csv"));

        Assert.StartsWith(messageStart, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_FullInformationSchemaExport_IgnoresStandardColumnsAndSortsByOrdinal()
    {
        _files.Write("catalog.csv", "table_catalog,table_schema,table_name,column_name,ordinal_position,column_default,is_nullable,data_type\nshop,b,t,y,2,,YES,INT\nshop,b,t,x,1,0,NO,INT\nshop,a,t,z,1,,YES,VARCHAR\n");

        var tables = CatalogReader.ReadCsv(_files.PathOf("catalog.csv"), "catalog.csv");

        Assert.Equal(["a.t", "b.t"], tables.Select(t => t.FullName).ToArray());
        Assert.Equal(["x", "y"], tables[1].Columns.Select(c => c.Name).ToArray());
        Assert.False(tables[1].Columns[0].Nullable);
    }
}
