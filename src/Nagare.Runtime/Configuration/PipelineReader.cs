using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Cronos;
using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Replication;
using YamlDotNet.RepresentationModel;

namespace Nagare.Runtime.Configuration;

/// <summary>
/// The part of <see cref="ProjectLoader"/> that reads <c>pipelines/*.yml</c> and <c>notifications/*.yml</c> sections
/// (the loader finds and parses the files; this checks what they say against the rest of the project).
/// </summary>
internal static partial class PipelineReader
{
    private const string StepKindList = "sync, build, test, sql, sql_file, command, activate";

    private static readonly Choices<CatchUp> CatchUps = new(
        ("skip", CatchUp.Skip),
        ("latest", CatchUp.Latest),
        ("all", CatchUp.All));

    private static readonly Choices<WhenRunning> WhenRunnings = new(
        ("queue", WhenRunning.Queue),
        ("skip", WhenRunning.Skip));

    private static readonly Choices<ParamType> ParamTypes = new(
        ("string", ParamType.String),
        ("int", ParamType.Int),
        ("number", ParamType.Number),
        ("bool", ParamType.Bool),
        ("date", ParamType.Date),
        ("timestamp", ParamType.Timestamp));

    private static readonly Choices<NotificationKind> NotificationKinds = new(
        ("failure", NotificationKind.Failure),
        ("recovery", NotificationKind.Recovery),
        ("late", NotificationKind.Late),
        ("at_risk", NotificationKind.AtRisk));

    private static readonly Choices<ChannelType> ChannelTypes = new(
        ("slack", ChannelType.Slack),
        ("webhook", ChannelType.Webhook),
        ("email", ChannelType.Email));

    /// <summary>The keys that say what a step runs; a step has exactly one.</summary>
    private static readonly string[] StepKindKeys = ["sync", "build", "test", "sql", "sql_file", "command", "activate"];

    /// <summary>Keys that only some kinds of step take, and the words naming those kinds in an error.</summary>
    private static readonly (string Key, string[] Kinds, string Steps)[] KindOnlyKeys =
    [
        ("streams", ["sync"], "sync steps"),
        ("source", ["sync"], "sync steps"),
        ("full_refresh", ["sync", "build", "activate"], "sync, build and activate steps"),
        ("connection", ["sql", "sql_file"], "sql and sql_file steps"),
        ("into", ["sql", "sql_file"], "sql and sql_file steps"),
        ("env", ["command"], "command steps"),
        ("working_dir", ["command"], "command steps"),
    ];

    private static readonly string[] CommonStepKeys = ["name", "after", "retries", "timeout", "pool", "for_each", "parallelism", "deadline"];

    private static readonly string[] AllStepKeys = [.. CommonStepKeys, .. StepKindKeys, .. KindOnlyKeys.Select(k => k.Key)];

    /// <summary>What a pipeline file may refer to, as read from the other project files.</summary>
    /// <param name="Root">The project folder (absolute), for <c>sql_file:</c>.</param>
    /// <param name="DefaultTimeZone">nagare.yml's <c>timezone:</c>, else UTC.</param>
    /// <param name="Syncs">Syncs by name.</param>
    /// <param name="BrokenSyncs">Syncs whose files have problems, by name.</param>
    /// <param name="Connections">Connection names, broken ones included (they exist; they just cannot be used until fixed).</param>
    /// <param name="Channels">Notification channel names, broken ones included.</param>
    /// <param name="Pools">nagare.yml's <c>pools:</c>.</param>
    internal sealed record Context(
        string Root,
        string DefaultTimeZone,
        IReadOnlyDictionary<string, SyncConfig> Syncs,
        IReadOnlyDictionary<string, BrokenObject> BrokenSyncs,
        IReadOnlyCollection<string> Connections,
        IReadOnlyCollection<string> Channels,
        IReadOnlyDictionary<string, int> Pools)
    {
        /// <summary>Activation names, broken ones included.</summary>
        public IReadOnlyCollection<string> Activations { get; init; } = [];
    }

    /// <summary>A name written in a file (a list item), with where it was written.</summary>
    internal readonly record struct NameAt(string Name, ConfigLocation Location, string KeyPath);

    /// <summary>A pipeline read from its file, with where its <c>trigger.after</c> names were written (checked once all pipelines are read).</summary>
    internal sealed record PipelineFile(PipelineConfig Pipeline, ImmutableArray<NameAt> Triggers, string File);

    /// <summary>A step as read, with what the checks across steps need.</summary>
    private sealed record StepRead(StepConfig Step, bool NamedExplicitly, ImmutableArray<NameAt> After, string KeyPath);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex StepName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$")]
    private static partial Regex IntoTable();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTimestamp();

    /// <summary>Reads one pipeline file; every problem of the file is reported at once.</summary>
    /// <exception cref="ConfigException">The file has problems.</exception>
    public static PipelineFile ReadPipeline(YamlSection section, string fileStem, Context context)
    {
        var problems = new List<ConfigException>();
        var name = Collect(problems, () => section.String("name") is { } n ? (n.Length > 0 ? n : throw section.Error("name", "must not be empty")) : fileStem, fileStem);
        var description = Collect(problems, () => section.String("description"), null);
        var schedule = Collect(problems, () => ReadSchedule(section, context.DefaultTimeZone), null);
        var zone = schedule?.TimeZone ?? context.DefaultTimeZone;
        var maxActiveRuns = Collect(problems, () => section.Int("max_active_runs", 1, 10_000) ?? 1, 1);
        var whenRunning = Collect(problems, () => section.Choice("when_running", WhenRunnings) ?? WhenRunning.Queue, WhenRunning.Queue);
        var triggers = Collect(problems, () => ReadTrigger(section, name), []);
        var parameters = Collect(problems, () => ReadParams(section), []);
        var deadline = Collect(problems, () => ReadDeadline(section, "deadline", zone), null);
        var retries = Collect(problems, () => ReadRetries(section, "retries", RetryConfig.None), RetryConfig.None);
        var timeout = Collect(problems, () => Duration(section, "timeout", allowZero: false), null);
        var notify = Collect(problems, () => ReadNotify(section, context), NotifyConfig.None);
        var steps = ReadSteps(section, context, retries, timeout, zone, problems);
        Collect(problems, () => { section.RejectUnknownKeys(); return true; }, false);
        if (problems.Count > 0)
        {
            throw ConfigException.Combine(problems);
        }

        var pipeline = new PipelineConfig(
            name,
            description,
            schedule,
            parameters,
            steps,
            deadline,
            maxActiveRuns,
            whenRunning,
            [.. triggers.Select(t => t.Name)],
            notify,
            section.Location);
        return new PipelineFile(pipeline, triggers, section.File);
    }

    /// <summary>
    /// The checks across pipelines: <c>trigger.after</c> names an existing (or broken) pipeline, and pipelines do not
    /// trigger each other in a cycle. Each pipeline failing a check is moved from <paramref name="pipelines"/> to
    /// <paramref name="broken"/>.
    /// </summary>
    public static void CheckTriggers(List<PipelineFile> pipelines, List<BrokenObject> broken)
    {
        var brokenNames = broken.Where(b => b.Kind == "pipeline").Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        var names = pipelines.Select(p => p.Pipeline.Name).ToList();
        foreach (var file in pipelines.ToList())
        {
            var problems = file.Triggers
                .Where(t => !names.Contains(t.Name, StringComparer.Ordinal) && !brokenNames.Contains(t.Name))
                .Select(t => new ConfigException(t.Location, t.KeyPath, $"no pipeline named '{t.Name}'{YamlSection.Suggest(t.Name, names)}. Known: {KnownList(names)}"))
                .ToList();
            if (problems.Count > 0)
            {
                pipelines.Remove(file);
                broken.Add(new BrokenObject("pipeline", file.Pipeline.Name, file.File, ConfigException.Combine(problems)));
            }
        }

        var byName = pipelines.ToDictionary(p => p.Pipeline.Name, StringComparer.Ordinal);
        var inCycles = new List<(PipelineFile File, ConfigException Problem)>();
        foreach (var file in pipelines)
        {
            // Triggers point at the pipelines a run waits for; one that is broken starts nothing, so it closes no cycle.
            var cycle = CycleThrough(file.Pipeline.Name, n => byName.TryGetValue(n, out var p) ? p.Pipeline.AfterPipelines : []);
            if (cycle is not null)
            {
                var trigger = file.Triggers.First(t => t.Name == cycle[1]);
                inCycles.Add((file, new ConfigException(
                    trigger.Location,
                    trigger.KeyPath,
                    $"pipelines trigger each other in a cycle: {string.Join(" -> ", Enumerable.Reverse(cycle))} (each runs after the one before it); remove one of these triggers")));
            }
        }

        foreach (var (file, problem) in inCycles)
        {
            pipelines.Remove(file);
            broken.Add(new BrokenObject("pipeline", file.Pipeline.Name, file.File, problem));
        }
    }

    /// <summary>Reads one <c>notifications/*.yml</c> file.</summary>
    /// <exception cref="ConfigException">The file has problems.</exception>
    public static NotificationChannelConfig ReadChannel(YamlSection section, string fileStem)
    {
        var name = section.String("name") ?? fileStem;
        var typeText = section.RequiredString("type");
        var type = section.Choice("type", ChannelTypes)!.Value;
        var url = section.Secret("url");
        var signingSecret = section.Secret("secret");
        var smtp = section.Section("smtp");
        var from = section.String("from");
        var to = section.StringList("to");
        string? host = null;
        int? port = null;
        string? user = null;
        Secret? password = null;
        bool? tls = null;
        if (smtp is not null)
        {
            host = smtp.String("host");
            port = smtp.Int("port", 1, 65_535);
            user = smtp.String("user");
            password = smtp.Secret("password");
            tls = smtp.Bool("tls");
            smtp.RejectUnknownKeys();
        }

        section.RejectUnknownKeys();
        var onlyFor = new (string Key, bool Present, ChannelType[] Types, string Channels)[]
        {
            ("url", url is not null, [ChannelType.Slack, ChannelType.Webhook], "slack and webhook channels"),
            ("secret", signingSecret is not null, [ChannelType.Webhook], "webhook channels"),
            ("smtp", smtp is not null, [ChannelType.Email], "email channels"),
            ("from", from is not null, [ChannelType.Email], "email channels"),
            ("to", section.Has("to"), [ChannelType.Email], "email channels"),
        };
        foreach (var (key, present, types, channels) in onlyFor)
        {
            if (present && !types.Contains(type))
            {
                throw section.Error(key, $"'{key}' applies to {channels} only (this channel is {typeText})");
            }
        }

        if (type is ChannelType.Slack or ChannelType.Webhook)
        {
            if (url is null)
            {
                throw section.Error("url", $"is required for a {typeText} channel (write url: ${{SOME_ENV_VARIABLE}} to keep it out of the file)");
            }

            return new NotificationChannelConfig(name, type, section.Location) { Url = url, SigningSecret = signingSecret };
        }

        if (smtp is null)
        {
            throw section.Error("smtp", "is required for an email channel, e.g. { host: smtp.example.com, port: 587, user: alerts, password: ${SMTP_PASSWORD}, tls: true }");
        }

        if (host is null or { Length: 0 })
        {
            throw smtp.Error("host", "is required: the SMTP server");
        }

        if (from is null || !from.Contains('@', StringComparison.Ordinal))
        {
            throw section.Error("from", from is null ? "is required for an email channel: the sender address" : $"'{from}' is not an e-mail address");
        }

        if (to.IsEmpty)
        {
            throw section.Error("to", "is required for an email channel: one address or a list of them");
        }

        if (to.FirstOrDefault(a => !a.Contains('@', StringComparison.Ordinal)) is { } bad)
        {
            throw section.Error("to", $"'{bad}' is not an e-mail address");
        }

        return new NotificationChannelConfig(name, type, section.Location)
        {
            SmtpHost = host,
            SmtpPort = port ?? (tls == true ? 587 : 25),
            SmtpUser = user,
            SmtpPassword = password,
            SmtpTls = tls ?? false,
            From = from,
            To = to,
        };
    }

    private static ScheduleConfig? ReadSchedule(YamlSection section, string defaultZone)
    {
        switch (section.Node("schedule"))
        {
            case null:
                return null;
            case YamlScalarNode:
                // schedule: "0 3 * * *"
                var cron = section.String("schedule");
                if (cron is null)
                {
                    return null;
                }

                CheckCron(section, "schedule", cron);
                return new ScheduleConfig(cron, defaultZone, CatchUp.Latest, section.LocationOf("schedule"));
            case YamlMappingNode:
                var schedule = section.Section("schedule")!;
                var expression = schedule.RequiredString("cron");
                var zone = schedule.String("timezone");
                var catchUp = schedule.Choice("catchup", CatchUps) ?? CatchUp.Latest;
                schedule.RejectUnknownKeys();
                CheckCron(schedule, "cron", expression);
                CheckTimeZone(schedule, "timezone", zone);
                return new ScheduleConfig(expression, zone ?? defaultZone, catchUp, schedule.Location);
            default:
                throw section.Error("schedule", "expected a cron expression such as \"0 3 * * *\" or a mapping such as { cron: \"0 3 * * *\", timezone: Asia/Tokyo, catchup: latest }");
        }
    }

    private static void CheckCron(YamlSection section, string key, string cron)
    {
        var fields = cron.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;
        var format = fields switch
        {
            5 => CronFormat.Standard,
            6 => CronFormat.IncludeSeconds,
            1 when cron.TrimStart().StartsWith('@') => CronFormat.Standard,
            _ => throw section.Error(key, $"'{cron}' has {fields} fields: write 5 (minute hour day-of-month month day-of-week, e.g. \"0 3 * * *\") or 6 with seconds first"),
        };
        try
        {
            CronExpression.Parse(cron, format);
        }
        catch (CronFormatException e)
        {
            throw section.Error(key, $"'{cron}' is not a valid cron expression: {e.Message}");
        }
    }

    private static void CheckTimeZone(YamlSection section, string key, string? zone)
    {
        if (zone is not null && ProjectLoader.TimeZoneProblem(zone) is { } problem)
        {
            throw section.Error(key, problem);
        }
    }

    private static ImmutableArray<NameAt> ReadTrigger(YamlSection section, string pipeline)
    {
        var trigger = section.Section("trigger");
        if (trigger is null)
        {
            return [];
        }

        var after = ReadNames(trigger, "after");
        trigger.RejectUnknownKeys();
        if (after.IsEmpty)
        {
            throw trigger.Error("after", "is required: the pipelines whose successful runs start this one, e.g. after: [load_raw]");
        }

        if (after.FirstOrDefault(a => a.Name == pipeline) is { Name: not null } self)
        {
            throw new ConfigException(self.Location, self.KeyPath, "a pipeline cannot trigger itself");
        }

        return after;
    }

    private static ImmutableArray<ParamConfig> ReadParams(YamlSection section)
    {
        if (section.Section("params") is not { } parameters)
        {
            return [];
        }

        var result = ImmutableArray.CreateBuilder<ParamConfig>();
        var problems = new List<ConfigException>();
        foreach (var (name, value, location) in parameters.Entries())
        {
            try
            {
                if (!Identifier().IsMatch(name))
                {
                    throw new ConfigException(location, parameters.KeyPath(name), $"'{name}' is not a parameter name: use letters, digits and _, not starting with a digit");
                }

                result.Add(value switch
                {
                    YamlScalarNode scalar when IsNull(scalar) => new ParamConfig(name, ParamType.String, null, null, location),
                    YamlScalarNode => new ParamConfig(name, ParamType.String, parameters.ScalarText(name, value), null, location),
                    YamlMappingNode mapping => ReadParam(parameters.Child(name, mapping), name),
                    _ => throw new ConfigException(location, parameters.KeyPath(name), "expected a default value or a mapping such as { type: date, default: \"{{ yesterday }}\" }"),
                });
            }
            catch (ConfigException e)
            {
                problems.Add(e);
            }
        }

        return problems.Count > 0 ? throw ConfigException.Combine(problems) : result.ToImmutable();
    }

    private static ParamConfig ReadParam(YamlSection section, string name)
    {
        var type = section.Choice("type", ParamTypes) ?? ParamType.String;
        var value = section.String("default");
        var description = section.String("description");
        section.RejectUnknownKeys();
        if (value is not null && DefaultProblem(type, value) is { } problem)
        {
            throw section.Error("default", problem);
        }

        return new ParamConfig(name, type, value, description, section.Location);
    }

    /// <summary>Why a literal default is not a value of <paramref name="type"/>, or null; templates are checked when a run starts.</summary>
    private static string? DefaultProblem(ParamType type, string text)
    {
        if (IsTemplate(text))
        {
            return null;
        }

        var ok = type switch
        {
            ParamType.Int => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            ParamType.Number => decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            ParamType.Bool => text.ToLowerInvariant() is "true" or "false" or "yes" or "no" or "on" or "off",
            ParamType.Date => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            ParamType.Timestamp => IsoTimestamp().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _),
            _ => true,
        };
        var example = type switch
        {
            ParamType.Int => "an integer such as 100",
            ParamType.Number => "a number such as 2.5",
            ParamType.Bool => "true or false",
            ParamType.Date => "a date such as \"2024-01-31\"",
            ParamType.Timestamp => "an ISO 8601 timestamp such as \"2024-01-31T08:00:00Z\"",
            _ => "text",
        };
        return ok ? null : $"'{text}' is not a value of type {type.ToString().ToLowerInvariant()}: write {example}, or a template such as \"{{{{ yesterday }}}}\"";
    }

    private static DeadlineConfig? ReadDeadline(YamlSection section, string key, string defaultZone)
    {
        switch (section.Node(key))
        {
            case null:
                return null;
            case YamlScalarNode:
                // deadline: "08:00"  /  deadline: "08:00 Asia/Tokyo"
                var text = section.String(key);
                if (text is null)
                {
                    return null;
                }

                var parts = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length is 0 or > 2)
                {
                    throw section.Error(key, $"'{text}' is not a deadline: write a time of day such as \"08:00\" or \"08:00 Asia/Tokyo\", or a mapping such as {{ max_duration: 2h }}");
                }

                var time = TimeOfDay(section, key, parts[0]);
                var zone = parts.Length == 2 ? parts[1] : null;
                CheckTimeZone(section, key, zone);
                return new DeadlineConfig(time, zone ?? defaultZone, null, section.LocationOf(key));
            case YamlMappingNode:
                var deadline = section.Section(key)!;
                var timeText = deadline.String("time");
                var timeZone = deadline.String("timezone");
                var maxDuration = Duration(deadline, "max_duration", allowZero: false);
                deadline.RejectUnknownKeys();
                if (timeText is null && maxDuration is null)
                {
                    throw new ConfigException(deadline.Location, deadline.Path, "needs 'time' (a time of day such as \"08:00\"), 'max_duration' (such as 2h), or both");
                }

                if (timeZone is not null && timeText is null)
                {
                    throw deadline.Error("timezone", "applies to 'time' only: a max_duration has no time zone");
                }

                CheckTimeZone(deadline, "timezone", timeZone);
                var timeOfDay = timeText is null ? (TimeOnly?)null : TimeOfDay(deadline, "time", timeText);
                return new DeadlineConfig(timeOfDay, timeZone ?? defaultZone, maxDuration, deadline.Location);
            default:
                throw section.Error(key, "expected a time of day such as \"08:00 Asia/Tokyo\" or a mapping such as { time: \"08:00\", max_duration: 2h }");
        }
    }

    private static TimeOnly TimeOfDay(YamlSection section, string key, string text) =>
        TimeOnly.TryParseExact(text, ["H:mm", "HH:mm", "H:mm:ss", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw section.Error(key, $"'{text}' is not a time of day: write HH:mm such as \"08:00\" (24-hour), optionally followed by an IANA time zone (\"08:00 Asia/Tokyo\")");

    /// <summary><c>retries: 3</c> or <c>retries: { count, backoff, max_backoff }</c>; what is not given comes from <paramref name="inherited"/>.</summary>
    private static RetryConfig ReadRetries(YamlSection section, string key, RetryConfig inherited)
    {
        switch (section.Node(key))
        {
            case null:
                return inherited;
            case YamlScalarNode:
                return section.Int(key, 0, 100) is { } count ? inherited with { Retries = count } : inherited;
            case YamlMappingNode:
                var retries = section.Section(key)!;
                var retryCount = retries.Int("count", 0, 100) ?? inherited.Retries;
                var backoff = Duration(retries, "backoff", allowZero: true);
                var maxBackoff = Duration(retries, "max_backoff", allowZero: true);
                retries.RejectUnknownKeys();
                if (backoff is not null && maxBackoff is not null && maxBackoff < backoff)
                {
                    throw retries.Error("max_backoff", $"must be at least backoff ({DurationText.Format(backoff.Value)})");
                }

                var first = backoff ?? inherited.Backoff;
                return new RetryConfig(retryCount, first, maxBackoff ?? (first > inherited.MaxBackoff ? first : inherited.MaxBackoff));
            default:
                throw section.Error(key, "expected a number of retries such as 3, or a mapping such as { count: 3, backoff: 30s, max_backoff: 10m }");
        }
    }

    private static TimeSpan? Duration(YamlSection section, string key, bool allowZero)
    {
        if (section.String(key) is not { } text)
        {
            return null;
        }

        TimeSpan value;
        try
        {
            value = DurationText.Parse(text);
        }
        catch (FormatException e)
        {
            throw section.Error(key, e.Message);
        }

        return allowZero || value > TimeSpan.Zero ? value : throw section.Error(key, "must be longer than 0");
    }

    private static NotifyConfig ReadNotify(YamlSection section, Context context)
    {
        ImmutableArray<NameAt> channels;
        ImmutableArray<NotificationKind> on;
        switch (section.Node("notify"))
        {
            case null:
                return NotifyConfig.None;
            case YamlScalarNode or YamlSequenceNode:
                // notify: [slack_data_team]
                channels = ReadNames(section, "notify");
                on = NotifyConfig.None.On;
                break;
            case YamlMappingNode:
                var notify = section.Section("notify")!;
                channels = ReadNames(notify, "to");
                var kinds = ReadNames(notify, "on");
                notify.RejectUnknownKeys();
                if (channels.IsEmpty)
                {
                    throw notify.Error("to", "is required: the channels (notifications/*.yml) notices go to");
                }

                on = notify.Has("on") ? [.. kinds.Select(k => NotificationKinds.TryGetValue(k.Name, out var kind) ? kind
                    : throw new ConfigException(k.Location, k.KeyPath, $"'{k.Name}' is not one of {string.Join(", ", NotificationKinds.Names)}{YamlSection.Suggest(k.Name, NotificationKinds.Names)}")).Distinct()]
                    : NotifyConfig.None.On;
                break;
            default:
                throw section.Error("notify", "expected channel names such as [slack_data_team], or a mapping such as { to: [slack_data_team], on: [failure, late] }");
        }

        foreach (var channel in channels)
        {
            if (!context.Channels.Contains(channel.Name))
            {
                throw new ConfigException(channel.Location, channel.KeyPath, $"no notification channel named '{channel.Name}' in notifications/{YamlSection.Suggest(channel.Name, context.Channels)}. Known: {KnownList(context.Channels)}");
            }
        }

        return new NotifyConfig([.. channels.Select(c => c.Name)], on);
    }

    private static ImmutableArray<StepConfig> ReadSteps(YamlSection section, Context context, RetryConfig retries, TimeSpan? timeout, string zone, List<ConfigException> problems)
    {
        var sections = Collect(problems, () => section.SectionList("steps"), null);
        if (sections is null)
        {
            return [];
        }

        if (sections.Count == 0)
        {
            problems.Add(section.Error("steps", "at least one step is required, e.g. '- sync: app_to_lake'"));
            return [];
        }

        var steps = new List<StepRead>();
        var failed = false;
        foreach (var stepSection in sections)
        {
            try
            {
                steps.Add(ReadStep(stepSection, context, retries, timeout, zone));
            }
            catch (ConfigException e)
            {
                problems.Add(e);
                failed = true;
            }
        }

        var firstByName = new Dictionary<string, StepRead>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            if (firstByName.TryGetValue(step.Step.Name, out var first))
            {
                var hint = first.NamedExplicitly && step.NamedExplicitly ? "rename one of them" : "add 'name:' to one of them to tell them apart";
                problems.Add(new ConfigException(step.Step.Location, step.KeyPath, $"the steps at {first.Step.Location} and {step.Step.Location} are both named '{step.Step.Name}': {hint}"));
            }
            else
            {
                firstByName[step.Step.Name] = step;
            }
        }

        // A step that failed to read has no name to check 'after:' against: those checks wait until every step reads.
        if (failed)
        {
            return [];
        }

        var names = firstByName.Keys.ToList();
        var afterProblems = new List<ConfigException>();
        foreach (var step in steps)
        {
            foreach (var after in step.After)
            {
                if (after.Name == step.Step.Name)
                {
                    afterProblems.Add(new ConfigException(after.Location, after.KeyPath, "a step cannot run after itself"));
                }
                else if (!firstByName.ContainsKey(after.Name))
                {
                    afterProblems.Add(new ConfigException(after.Location, after.KeyPath, $"no step named '{after.Name}' in this pipeline{YamlSection.Suggest(after.Name, names)}. Steps: {string.Join(", ", names)}"));
                }
            }
        }

        if (afterProblems.Count > 0)
        {
            problems.AddRange(afterProblems);
            return [];
        }

        foreach (var step in steps)
        {
            var cycle = CycleThrough(step.Step.Name, n => firstByName[n].Step.After);
            if (cycle is not null)
            {
                var after = step.After.First(a => a.Name == cycle[1]);
                problems.Add(new ConfigException(after.Location, after.KeyPath, $"steps wait for each other in a cycle: {string.Join(" -> ", Enumerable.Reverse(cycle))} (each runs after the one before it); remove one of these 'after:' entries"));
                break;
            }
        }

        return [.. steps.Select(s => s.Step)];
    }

    private static StepRead ReadStep(YamlSection section, Context context, RetryConfig pipelineRetries, TimeSpan? pipelineTimeout, string zone)
    {
        var kinds = StepKindKeys.Where(section.Has).ToList();
        if (kinds.Count == 0)
        {
            // A misspelt kind ('snyc:') is better reported as such than as a missing kind.
            section.RejectUnknownKeys(AllStepKeys);
            throw new ConfigException(section.Location, section.Path, $"a step runs exactly one of {StepKindList}; none is given (e.g. 'sync: app_to_lake' or 'sql: \"select 1\"')");
        }

        if (kinds.Count > 1)
        {
            throw section.Error(kinds[1], $"cannot be combined with '{kinds[0]}': a step runs exactly one of {StepKindList}; make them separate steps");
        }

        var kindKey = kinds[0];
        foreach (var (key, allowed, steps) in KindOnlyKeys)
        {
            if (section.Has(key) && !allowed.Contains(kindKey))
            {
                throw section.Error(key, $"'{key}' applies to {steps} only (this is a {kindKey} step)");
            }
        }

        var explicitName = section.String("name");
        var after = ReadNames(section, "after");
        var retries = ReadRetries(section, "retries", pipelineRetries);
        var timeout = Duration(section, "timeout", allowZero: false) ?? pipelineTimeout;
        var pool = section.String("pool");
        var forEach = ReadForEach(section.Section("for_each"), context);
        var parallelism = section.Int("parallelism", 1, 10_000);
        var deadline = ReadDeadline(section, "deadline", zone);
        var target = kindKey is "command" or "sql_file" ? null : section.RequiredString(kindKey);
        var streams = section.String("streams");
        var source = section.String("source");
        var fullRefresh = section.Bool("full_refresh") ?? false;
        var connection = section.String("connection");
        var into = section.String("into");
        var file = kindKey == "sql_file" ? section.RequiredString("sql_file") : null;
        var command = kindKey == "command" ? ReadCommand(section) : [];
        var environment = section.Section("env") is { } env ? ReadEnvironment(env) : ImmutableSortedDictionary<string, string>.Empty;
        var workingDirectory = section.String("working_dir");
        section.RejectUnknownKeys();

        var defaultName = kindKey switch
        {
            "sync" or "activate" => target!,
            "sql_file" => "sql",
            _ => kindKey,
        };
        var name = explicitName ?? defaultName;
        if (!StepName().IsMatch(name))
        {
            throw explicitName is not null
                ? section.Error("name", $"'{name}' is not a step name: use letters, digits, _, - and ., not starting with a digit")
                : section.Error(kindKey, $"'{name}' cannot be this step's name (letters, digits, _, - and ., not starting with a digit): add 'name:'");
        }

        if (pool is not null && !context.Pools.ContainsKey(pool))
        {
            throw section.Error("pool", context.Pools.Count == 0
                ? $"no pool named '{pool}': nagare.yml defines no pools (add e.g. 'pools: {{ {pool}: 2 }}')"
                : $"no pool named '{pool}' in nagare.yml's pools:{YamlSection.Suggest(pool, context.Pools.Keys)}. Known: {KnownList(context.Pools.Keys)}");
        }

        if (parallelism is not null && forEach is null)
        {
            throw section.Error("parallelism", "applies to steps with for_each only (it limits how many of their items run at once)");
        }

        switch (kindKey)
        {
            case "sync":
                if (context.BrokenSyncs.TryGetValue(target!, out var brokenSync))
                {
                    throw section.Error("sync", $"sync '{target}' cannot be used: its file {brokenSync.File} has problems ({FirstLine(brokenSync.Problem)})");
                }

                if (!context.Syncs.ContainsKey(target!))
                {
                    throw section.Error("sync", $"no sync named '{target}'{YamlSection.Suggest(target!, context.Syncs.Keys)}. Known: {KnownList(context.Syncs.Keys)}");
                }

                CheckConnection(section, "source", source, context);
                break;
            case "activate" when !target!.Contains("{{", StringComparison.Ordinal) && !context.Activations.Contains(target):
                throw section.Error("activate", $"no activation named '{target}'{YamlSection.Suggest(target, context.Activations)}. Known: {KnownList(context.Activations)}");
            case "sql" or "sql_file":
                CheckConnection(section, "connection", connection, context);
                if (into is not null && !into.Contains("{{", StringComparison.Ordinal) && !IntoTable().IsMatch(into))
                {
                    throw section.Error("into", $"'{into}' is not a table: write schema.table (letters, digits and _), e.g. lake_app.active_users");
                }

                if (file is not null && !File.Exists(Path.Combine(context.Root, file)))
                {
                    throw section.Error("sql_file", $"no file '{file}' (paths are relative to the project folder {context.Root})");
                }

                break;
        }

        var step = new StepConfig(name, KindOf(kindKey), target, [.. after.Select(a => a.Name)], retries, timeout, pool, forEach, parallelism, deadline, section.Location)
        {
            Streams = streams,
            Source = source,
            FullRefresh = fullRefresh,
            Connection = connection ?? ProjectConfig.WarehouseConnection,
            File = file,
            Into = into,
            Command = command,
            Environment = environment,
            WorkingDirectory = workingDirectory,
        };
        return new StepRead(step, explicitName is not null, after, section.Path);
    }

    private static StepKind KindOf(string key) => key switch
    {
        "sync" => StepKind.Sync,
        "build" => StepKind.Build,
        "test" => StepKind.Test,
        "sql" or "sql_file" => StepKind.Sql,
        "command" => StepKind.Command,
        _ => StepKind.Activate,
    };

    private static ImmutableArray<string> ReadCommand(YamlSection section)
    {
        var node = section.Node("command");
        var command = node is YamlScalarNode ? SplitCommand(section, section.String("command") ?? string.Empty) : section.StringList("command");
        return command.IsEmpty || command[0].Length == 0
            ? throw section.Error("command", "must name a program, e.g. [\"python3\", \"job.py\"] or \"python3 job.py\"")
            : command;
    }

    /// <summary>Splits a command line on whitespace; double quotes group words (<c>\"</c> inside them is a quote). No other shell syntax.</summary>
    private static ImmutableArray<string> SplitCommand(YamlSection section, string text)
    {
        var words = ImmutableArray.CreateBuilder<string>();
        var word = new StringBuilder();
        var inWord = false;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '\\' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    word.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (quoted)
        {
            throw section.Error("command", "has an unclosed double quote (or write the command as a list: [\"python3\", \"job.py\"])");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words.ToImmutable();
    }

    private static ImmutableSortedDictionary<string, string> ReadEnvironment(YamlSection section)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (key, value, location) in section.Entries())
        {
            if (!Identifier().IsMatch(key))
            {
                throw new ConfigException(location, section.KeyPath(key), $"'{key}' is not an environment variable name: use letters, digits and _, not starting with a digit");
            }

            builder[key] = value is YamlScalarNode scalar && IsNull(scalar) ? string.Empty : section.ScalarText(key, value);
        }

        return builder.ToImmutable();
    }

    private static ForEachConfig? ReadForEach(YamlSection? section, Context context)
    {
        if (section is null)
        {
            return null;
        }

        string[] sources = ["items", "connections", "query"];
        var present = sources.Where(section.Has).ToList();
        var items = section.StringList("items");
        var connections = section.String("connections");
        var query = section.String("query");
        var connection = section.String("connection");
        section.RejectUnknownKeys();
        if (present.Count == 0)
        {
            throw new ConfigException(section.Location, section.Path, "needs exactly one of items (a list), connections (a glob over connection names) or query (SQL whose first column gives the items)");
        }

        if (present.Count > 1)
        {
            throw section.Error(present[1], $"cannot be combined with '{present[0]}': for_each takes exactly one of items, connections or query");
        }

        if (connection is not null && query is null)
        {
            throw section.Error("connection", "applies to 'query' only: the connection the query runs on");
        }

        if (present[0] == "items" && items.IsEmpty)
        {
            throw section.Error("items", "needs at least one item");
        }

        if (connections is not null && !IsTemplate(connections) && !context.Connections.Any(c => GlobPattern.IsMatch(connections, c)))
        {
            throw section.Error("connections", $"'{connections}' matches no connection. Known: {KnownList(context.Connections)}");
        }

        CheckConnection(section, "connection", connection, context);
        return new ForEachConfig(items, connections, query, connection ?? ProjectConfig.WarehouseConnection);
    }

    /// <summary>A literal connection name must exist; a template (<c>{{ item }}</c>) is known only when the step runs.</summary>
    private static void CheckConnection(YamlSection section, string key, string? name, Context context)
    {
        if (name is not null && !IsTemplate(name) && !context.Connections.Contains(name))
        {
            throw section.Error(key, $"no connection named '{name}'{YamlSection.Suggest(name, context.Connections)}. Known: {KnownList(context.Connections)}");
        }
    }

    /// <summary>A value or list of values, each with where it was written (for errors about one item).</summary>
    private static ImmutableArray<NameAt> ReadNames(YamlSection section, string key)
    {
        switch (section.Node(key))
        {
            case null:
                return [];
            case YamlScalarNode scalar:
                return IsNull(scalar) ? [] : [new NameAt(section.ScalarText(key, scalar), section.At(scalar), section.KeyPath(key))];
            case YamlSequenceNode sequence:
                return [.. sequence.Children.Select((item, i) => new NameAt(section.ScalarText($"{key}[{i}]", item), section.At(item), section.KeyPath($"{key}[{i}]")))];
            default:
                throw section.Error(key, "expected a name or a list of names");
        }
    }

    /// <summary>
    /// A path <c>start, n1, …, start</c> following <paramref name="next"/> back to <paramref name="start"/>, or null when
    /// there is none. Edges point from a node to what it waits for.
    /// </summary>
    private static List<string>? CycleThrough(string start, Func<string, IEnumerable<string>> next)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string> { start };
        return Visit(start) ? path : null;

        bool Visit(string node)
        {
            foreach (var n in next(node))
            {
                if (n == start)
                {
                    path.Add(n);
                    return true;
                }

                if (visited.Add(n))
                {
                    path.Add(n);
                    if (Visit(n))
                    {
                        return true;
                    }

                    path.RemoveAt(path.Count - 1);
                }
            }

            return false;
        }
    }

    private static bool IsTemplate(string text) => text.Contains("{{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal);

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null";

    private static string KnownList(IEnumerable<string> names) =>
        names.Any() ? string.Join(", ", names.Order(StringComparer.Ordinal)) : "(none)";

    private static string FirstLine(ConfigException problem) =>
        problem.Problems.Count == 1 ? problem.Message : $"{problem.Problems.Count} problems, the first: {problem.Problems[0].Message}";

    private static T Collect<T>(List<ConfigException> problems, Func<T> read, T fallback)
    {
        try
        {
            return read();
        }
        catch (ConfigException e)
        {
            problems.Add(e);
            return fallback;
        }
    }
}
