using System.Globalization;
using Nagare.DuckDb;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Replication;

namespace Nagare.Runtime.Tests.Infrastructure;

/// <summary>A project folder in a fresh temporary directory, deleted afterwards.</summary>
internal sealed class TempProject : IDisposable
{
    public TempProject()
    {
        Root = Path.Combine(Path.GetTempPath(), "nagare-rt-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public TempProject Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        return this;
    }

    public string PathOf(string relativePath) => Path.Combine(Root, relativePath);

    /// <summary>Writes <paramref name="syncYaml"/> as sync <c>s</c> and runs it through the engine.</summary>
    public async Task<SyncSummary> SyncAsync(string syncYaml)
    {
        Write("syncs/s.yml", syncYaml);
        var config = ProjectLoader.Load(Root);
        return await new SyncRunner(config, ConnectorRegistry.Default, TimeProvider.System).RunAsync("s", new SyncRunOptions(), CancellationToken.None);
    }

    /// <summary>Runs <paramref name="sql"/> on the project's warehouse; each row as <c>v1|v2|…</c>, NULL as <c>NULL</c>.</summary>
    public List<string> QueryWarehouse(string sql)
    {
        // nagare.yml alone: a project whose connections need a test's own connector types still has a warehouse.
        using var duck = new DuckDbConnection(new DuckDbConnectionStringBuilder { DataSource = ProjectLoader.WarehousePath(Root) ?? throw new InvalidOperationException("the project has no nagare.yml") }.ConnectionString);
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        return Rows(reader);
    }

    /// <summary>Every row of <paramref name="reader"/> as <c>v1|v2|…</c> (see <see cref="FormatRow"/>).</summary>
    public static List<string> Rows(System.Data.Common.DbDataReader reader)
    {
        var rows = new List<string>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(FormatRow(row));
        }

        return rows;
    }

    /// <summary>A row as <c>v1|v2|…</c> in invariant culture, NULL as <c>NULL</c>.</summary>
    public static string FormatRow(object?[] row) =>
        string.Join("|", row.Select(v => v is null ? "NULL" : Convert.ToString(v, CultureInfo.InvariantCulture)));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finished test's native library; the temp folder is cleaned later.
        }
    }
}
