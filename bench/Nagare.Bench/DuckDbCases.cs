using BenchmarkDotNet.Attributes;
using Nagare.DuckDb;

namespace Nagare.Bench;

/// <summary>
/// The DuckDB binding cases of bench/duckdb.sh over t(a BIGINT, b DOUBLE, c VARCHAR), and the
/// same read as a BenchmarkDotNet micro-benchmark (<c>micro</c>) on a smaller table.
/// </summary>
[MemoryDiagnoser]
public partial class DuckDbCases : IDisposable
{
    /// <summary>The string pool both this and the Node.js peer append: every tenth string is longer than 12 bytes.</summary>
    internal static readonly string[] Pool = Enumerable.Range(0, 4096)
        .Select(i => i % 10 == 0 ? $"a-longer-string-{i}" : $"v{i}").ToArray();

    private DuckDbConnection? _connection;

    public DuckDbCases()
    {
    }

    public DuckDbCases(string databaseFile)
    {
        _connection = new DuckDbConnection($"Data Source={databaseFile}");
        _connection.Open();
    }

    private DuckDbConnection Connection => _connection ?? throw new InvalidOperationException("not open");

    [GlobalSetup]
    public void MicroSetup()
    {
        _connection = new DuckDbConnection("Data Source=:memory:");
        _connection.Open();
        Prepare(1_000_000);
    }

    /// <summary>Creates t with <paramref name="rows"/> rows, the strings drawn from <see cref="Pool"/>.</summary>
    public long Prepare(long rows)
    {
        Connection.ExecuteNonQuery($"""
            DROP TABLE IF EXISTS t;
            CREATE TABLE t AS
            SELECT i::BIGINT AS a, i * 0.5 AS b,
                   CASE WHEN (i % 4096) % 10 = 0 THEN 'a-longer-string-' || (i % 4096) ELSE 'v' || (i % 4096) END AS c
            FROM range({rows}) r(i);
            CHECKPOINT;
            """);
        return rows;
    }

    /// <summary>Reads every row into typed values.</summary>
    [Benchmark]
    public long Read()
    {
        using var command = Connection.CreateCommand();
        command.CommandText = "SELECT a, b, c FROM t";
        using var reader = command.ExecuteReader();
        long rows = 0, sumA = 0, lengthC = 0;
        double sumB = 0;
        while (reader.Read())
        {
            sumA += reader.GetInt64(0);
            sumB += reader.GetDouble(1);
            lengthC += reader.GetString(2).Length;
            rows++;
        }

        if (sumA < 0 || sumB < 0 || lengthC < 0)
        {
            throw new InvalidOperationException("unreachable");
        }

        return rows;
    }

    /// <summary>Appends <paramref name="rows"/> rows into a fresh t2, one full chunk at a time, from typed spans.</summary>
    public long Append(long rows)
    {
        Connection.ExecuteNonQuery("DROP TABLE IF EXISTS t2; CREATE TABLE t2 (a BIGINT, b DOUBLE, c VARCHAR)");
        using var appender = Connection.CreateAppender("t2");
        var chunk = appender.Chunk;
        var a = new long[chunk.Capacity];
        var b = new double[chunk.Capacity];
        var c = new string[chunk.Capacity];
        for (long start = 0; start < rows; start += chunk.Capacity)
        {
            var n = (int)Math.Min(chunk.Capacity, rows - start);
            for (var j = 0; j < n; j++)
            {
                var i = start + j;
                a[j] = i;
                b[j] = i * 0.5;
                c[j] = Pool[i & 4095];
            }

            chunk.Write<long>(0, a.AsSpan(0, n));
            chunk.Write<double>(1, b.AsSpan(0, n));
            chunk.Write<string>(2, c.AsSpan(0, n));
            chunk.Size = n;
            appender.AppendChunk();
        }

        appender.Close();
        return appender.RowsAppended;
    }

    /// <summary>DuckDB scanning every value by itself.</summary>
    public long EngineRead()
    {
        using var command = Connection.CreateCommand();
        command.CommandText = "SELECT min(a), max(b), max(length(c)), count(*) FROM t";
        using var reader = command.ExecuteReader();
        reader.Read();
        return reader.GetInt64(3);
    }

    /// <summary>DuckDB copying the table by itself.</summary>
    public long EngineAppend()
    {
        Connection.ExecuteNonQuery("DROP TABLE IF EXISTS t2; CREATE TABLE t2 (a BIGINT, b DOUBLE, c VARCHAR)");
        return Connection.ExecuteNonQuery("INSERT INTO t2 SELECT * FROM t");
    }

    public void Dispose()
    {
        _connection?.Dispose();
        GC.SuppressFinalize(this);
    }
}
