using Nagare.Runtime.Configuration;
using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Configuration;

public sealed class PipelineConfigTests : IDisposable
{
    private readonly TempProject project = new();

    public PipelineConfigTests()
    {
        project.Write("nagare.yml", "name: shop\npools:\n  app_db: 2\n  heavy: 1\n");
        project.Write("connections/app_db.yml", "type: files\npath: inbox\n");
        project.Write("connections/shard_1.yml", "type: files\npath: s1\n");
        project.Write("connections/shard_2.yml", "type: files\npath: s2\n");
        project.Write("syncs/app_to_lake.yml", "source: app_db\nstreams:\n  - select: \"*\"\n");
        project.Write("notifications/slack_data_team.yml", "type: slack\nurl: ${SLACK_WEBHOOK_URL}\n");
        project.Write("sql/cleanup.sql", "delete from t;\n");
        project.Write("connections/crm.yml", "type: sqlite\npath: crm.db\n");
        project.Write("activations/sales_to_crm.yml", "query: select 1 as id\ndestination: { connection: crm, table: sales, mode: insert }\n");
    }

    private static string? Env(string name) => name switch
    {
        "SLACK_WEBHOOK_URL" => "https://hooks.slack.example/T000/B000",
        "HOOK_SECRET" => "h00k",
        "SMTP_PASSWORD" => "sm7p",
        _ => null,
    };

    private ProjectConfig Load() => ProjectLoader.Load(project.Root, environment: Env);

    private PipelineConfig LoadPipeline(string yaml, string name = "p")
    {
        project.Write($"pipelines/{name}.yml", yaml);
        return Load().Pipelines[name];
    }

    private ConfigException Fail(string yaml, string file = "pipelines/p.yml")
    {
        project.Write(file, yaml);
        var e = Assert.Throws<ConfigException>(Load);
        Assert.Equal(Path.Join(project.Root, file), e.File);
        return e;
    }

    [Fact]
    public void Load_FullPipeline_ReadsEveryKey()
    {
        project.Write("pipelines/upstream.yml", "steps:\n  - sql: select 1\n");
        var pipeline = LoadPipeline("""
            name: daily
            description: Nightly load
            schedule:
              cron: "0 3 * * *"
              timezone: Asia/Tokyo
              catchup: all
            max_active_runs: 2
            when_running: skip
            trigger:
              after: [upstream]
            params:
              target_date: { type: date, default: "{{ yesterday }}", description: Day to load }
              limit: { type: int, default: 100 }
              region: apac
              must: { type: string }
            deadline: "08:00"
            retries: { count: 3, backoff: 10s, max_backoff: 5m }
            timeout: 1h
            notify: [slack_data_team]
            steps:
              - sync: app_to_lake
                streams: "public.*"
                source: "{{ item }}"
                full_refresh: true
              - build: "+mart_sales"
                after: [app_to_lake]
                full_refresh: true
              - test: mart_sales
                after: [build]
              - sql: "delete from t where d = '{{ params.target_date }}'"
                connection: app_db
              - name: cleanup
                sql_file: sql/cleanup.sql
              - command: python3 job.py "{{ params.target_date }}" "two words"
                env: { DAY: "{{ logical_date }}" }
                working_dir: scripts
              - activate: sales_to_crm
              - name: per_shard
                sql: "select 1"
                for_each:
                  connections: "shard_*"
                parallelism: 4
                pool: app_db
                retries: 2
                timeout: 10m
                deadline: { max_duration: 30m }
            """, "daily");

        Assert.Equal(("daily", "Nightly load"), (pipeline.Name, pipeline.Description));
        Assert.Equal(("0 3 * * *", "Asia/Tokyo", CatchUp.All), (pipeline.Schedule!.Cron, pipeline.Schedule.TimeZone, pipeline.Schedule.CatchUp));
        Assert.Equal((2, WhenRunning.Skip), (pipeline.MaxActiveRuns, pipeline.WhenRunning));
        Assert.Equal(["upstream"], pipeline.AfterPipelines.ToArray());
        Assert.Equal(
            [
                new ParamConfig("target_date", ParamType.Date, "{{ yesterday }}", "Day to load", pipeline.Params[0].Location),
                new ParamConfig("limit", ParamType.Int, "100", null, pipeline.Params[1].Location),
                new ParamConfig("region", ParamType.String, "apac", null, pipeline.Params[2].Location),
                new ParamConfig("must", ParamType.String, null, null, pipeline.Params[3].Location),
            ],
            pipeline.Params.ToArray());
        Assert.Equal((new TimeOnly(8, 0), "Asia/Tokyo", (TimeSpan?)null), (pipeline.Deadline!.TimeOfDay, pipeline.Deadline.TimeZone, pipeline.Deadline.MaxDuration));
        Assert.Equal(["slack_data_team"], pipeline.Notify.Channels.ToArray());
        Assert.Equal(NotifyConfig.None.On.ToArray(), pipeline.Notify.On.ToArray());
        Assert.Equal(["app_to_lake", "build", "test", "sql", "cleanup", "command", "sales_to_crm", "per_shard"], pipeline.Steps.Select(s => s.Name));
        Assert.Equal(
            [StepKind.Sync, StepKind.Build, StepKind.Test, StepKind.Sql, StepKind.Sql, StepKind.Command, StepKind.Activate, StepKind.Sql],
            pipeline.Steps.Select(s => s.Kind));

        var sync = pipeline.Steps[0];
        Assert.Equal(("app_to_lake", "public.*", "{{ item }}", true), (sync.Target, sync.Streams, sync.Source, sync.FullRefresh));
        Assert.Equal(new RetryConfig(3, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5)), sync.Retries);
        Assert.Equal(TimeSpan.FromHours(1), sync.Timeout);
        Assert.Empty(sync.After);
        Assert.Equal(("+mart_sales", true), (pipeline.Steps[1].Target, pipeline.Steps[1].FullRefresh));
        Assert.Equal(["app_to_lake"], pipeline.Steps[1].After.ToArray());
        Assert.Equal(("mart_sales", false), (pipeline.Steps[2].Target, pipeline.Steps[2].FullRefresh));
        Assert.Equal(["build"], pipeline.Steps[2].After.ToArray());
        Assert.Equal(("delete from t where d = '{{ params.target_date }}'", "app_db"), (pipeline.Steps[3].Target, pipeline.Steps[3].Connection));
        Assert.Equal(((string?)null, "sql/cleanup.sql", "warehouse"), (pipeline.Steps[4].Target, pipeline.Steps[4].File, pipeline.Steps[4].Connection));
        var command = pipeline.Steps[5];
        Assert.Equal(["python3", "job.py", "{{ params.target_date }}", "two words"], command.Command.ToArray());
        Assert.Equal("{{ logical_date }}", command.Environment["DAY"]);
        Assert.Equal("scripts", command.WorkingDirectory);
        Assert.Null(command.Target);
        Assert.Equal("sales_to_crm", pipeline.Steps[6].Target);
        var shard = pipeline.Steps[7];
        Assert.Equal(("shard_*", (string?)null, "warehouse"), (shard.ForEach!.Connections, shard.ForEach.Query, shard.ForEach.QueryConnection));
        Assert.Empty(shard.ForEach.Items);
        Assert.Equal((4, "app_db"), (shard.Parallelism, shard.Pool));
        Assert.Equal(new RetryConfig(2, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5)), shard.Retries);
        Assert.Equal(TimeSpan.FromMinutes(10), shard.Timeout);
        Assert.Equal(((TimeOnly?)null, TimeSpan.FromMinutes(30)), (shard.Deadline!.TimeOfDay, shard.Deadline.MaxDuration));
    }

    [Fact]
    public void Load_ShortForms_AppliesDefaults()
    {
        project.Write("nagare.yml", "name: shop\ntimezone: Europe/Berlin\n");
        var pipeline = LoadPipeline("""
            schedule: "30 0 3 * * *"
            deadline: "7:30 America/New_York"
            retries: 1
            notify: { to: slack_data_team, on: [failure, at_risk] }
            steps:
              - command: ["python3", "job.py"]
              - name: fan
                sql: select 1
                after: command
                retries: { backoff: 1m }
                for_each: { items: [a, b] }
              - name: fan_query
                sql: select 1
                for_each: { query: "select id from t", connection: app_db }
                deadline: { time: "09:00", timezone: UTC, max_duration: 1h30m }
            """, "nightly");

        Assert.Equal("nightly", pipeline.Name);
        Assert.Null(pipeline.Description);
        Assert.Equal(("30 0 3 * * *", "Europe/Berlin", CatchUp.Latest), (pipeline.Schedule!.Cron, pipeline.Schedule.TimeZone, pipeline.Schedule.CatchUp));
        Assert.Equal((1, WhenRunning.Queue), (pipeline.MaxActiveRuns, pipeline.WhenRunning));
        Assert.Empty(pipeline.AfterPipelines.ToArray());
        Assert.Empty(pipeline.Params.ToArray());
        Assert.Equal((new TimeOnly(7, 30), "America/New_York"), (pipeline.Deadline!.TimeOfDay, pipeline.Deadline.TimeZone));
        Assert.Equal([NotificationKind.Failure, NotificationKind.AtRisk], pipeline.Notify.On.ToArray());
        Assert.Equal(["slack_data_team"], pipeline.Notify.Channels.ToArray());

        var command = pipeline.Steps[0];
        Assert.Equal(["python3", "job.py"], command.Command.ToArray());
        Assert.Equal(new RetryConfig(1, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10)), command.Retries);
        Assert.Null(command.Timeout);
        Assert.Null(command.WorkingDirectory);
        Assert.Empty(command.Environment);

        var fan = pipeline.Steps[1];
        Assert.Equal(["command"], fan.After.ToArray());
        Assert.Equal(new RetryConfig(1, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10)), fan.Retries);
        Assert.Equal(["a", "b"], fan.ForEach!.Items.ToArray());
        Assert.Equal(((string?)null, (string?)null, "warehouse"), (fan.ForEach.Connections, fan.ForEach.Query, fan.ForEach.QueryConnection));
        Assert.Null(fan.Parallelism);

        var query = pipeline.Steps[2];
        Assert.Equal(("select id from t", "app_db"), (query.ForEach!.Query, query.ForEach.QueryConnection));
        Assert.Equal((new TimeOnly(9, 0), "UTC", TimeSpan.FromMinutes(90)), (query.Deadline!.TimeOfDay, query.Deadline.TimeZone, query.Deadline.MaxDuration));
    }

    [Fact]
    public void Load_NoScheduleNoProjectTimeZone_DeadlineIsInUtc()
    {
        var pipeline = LoadPipeline("deadline: \"06:00\"\nsteps:\n  - sql: select 1\n");

        Assert.Null(pipeline.Schedule);
        Assert.Equal("UTC", pipeline.Deadline!.TimeZone);
        Assert.Equal(NotifyConfig.None, pipeline.Notify);
        Assert.Empty(pipeline.Notify.Channels.ToArray());
        Assert.Equal(RetryConfig.None, pipeline.Steps[0].Retries);
    }

    [Fact]
    public void Load_Channels_ReadEachType()
    {
        project.Write("notifications/hook.yml", "type: webhook\nurl: https://example.com/hook\nsecret: ${HOOK_SECRET}\n");
        project.Write("notifications/mail.yml", """
            name: data_team_mail
            type: email
            smtp: { host: smtp.example.com, port: 2525, user: alerts, password: "${SMTP_PASSWORD}", tls: true }
            from: nagare@example.com
            to: data-team@example.com
            """);
        project.Write("notifications/mail_defaults.yml", "type: email\nsmtp: { host: localhost }\nfrom: a@example.com\nto: [b@example.com, c@example.com]\n");

        var channels = Load().Notifications;

        Assert.Equal(["data_team_mail", "hook", "mail_defaults", "slack_data_team"], channels.Keys);
        var slack = channels["slack_data_team"];
        Assert.Equal((ChannelType.Slack, "https://hooks.slack.example/T000/B000"), (slack.Type, slack.Url!.Reveal()));
        Assert.Null(slack.SigningSecret);
        var hook = channels["hook"];
        Assert.Equal((ChannelType.Webhook, "https://example.com/hook", "h00k"), (hook.Type, hook.Url!.Reveal(), hook.SigningSecret!.Reveal()));
        var mail = channels["data_team_mail"];
        Assert.Equal((ChannelType.Email, "smtp.example.com", 2525, "alerts", "sm7p", true), (mail.Type, mail.SmtpHost, mail.SmtpPort, mail.SmtpUser, mail.SmtpPassword!.Reveal(), mail.SmtpTls));
        Assert.Equal(("nagare@example.com", "data-team@example.com"), (mail.From, Assert.Single(mail.To)));
        Assert.Null(mail.Url);
        var defaults = channels["mail_defaults"];
        Assert.Equal((25, false, (string?)null, (Secret?)null), (defaults.SmtpPort, defaults.SmtpTls, defaults.SmtpUser, defaults.SmtpPassword));
        Assert.Equal(["b@example.com", "c@example.com"], defaults.To.ToArray());
    }

    [Fact]
    public void Load_Pools_AreReadFromNagareYml()
    {
        Assert.Equal(new Dictionary<string, int> { ["app_db"] = 2, ["heavy"] = 1 }, Load().Pools);
    }

    [Fact]
    public void Load_PoolOfZero_IsAnErrorAtItsValue()
    {
        project.Write("nagare.yml", "name: shop\npools:\n  app_db: 0\n");

        var e = Assert.Throws<ConfigException>(Load);

        Assert.Equal((3, 11, "pools.app_db"), (e.Line, e.Column, e.Key));
        Assert.Contains("expected a positive number of slots, found '0'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("schedul: \"0 3 * * *\"\nsteps:\n  - sql: select 1\n", 1, 1, "schedul", "did you mean 'schedule'?")]
    [InlineData("steps:\n  - sql: select 1\n    aftr: [x]\n", 3, 5, "steps[0].aftr", "did you mean 'after'?")]
    [InlineData("schedule:\n  cron: \"0 3 * * *\"\n  catchp: all\nsteps:\n  - sql: select 1\n", 3, 3, "schedule.catchp", "did you mean 'catchup'?")]
    [InlineData("steps:\n  - sql: select 1\n    for_each: { itmes: [a] }\n", 3, 17, "steps[0].for_each.itmes", "did you mean 'items'?")]
    [InlineData("steps:\n  - snyc: app_to_lake\n", 2, 5, "steps[0].snyc", "did you mean 'sync'?")]
    public void Load_UnknownKey_NamesFileLineColumnAndSuggests(string yaml, int line, int column, string key, string suggestion)
    {
        var e = Fail(yaml);

        Assert.Equal((line, column, key), (e.Line, e.Column, e.Key));
        Assert.Contains($"unknown key ({suggestion})", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ChannelKeyOfAnotherType_SaysWhichTypeItAppliesTo()
    {
        var e = Fail("type: slack\nurl: https://example.com\nsecret: x\n", "notifications/n.yml");

        Assert.Equal((3, 9, "secret"), (e.Line, e.Column, e.Key));
        Assert.Contains("'secret' applies to webhook channels only", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TwoStepsWithTheSameDefaultName_SaysToAddName()
    {
        var e = Fail("steps:\n  - build: a\n  - build: b\n");

        Assert.Equal((3, 5, "steps[1]"), (e.Line, e.Column, e.Key));
        var file = Path.Join(project.Root, "pipelines/p.yml");
        Assert.Contains($"the steps at {file}:2:5 and {file}:3:5 are both named 'build': add 'name:'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownAfter_Suggests()
    {
        var e = Fail("steps:\n  - sync: app_to_lake\n  - build: \"+x\"\n    after: [app_to_lak]\n");

        Assert.Equal((4, 13, "steps[1].after[0]"), (e.Line, e.Column, e.Key));
        Assert.Contains("no step named 'app_to_lak' in this pipeline (did you mean 'app_to_lake'?)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_StepCycle_ShowsThePath()
    {
        var e = Fail("steps:\n  - name: a\n    sql: select 1\n    after: [c]\n  - name: b\n    sql: select 2\n    after: [a]\n  - name: c\n    sql: select 3\n    after: b\n");

        Assert.Equal((4, 13, "steps[0].after[0]"), (e.Line, e.Column, e.Key));
        Assert.Contains("steps wait for each other in a cycle: a -> b -> c -> a", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownSync_Suggests()
    {
        var e = Fail("steps:\n  - sync: app_to_lak\n");

        Assert.Equal((2, 11, "steps[0].sync"), (e.Line, e.Column, e.Key));
        Assert.Contains("no sync named 'app_to_lak' (did you mean 'app_to_lake'?)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownPool_Suggests()
    {
        var e = Fail("steps:\n  - sql: select 1\n    pool: app_bd\n");

        Assert.Equal((3, 11, "steps[0].pool"), (e.Line, e.Column, e.Key));
        Assert.Contains("no pool named 'app_bd' in nagare.yml's pools: (did you mean 'app_db'?). Known: app_db, heavy", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownChannel_Suggests()
    {
        var e = Fail("notify: [slack_data_tem]\nsteps:\n  - sql: select 1\n");

        Assert.Equal((1, 10, "notify[0]"), (e.Line, e.Column, e.Key));
        Assert.Contains("no notification channel named 'slack_data_tem' in notifications/ (did you mean 'slack_data_team'?)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownConnections_AreErrorsWhenLiteral()
    {
        var e = Fail("steps:\n  - sql: select 1\n    connection: app_bd\n");
        Assert.Equal((3, 17, "steps[0].connection"), (e.Line, e.Column, e.Key));
        Assert.Contains("no connection named 'app_bd' (did you mean 'app_db'?)", e.Message, StringComparison.Ordinal);

        e = Fail("steps:\n  - sql: select 1\n    for_each: { connections: \"shrd_*\" }\n");
        Assert.Equal((3, 30, "steps[0].for_each.connections"), (e.Line, e.Column, e.Key));
        Assert.Contains("'shrd_*' matches no connection", e.Message, StringComparison.Ordinal);

        e = Fail("steps:\n  - sync: app_to_lake\n    source: shard_3\n");
        Assert.Equal((3, 13, "steps[0].source"), (e.Line, e.Column, e.Key));
    }

    [Theory]
    [InlineData("\"0 3 * *\"", "has 4 fields: write 5")]
    [InlineData("\"0 25 * * *\"", "'0 25 * * *' is not a valid cron expression")]
    public void Load_BadCron_IsAnErrorAtTheExpression(string cron, string problem)
    {
        var e = Fail($"schedule: {cron}\nsteps:\n  - sql: select 1\n");

        Assert.Equal((1, 11, "schedule"), (e.Line, e.Column, e.Key));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadTimeZone_IsAnErrorAtTheZone()
    {
        var e = Fail("schedule:\n  cron: \"0 3 * * *\"\n  timezone: Asia/Tokio\nsteps:\n  - sql: select 1\n");

        Assert.Equal((3, 13, "schedule.timezone"), (e.Line, e.Column, e.Key));
        Assert.Contains("'Asia/Tokio' is not an IANA time zone", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadDeadlineTime_SaysWhatToWrite()
    {
        var e = Fail("deadline: 8am\nsteps:\n  - sql: select 1\n");

        Assert.Equal((1, 11, "deadline"), (e.Line, e.Column, e.Key));
        Assert.Contains("'8am' is not a time of day: write HH:mm", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadDuration_SaysWhatToWrite()
    {
        var e = Fail("timeout: 10x\nsteps:\n  - sql: select 1\n");

        Assert.Equal((1, 10, "timeout"), (e.Line, e.Column, e.Key));
        Assert.Contains("'10x' is not a duration ('x' is not a unit): write e.g. 30s, 10m", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadParamType_Suggests()
    {
        var e = Fail("params:\n  must: { type: strng }\nsteps:\n  - sql: select 1\n");

        Assert.Equal((2, 17, "params.must.type"), (e.Line, e.Column, e.Key));
        Assert.Contains("'strng' is not one of bool, date, int, number, string, timestamp (did you mean 'string'?)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LiteralDefaultNotOfItsType_IsAnError()
    {
        var e = Fail("params:\n  limit: { type: int, default: ten }\nsteps:\n  - sql: select 1\n");

        Assert.Equal((2, 32, "params.limit.default"), (e.Line, e.Column, e.Key));
        Assert.Contains("'ten' is not a value of type int: write an integer such as 100", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ForEachWithTwoSources_IsAnError()
    {
        var e = Fail("steps:\n  - sql: select 1\n    for_each:\n      items: [a]\n      query: select 2\n");

        Assert.Equal((5, 14, "steps[0].for_each.query"), (e.Line, e.Column, e.Key));
        Assert.Contains("cannot be combined with 'items': for_each takes exactly one of items, connections or query", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_StepWithTwoKinds_ListsTheKinds()
    {
        var e = Fail("steps:\n  - sql: select 1\n    command: ls\n");

        Assert.Equal((3, 14, "steps[0].command"), (e.Line, e.Column, e.Key));
        Assert.Contains("cannot be combined with 'sql': a step runs exactly one of sync, build, test, sql, sql_file, command, activate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KeyOfAnotherStepKind_SaysWhichStepsTakeIt()
    {
        var e = Fail("steps:\n  - sql: select 1\n    streams: \"*\"\n");

        Assert.Equal((3, 14, "steps[0].streams"), (e.Line, e.Column, e.Key));
        Assert.Contains("'streams' applies to sync steps only", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_IntoThatIsNotATable_SaysWhatToWrite()
    {
        var e = Fail("steps:\n  - sql: select 1\n    into: \"lake app.users\"\n");

        Assert.Equal((3, 11, "steps[0].into"), (e.Line, e.Column, e.Key));
        Assert.Contains("'lake app.users' is not a table: write schema.table", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_IntoOnACommandStep_SaysWhichStepsTakeIt()
    {
        var e = Fail("steps:\n  - command: ls\n    into: lake.t\n");

        Assert.Equal("steps[0].into", e.Key);
        Assert.Contains("'into' applies to sql and sql_file steps only", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingSqlFile_IsAnError()
    {
        var e = Fail("steps:\n  - sql_file: sql/missing.sql\n");

        Assert.Equal((2, 15, "steps[0].sql_file"), (e.Line, e.Column, e.Key));
        Assert.Contains("no file 'sql/missing.sql'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PipelineTriggerCycle_BreaksEachPipelineInIt()
    {
        project.Write("pipelines/a.yml", "trigger:\n  after: [b]\nsteps:\n  - sql: select 1\n");
        project.Write("pipelines/b.yml", "trigger:\n  after: a\nsteps:\n  - sql: select 1\n");
        project.Write("pipelines/c.yml", "trigger:\n  after: [a]\nsteps:\n  - sql: select 1\n");

        var config = ProjectLoader.Read(project.Root, environment: Env);

        Assert.Equal(["a", "b"], config.Broken.Select(b => b.Name));
        Assert.All(config.Broken, b => Assert.Equal("pipeline", b.Kind));
        var a = config.Broken[0].Problem;
        Assert.Equal((Path.Join(project.Root, "pipelines/a.yml"), 2, 11, "trigger.after[0]"), (a.File, a.Line, a.Column, a.Key));
        Assert.Contains("pipelines trigger each other in a cycle: a -> b -> a", a.Message, StringComparison.Ordinal);
        Assert.Contains("b -> a -> b", config.Broken[1].Problem.Message, StringComparison.Ordinal);
        Assert.Equal(["c"], config.Pipelines.Keys);
    }

    [Fact]
    public void Load_TriggerAfterUnknownPipeline_Suggests()
    {
        project.Write("pipelines/daily.yml", "steps:\n  - sql: select 1\n");

        var e = Fail("trigger:\n  after: [dialy]\nsteps:\n  - sql: select 1\n");

        Assert.Equal((2, 11, "trigger.after[0]"), (e.Line, e.Column, e.Key));
        Assert.Contains("no pipeline named 'dialy' (did you mean 'daily'?)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BrokenPipeline_BlocksOnlyItself()
    {
        project.Write("pipelines/bad.yml", "steps:\n  - sync: nope\n");
        project.Write("pipelines/good.yml", "trigger:\n  after: [bad]\nsteps:\n  - sync: app_to_lake\n");

        var config = ProjectLoader.Read(project.Root, environment: Env);

        var broken = Assert.Single(config.Broken);
        Assert.Equal(("pipeline", "bad", Path.Join(project.Root, "pipelines/bad.yml")), (broken.Kind, broken.Name, broken.File));
        Assert.Equal(["good"], config.Pipelines.Keys);
        Assert.Equal(["app_to_lake"], config.Syncs.Keys);
        Assert.Equal("good", config.GetPipeline("good").Name);
        var e = Assert.Throws<ConfigException>(() => config.GetPipeline("bad"));
        Assert.Contains("Pipeline 'bad' cannot run:", e.Message, StringComparison.Ordinal);
        Assert.Contains("no sync named 'nope'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_StepRunningABrokenSync_BreaksThePipelineNamingIt()
    {
        project.Write("syncs/broken.yml", "source: nowhere\nstreams:\n  - select: \"*\"\n");
        project.Write("pipelines/p.yml", "steps:\n  - sync: broken\n");
        project.Write("pipelines/q.yml", "steps:\n  - sync: app_to_lake\n");

        var config = ProjectLoader.Read(project.Root, environment: Env);

        Assert.Equal([("pipeline", "p"), ("sync", "broken")], config.Broken.Select(b => (b.Kind, b.Name)));
        var problem = config.Broken.Single(b => b.Kind == "pipeline").Problem;
        Assert.Equal((2, 11, "steps[0].sync"), (problem.Line, problem.Column, problem.Key));
        Assert.Contains($"sync 'broken' cannot be used: its file {Path.Join(project.Root, "syncs/broken.yml")} has problems", problem.Message, StringComparison.Ordinal);
        Assert.Equal(["q"], config.Pipelines.Keys);
    }

    [Fact]
    public void Read_BrokenChannel_BlocksOnlyItself()
    {
        project.Write("notifications/mail.yml", "type: email\nsmtp: { host: localhost }\nfrom: a@example.com\n");
        project.Write("pipelines/p.yml", "notify: [mail, slack_data_team]\nsteps:\n  - sql: select 1\n");

        var config = ProjectLoader.Read(project.Root, environment: Env);

        var broken = Assert.Single(config.Broken);
        Assert.Equal(("notification", "mail"), (broken.Kind, broken.Name));
        Assert.Equal("to", broken.Problem.Key);
        Assert.Equal(["mail", "slack_data_team"], config.Pipelines["p"].Notify.Channels.ToArray());
    }

    public void Dispose() => project.Dispose();
}
