namespace Nagare.DuckDb.Tests;

public sealed class CancellationTests
{
    private const string HugeCrossJoin = "SELECT count(*) FROM range(1000000000) a, range(1000000000) b WHERE a.range + b.range = 7";

    [Fact]
    public async Task ExecuteScalarAsync_Cancelled_InterruptsAndConnectionStaysUsable()
    {
        using var connection = TypeAssert.Open();
        using var command = new DuckDbCommand(HugeCrossJoin, connection);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => command.ExecuteScalarAsync(cancellation.Token));
        Assert.Equal(2, connection.ExecuteScalar<int>("SELECT 1 + 1"));
    }

    [Fact]
    public async Task ReadAsync_CancelledWhileStreaming_Interrupts()
    {
        using var connection = TypeAssert.Open();
        using var command = new DuckDbCommand("SELECT range AS x FROM range(10000000000)", connection);
        using var cancellation = new CancellationTokenSource();
        var reader = await command.ExecuteReaderAsync(cancellation.Token);
        var rows = 0L;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            while (await reader.ReadAsync(cancellation.Token))
            {
                if (++rows == 10_000)
                {
                    cancellation.Cancel();
                }
            }
        });
        Assert.True(rows >= 10_000);
        await reader.DisposeAsync();
        Assert.Equal("ok", connection.ExecuteScalar<string>("SELECT 'ok'"));
    }

    [Fact]
    public void ExecuteScalar_AlreadyCancelledToken_ThrowsBeforeRunning()
    {
        using var connection = TypeAssert.Open();
        using var command = new DuckDbCommand("CREATE TABLE t(a INT)", connection);
        Assert.ThrowsAny<OperationCanceledException>(() => command.ExecuteReader(System.Data.CommandBehavior.Default, new CancellationToken(canceled: true)));
        Assert.Equal(0L, connection.ExecuteScalar<long>("SELECT count(*) FROM information_schema.tables WHERE table_name = 't'"));
    }

    [Fact]
    public void CommandTimeout_Expired_ThrowsTimeoutAndConnectionStaysUsable()
    {
        using var connection = TypeAssert.Open();
        using var command = new DuckDbCommand(HugeCrossJoin, connection) { CommandTimeout = 1 };
        var error = Assert.Throws<DuckDbException>(() => command.ExecuteScalar());
        Assert.Contains("timed out", error.Message, StringComparison.Ordinal);
        Assert.Equal(29, error.ErrorType);
        Assert.Equal(1, connection.ExecuteScalar<int>("SELECT 1"));
    }

    [Fact]
    public async Task Cancel_FromAnotherThread_InterruptsQueryAndReportsProgress()
    {
        using var connection = TypeAssert.Open();
        connection.EnableQueryProgress();
        // DuckDB updates progress only on the thread that runs the query: with a worker pool the workers may take
        // every task for a long while and nothing is reported. One thread makes the report certain.
        connection.ExecuteNonQuery("SET threads = 1");
        // Runs for far longer than any wait below; the test waits (bounded) until DuckDB reports progress.
        using var command = new DuckDbCommand("SELECT sum(a.range * b.range) FROM range(100000000) a, range(100000) b", connection);
        var running = Task.Run(() => command.ExecuteScalar());
        var progress = new DuckDbQueryProgress(-1, 0, 0);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!running.IsCompleted && progress.TotalRows == 0 && waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(50);
            progress = connection.GetQueryProgress();
        }

        command.Cancel();
        var error = await Assert.ThrowsAsync<DuckDbException>(() => running);
        Assert.Equal(29, error.ErrorType);
        Assert.InRange(progress.Percentage, 0, 100);
        Assert.True(progress.TotalRows > 100_000_000, $"progress reported {progress}");
        Assert.Equal(1, connection.ExecuteScalar<int>("SELECT 1"));
    }
}
