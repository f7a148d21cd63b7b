using System.Text.Json;
using Nagare.Runtime.Connections;

namespace Nagare.Server.Tests;

/// <summary>The connector types and their options, as a form for a connection is generated from them.</summary>
public sealed class ConnectorsApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly ServerHarness harness = fixture.Harness;

    [Fact]
    public async Task List_EveryBuiltInTypeWithEveryKeyDescribed()
    {
        var items = (await ConnectorsAsync()).GetProperty("items").EnumerateArray().ToList();

        Assert.Equal(["duckdb", "files", "mariadb", "mysql", "postgres", "sqlite"], items.Select(i => i.GetProperty("type").GetString()));
        foreach (var type in BuiltInConnectors.All)
        {
            var item = items.Single(i => i.GetProperty("type").GetString() == type.Name);
            Assert.Equal(type.Description, item.GetProperty("description").GetString());
            var options = item.GetProperty("options").EnumerateArray().ToList();
            Assert.Equal([.. type.Keys, "max_concurrency"], options.Select(o => o.GetProperty("name").GetString()));
            Assert.All(options, o => Assert.False(string.IsNullOrWhiteSpace(o.GetProperty("description").GetString())));
            Assert.Equal(type.RequiredKeys, options.Where(o => o.GetProperty("required").GetBoolean()).Select(o => o.GetProperty("name").GetString()!));
            Assert.Equal(type.SecretKeys, options.Where(o => o.GetProperty("secret").GetBoolean()).Select(o => o.GetProperty("name").GetString()!));
        }
    }

    [Fact]
    public async Task List_PostgresOptions_KindsDefaultsChoicesAndTheSecretPassword()
    {
        var postgres = (await ConnectorsAsync()).GetProperty("items").EnumerateArray().Single(i => i.GetProperty("type").GetString() == "postgres");
        var options = postgres.GetProperty("options").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);

        Assert.Equal("PostgreSQL", postgres.GetProperty("description").GetString());
        Assert.Equal(
            """{"name":"host","kind":"string","required":false,"secret":false,"default":"localhost","description":"Server host name or address.","choices":null}""",
            options["host"].GetRawText());
        Assert.Equal(("integer", 5432), (options["port"].GetProperty("kind").GetString(), options["port"].GetProperty("default").GetInt32()));
        Assert.Equal((true, false, JsonValueKind.Null), (options["database"].GetProperty("required").GetBoolean(), options["database"].GetProperty("secret").GetBoolean(), options["database"].GetProperty("default").ValueKind));
        Assert.Equal((true, false), (options["password"].GetProperty("secret").GetBoolean(), options["password"].GetProperty("required").GetBoolean()));
        Assert.Equal("choice", options["sslmode"].GetProperty("kind").GetString());
        Assert.Equal("prefer", options["sslmode"].GetProperty("default").GetString());
        Assert.Equal(["disable", "allow", "prefer", "require", "verify-ca", "verify-full"], options["sslmode"].GetProperty("choices").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("list", options["schemas"].GetProperty("kind").GetString());
        Assert.Equal(("integer", 4), (options["max_concurrency"].GetProperty("kind").GetString(), options["max_concurrency"].GetProperty("default").GetInt32()));
    }

    [Fact]
    public async Task List_OtherTypes_PathsBooleansAndMaps()
    {
        var items = (await ConnectorsAsync()).GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("type").GetString()!, i => i.GetProperty("options").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!));

        Assert.Equal(("path", true), (items["sqlite"]["path"].GetProperty("kind").GetString(), items["sqlite"]["path"].GetProperty("required").GetBoolean()));
        Assert.Equal(("boolean", false), (items["sqlite"]["read_only"].GetProperty("kind").GetString(), items["sqlite"]["read_only"].GetProperty("default").GetBoolean()));
        Assert.Equal("map", items["files"]["streams"].GetProperty("kind").GetString());
        Assert.Equal("auto", items["files"]["format"].GetProperty("default").GetString());
        Assert.Equal(["auto", "light"], items["duckdb"]["compression"].GetProperty("choices").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(65536, items["duckdb"]["block_size"].GetProperty("default").GetInt32());
    }

    private async Task<JsonElement> ConnectorsAsync() =>
        JsonDocument.Parse(await harness.As("viewer").GetStringAsync("/api/v1/connectors")).RootElement;
}
