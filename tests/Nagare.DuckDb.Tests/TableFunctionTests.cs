using System.Collections.Concurrent;
using Nagare.DuckDb.Appending;
using Nagare.DuckDb.TableFunctions;

namespace Nagare.DuckDb.Tests;

public sealed class TableFunctionTests : IDisposable
{
    private readonly DuckDbConnection _connection;

    public TableFunctionTests()
    {
        _connection = new DuckDbConnection("Data Source=:memory:");
        _connection.Open();
    }

    public void Dispose() => _connection.Dispose();

    [Fact]
    public void RegisterTableFunction_TenMillionRows_CountAndSumExact()
    {
        _connection.RegisterTableFunction(Range("nagare_range", new ConcurrentQueue<int[]>()));

        Assert.Equal(10_000_000, _connection.ExecuteScalar<long>("SELECT count(*) FROM nagare_range(10000000)"));
        Assert.Equal(49_999_995_000_000, _connection.ExecuteScalar<long>("SELECT sum(i) FROM nagare_range(10000000)"));
        Assert.Equal(5_000_000, _connection.ExecuteScalar<long>("SELECT count(*) FROM nagare_range(10000000) WHERE even"));
    }

    [Fact]
    public void Query_SelectOneColumn_FunctionIsAskedOnlyForIt()
    {
        var projections = new ConcurrentQueue<int[]>();
        _connection.RegisterTableFunction(Range("projected_range", projections));

        Assert.Equal(2_000, _connection.ExecuteScalar<long>("SELECT count(*) FROM projected_range(4000) WHERE even"));
        Assert.True(projections.TryDequeue(out var evenOnly));
        Assert.Equal([1], evenOnly);

        Assert.Equal("label-3999", _connection.ExecuteScalar<string>("SELECT max(label) FILTER (WHERE i = 3999) FROM projected_range(4000)"));
        Assert.True(projections.TryDequeue(out var labelAndI));
        Assert.Equal([0, 2], labelAndI.Order());

        Assert.Equal("7|false|label-7", _connection.ExecuteScalar<string>("SELECT concat_ws('|', i, even, label) FROM projected_range(10) WHERE i = 7"));
        Assert.True(projections.TryDequeue(out var all));
        Assert.Equal([0, 1, 2], all.Order());
    }

    [Fact]
    public void Query_PositionalAndNamedParameters_ReachTheFunction()
    {
        var function = new DuckDbTableFunction<(string Prefix, long Count, long Step, decimal Scale), int[]>(
            "nagare_series",
            bind: context =>
            {
                context.AddColumn("name", DuckDbColumnType.Varchar);
                context.AddColumn("value", DuckDbColumnType.Decimal(10, 2));
                context.SetCardinality(context.GetParameter<long>(1), isExact: true);
                return (context.GetParameter<string>(0)!, context.GetParameter<long>(1), context.GetNamedParameter("step", 1L), context.GetNamedParameter("scale", 1m));
            },
            init: (_, context) => [.. context.ProjectedColumns, 0],
            produce: (bind, scan, output) =>
            {
                var done = scan[^1];
                var n = (int)Math.Min(output.Capacity, bind.Count - done);
                for (var row = 0; row < n; row++)
                {
                    var k = done + row;
                    for (var c = 0; c < output.ColumnCount; c++)
                    {
                        if (scan[c] == 0)
                        {
                            output.Set(c, row, $"{bind.Prefix}{k * bind.Step}");
                        }
                        else
                        {
                            output.Set(c, row, k * bind.Step * bind.Scale);
                        }
                    }
                }

                scan[^1] = done + n;
                return n;
            })
        {
            Parameters = [DuckDbColumnType.Varchar, DuckDbColumnType.BigInt],
            NamedParameters = new Dictionary<string, DuckDbColumnType> { ["step"] = DuckDbColumnType.BigInt, ["scale"] = DuckDbColumnType.Decimal(4, 2) },
        };
        _connection.RegisterTableFunction(function);

        Assert.Equal("x0,x1,x2", _connection.ExecuteScalar<string>("SELECT string_agg(name, ',' ORDER BY value) FROM nagare_series('x', 3)"));
        Assert.Equal("id-0,id-5,id-10,id-15", _connection.ExecuteScalar<string>("SELECT string_agg(name, ',' ORDER BY value) FROM nagare_series('id-', 4, step := 5)"));
        Assert.Equal(1.5m * (0 + 2 + 4), _connection.ExecuteScalar<decimal>("SELECT sum(value) FROM nagare_series('', 3, scale := 1.5, step := 2)"));
    }

    [Fact]
    public void Query_BindThrows_DuckDbExceptionWithMessageAndConnectionUsable()
    {
        _connection.RegisterTableFunction(new DuckDbTableFunction<long, int>(
            "picky",
            bind: context =>
            {
                var n = context.GetParameter<long>(0);
                if (n < 0)
                {
                    throw new ArgumentException($"count must not be negative, got {n}");
                }

                context.AddColumn("x", DuckDbColumnType.Integer);
                return n;
            },
            init: (_, _) => 0,
            produce: (_, _, _) => 0)
        {
            Parameters = [DuckDbColumnType.BigInt],
        });

        var error = Assert.Throws<DuckDbException>(() => _connection.ExecuteScalar<long>("SELECT count(*) FROM picky(-3)"));

        Assert.Contains("count must not be negative, got -3", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _connection.ExecuteScalar<long>("SELECT count(*) FROM picky(3)"));
    }

    [Fact]
    public void Query_ProduceThrows_DuckDbExceptionWithMessageAndStateDisposed()
    {
        var disposed = 0;
        _connection.RegisterTableFunction(new DuckDbTableFunction<int, DisposableCounter>(
            "flaky",
            bind: context =>
            {
                context.AddColumn("x", DuckDbColumnType.BigInt);
                return context.GetParameter<int>(0);
            },
            init: (_, _) => new DisposableCounter(() => Interlocked.Increment(ref disposed)),
            produce: (failAt, scan, output) =>
            {
                if (scan.Chunks++ == failAt)
                {
                    throw new InvalidDataException($"source broke after {failAt} chunks");
                }

                output.GetData<long>(0)[..output.Capacity].Fill(1);
                return output.Capacity;
            })
        {
            Parameters = [DuckDbColumnType.Integer],
        });

        var error = Assert.Throws<DuckDbException>(() => _connection.ExecuteScalar<long>("SELECT sum(x) FROM flaky(2)"));

        Assert.Contains("InvalidDataException: source broke after 2 chunks", error.Message, StringComparison.Ordinal);
        Assert.Contains("flaky", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, Volatile.Read(ref disposed));
        Assert.Equal(42, _connection.ExecuteScalar<int>("SELECT 42"));
    }

    [Fact]
    public void Query_InitThrows_DuckDbExceptionWithMessage()
    {
        _connection.RegisterTableFunction(new DuckDbTableFunction<int, int>(
            "unopenable",
            bind: context =>
            {
                context.AddColumn("x", DuckDbColumnType.Integer);
                return 0;
            },
            init: (_, _) => throw new InvalidOperationException("cannot open the source"),
            produce: (_, _, _) => 0));

        var error = Assert.Throws<DuckDbException>(() => _connection.ExecuteScalar<long>("SELECT count(*) FROM unopenable()"));

        Assert.Contains("cannot open the source", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RegisterTableFunction_SameNameTwice_Throws()
    {
        _connection.RegisterTableFunction(Range("twice", new ConcurrentQueue<int[]>()));

        var error = Assert.Throws<DuckDbException>(() => _connection.RegisterTableFunction(Range("twice", new ConcurrentQueue<int[]>())));

        Assert.Contains("\"twice\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        Assert.Equal(10, _connection.ExecuteScalar<long>("SELECT count(*) FROM twice(10)"));
    }

    [Fact]
    public void RegisterTableFunction_BuiltInName_Throws()
    {
        var error = Assert.Throws<DuckDbException>(() => _connection.RegisterTableFunction(Range("Read_CSV", new ConcurrentQueue<int[]>())));

        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RegisterTableFunction_OtherConnectionToSameDatabase_SeesFunction()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nagare-functions-{Guid.NewGuid():N}.duckdb");
        try
        {
            using (var first = new DuckDbConnection($"Data Source={path}"))
            using (var second = new DuckDbConnection($"Data Source={path}"))
            {
                first.Open();
                second.Open();
                first.RegisterTableFunction(Range("shared_range", new ConcurrentQueue<int[]>()));
                first.Close();

                Assert.Equal(4950, second.ExecuteScalar<long>("SELECT sum(i) FROM shared_range(100)"));
            }
        }
        finally
        {
            File.Delete(path);
            File.Delete(path + ".wal");
        }
    }

    [Fact]
    public void RegisterTableFunction_ListAndStructOutput_ReadBackInSql()
    {
        _connection.RegisterTableFunction(new DuckDbTableFunction<int, int[]>(
            "nested_rows",
            bind: context =>
            {
                context.AddColumn("tags", DuckDbColumnType.List(DuckDbColumnType.Varchar));
                context.AddColumn("point", DuckDbColumnType.Struct(new("x", DuckDbColumnType.Integer), new("y", DuckDbColumnType.Double)));
                return 0;
            },
            init: (_, _) => [0],
            produce: (_, scan, output) =>
            {
                if (scan[0]++ > 0)
                {
                    return 0;
                }

                var tags = output.Column(0);
                var point = output.Column(1);
                for (var row = 0; row < 3; row++)
                {
                    tags.SetList<string?>(row, [.. Enumerable.Range(0, row).Select(k => $"tag-{k}")]);
                    point.Field(0).Set(row, row);
                    point.Field(1).Set(row, row / 2.0);
                }

                point.SetNull(2);
                return 3;
            })
        { SupportsProjectionPushdown = false });

        Assert.Equal(
            "[] {'x': 0, 'y': 0.0};[tag-0] {'x': 1, 'y': 0.5};[tag-0, tag-1] NULL",
            _connection.ExecuteScalar<string>("SELECT string_agg(concat_ws(' ', tags::VARCHAR, coalesce(point::VARCHAR, 'NULL')), ';' ORDER BY len(tags)) FROM nested_rows()"));
    }

    private static DuckDbTableFunction<long, RangeScan> Range(string name, ConcurrentQueue<int[]> projections) =>
        new(
            name,
            bind: context =>
            {
                var count = context.GetParameter<long>(0);
                context.AddColumn("i", DuckDbColumnType.BigInt);
                context.AddColumn("even", DuckDbColumnType.Boolean);
                context.AddColumn("label", DuckDbColumnType.Varchar);
                context.SetCardinality(count, isExact: true);
                return count;
            },
            init: (_, context) =>
            {
                projections.Enqueue([.. context.ProjectedColumns]);
                return new RangeScan([.. context.ProjectedColumns]);
            },
            produce: ProduceRange)
        {
            Parameters = [DuckDbColumnType.BigInt],
        };

    private static int ProduceRange(long count, RangeScan scan, DuckDbChunkWriter output)
    {
        var n = (int)Math.Min(output.Capacity, count - scan.Next);
        for (var column = 0; column < output.ColumnCount; column++)
        {
            switch (scan.Projected[column])
            {
                case 0:
                    var values = output.GetData<long>(column);
                    for (var r = 0; r < n; r++)
                    {
                        values[r] = scan.Next + r;
                    }

                    break;
                case 1:
                    var flags = output.GetData<bool>(column);
                    for (var r = 0; r < n; r++)
                    {
                        flags[r] = (scan.Next + r) % 2 == 0;
                    }

                    break;
                case 2:
                    var labels = output.Column(column);
                    for (var r = 0; r < n; r++)
                    {
                        labels.Set(r, "label-" + (scan.Next + r));
                    }

                    break;
            }
        }

        scan.Next += n;
        return n;
    }

    private sealed class RangeScan(int[] projected)
    {
        public int[] Projected { get; } = projected;

        public long Next { get; set; }
    }

    private sealed class DisposableCounter(Action onDispose) : IDisposable
    {
        public int Chunks { get; set; }

        public void Dispose() => onDispose();
    }
}
