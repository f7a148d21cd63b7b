using Nagare.Runtime.Replication;

namespace Nagare.Runtime.Tests.Replication;

public sealed class SyncProgressTests
{
    [Theory]
    [InlineData(0, 1, 250_000L, 1_000_000L, 0.25)]
    [InlineData(0, 1, 2_000_000L, 1_000_000L, 0.99)]
    [InlineData(1, 1, 2_000_000L, 1_000_000L, 1.0)]
    [InlineData(1, 4, 0L, null, 0.25)]
    [InlineData(3, 4, 10L, 1_000_000L, 0.75)]
    [InlineData(4, 4, 0L, null, 1.0)]
    public void Fraction_RowsWhenEstimatedElseTables_NeverWholeBeforeTheEnd(int done, int total, long rowsRead, long? expected, double fraction)
    {
        var progress = new SyncProgress(done, total, 0, rowsRead, rowsRead, 1, []) { RowsExpected = expected };

        Assert.Equal(fraction, progress.Fraction, 6);
    }
}
