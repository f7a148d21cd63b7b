using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;

namespace Nagare.Core.Tests.Connectors;

/// <summary>What a destination is asked to write, checked against what it can do before any session is taken.</summary>
public sealed class WriteRequestTests
{
    private static readonly ConnectorCapabilities Scoped = new("postgres", true, true, new HashSet<WriteMode> { WriteMode.FullRefresh, WriteMode.Merge }) { SupportsScopedWrites = true };
    private static readonly ConnectorCapabilities Unscoped = new("files", true, true, new HashSet<WriteMode> { WriteMode.FullRefresh, WriteMode.Append });

    private static WriteRequest Request(WriteMode mode, DeleteDetection deletes = DeleteDetection.None) =>
        new("s", "lake.orders@pg.a", new StreamId("lake", "orders"), [new ColumnSchema("id", ColumnType.Int64), new ColumnSchema("_source", ColumnType.String)], mode, ["_source", "id"], DeleteDetection: deletes)
        {
            Scope = new WriteScope("_source", "pg.a:"),
        };

    [Fact]
    public void ProblemFor_OneSourcesRefreshIntoADestinationThatCanScope_IsNone()
    {
        Assert.Null(Request(WriteMode.FullRefresh).ProblemFor(Scoped));
        Assert.Null(Request(WriteMode.Merge, DeleteDetection.Hard).ProblemFor(Scoped));
    }

    [Fact]
    public void ProblemFor_OneSourcesRefreshIntoADestinationThatCannotScope_SaysWhatItLoadsInstead()
    {
        Assert.Equal(
            "A files destination cannot replace or delete only the rows of one source in lake.orders (_source starting 'pg.a:'); it loads them with modes append, incremental or merge without delete detection.",
            Request(WriteMode.FullRefresh).ProblemFor(Unscoped));
    }

    [Theory]
    [InlineData(DeleteDetection.Hard)]
    [InlineData(DeleteDetection.Soft)]
    public void ProblemFor_OneSourcesRefreshWithDeleteDetection_AsksForAMerge(DeleteDetection deletes)
    {
        Assert.Equal(
            "A full refresh of only the rows of one source in lake.orders (_source starting 'pg.a:') cannot detect deletes; write it as a merge with delete detection.",
            Request(WriteMode.FullRefresh, deletes).ProblemFor(Scoped));
    }
}
