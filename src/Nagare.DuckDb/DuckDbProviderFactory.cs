using System.Data.Common;

namespace Nagare.DuckDb;

/// <summary>Creates DuckDB ADO.NET objects; register with <c>DbProviderFactories.RegisterFactory("Nagare.DuckDb", DuckDbProviderFactory.Instance)</c>.</summary>
public sealed class DuckDbProviderFactory : DbProviderFactory
{
    /// <summary>The single instance.</summary>
    public static readonly DuckDbProviderFactory Instance = new();

    private DuckDbProviderFactory()
    {
    }

    public override DbCommand CreateCommand() => new DuckDbCommand();

    public override DbConnection CreateConnection() => new DuckDbConnection();

    public override DbConnectionStringBuilder CreateConnectionStringBuilder() => new DuckDbConnectionStringBuilder();

    public override DbParameter CreateParameter() => new DuckDbParameter();
}
