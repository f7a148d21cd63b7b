using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Pipelines.Store;
using Nagare.Runtime.Tests.Pipelines.Engine;

namespace Nagare.Runtime.Tests.Activations;

/// <summary>The pipeline step <c>activate:</c> and the ad-hoc pipeline <c>activate:NAME</c>, run by the real worker.</summary>
public sealed class ActivationStepTests
{
    private static readonly DateTimeOffset Start = EngineHarness.Jst(2026, 12, 6, 9);

    [Fact]
    public async Task Pipeline_ActivateStepAfterASqlStep_SendsTheRowsAndRecordsCountsOnTheTask()
    {
        await using var h = new EngineHarness(Start);
        h.Project.Write("connections/app.yml", "type: sqlite\npath: app.db\n");
        h.Project.Write("activations/kpis.yml", """
            query: select * from mart.kpis
            destination: { connection: app, table: kpis, mode: mirror, key: [id] }
            """);
        h.Project.Write("pipelines/daily.yml", """
            steps:
              - name: shape
                sql: "select range as id, 'v' || range as v from range(25)"
                into: mart.kpis
              - activate: kpis
                after: [shape]
            """);
        await h.Load();

        var run = await h.Service().StartAsync("daily", null, null, null, CancellationToken.None);
        Assert.Equal(2, await h.DrainAsync());

        var detail = await h.RunAsync(run.Id);
        Assert.True(detail.Run.State == RunStates.Succeeded, h.Log);
        Assert.Equal(25, detail.Tasks.Single(t => t.Step == "kpis").Rows);
        Assert.Equal<string>(["25"], ActivationProject.Sqlite(h.Project.PathOf("app.db"), "SELECT count(*) FROM kpis"));

        var adHoc = await h.Service().StartAsync(AdHocPipelines.ForActivation("kpis", full: true), null, null, null, CancellationToken.None);
        Assert.Equal(1, await h.DrainAsync());
        var again = await h.RunAsync(adHoc.Id);
        Assert.Equal(RunStates.Succeeded, again.Run.State);

        // The whole result was offered again; the rows at the destination already had those values.
        Assert.Equal(0, again.Tasks.Single().Rows);
    }
}
