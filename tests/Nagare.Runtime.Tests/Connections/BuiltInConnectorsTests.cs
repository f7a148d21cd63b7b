using System.Globalization;
using System.Text;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Connections;

/// <summary>The options each built-in connector type declares: well formed, and what its factory actually takes.</summary>
public sealed class BuiltInConnectorsTests
{
    public static TheoryData<string> Types() => [.. BuiltInConnectors.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Types))]
    public void Options_EachDescribedOnceWithAKindThatFitsItsDefault(string name)
    {
        var type = BuiltInConnectors.All.Single(t => t.Name == name);

        Assert.False(string.IsNullOrWhiteSpace(type.Description));
        Assert.NotEmpty(type.Options);
        Assert.Equal(type.Keys.Length, type.Keys.Distinct(StringComparer.Ordinal).Count());
        Assert.All(type.Options, option =>
        {
            Assert.Matches("^[a-z][a-z_]*$", option.Name);
            Assert.True(option.Description.Length > 5 && option.Description.EndsWith('.'), $"{name}.{option.Name}: '{option.Description}'");
            Assert.Equal(option.Kind == ConnectorOptionKind.Choice, !option.Choices.IsDefaultOrEmpty);
            Assert.False(option.Required && option.Default is not null, $"{name}.{option.Name} is required and has a default");
            Assert.False(option.Secret && option.Default is not null, $"{name}.{option.Name} is a secret with a default");
            switch (option.Default)
            {
                case null:
                    break;
                case var text when option.Kind == ConnectorOptionKind.Integer:
                    Assert.True(long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _), $"{name}.{option.Name}: '{text}'");
                    break;
                case var text when option.Kind == ConnectorOptionKind.Boolean:
                    Assert.Contains(text, new[] { "true", "false" });
                    break;
                case var text when option.Kind == ConnectorOptionKind.Choice:
                    Assert.Contains(text, option.Choices);
                    break;
                default:
                    Assert.DoesNotContain(option.Kind, new[] { ConnectorOptionKind.List, ConnectorOptionKind.Map });
                    break;
            }
        });
    }

    [Fact]
    public void KeysRequiredAndSecret_FollowTheOptions()
    {
        var postgres = PostgresConnectorType.Type;

        Assert.Equal(["host", "port", "database", "user", "password", "sslmode", "statement_timeout", "connect_timeout", "application_name", "schemas", "unconstrained_numeric"], postgres.Keys.ToArray());
        Assert.Equal(["database", "user"], postgres.RequiredKeys.ToArray());
        Assert.Equal(["password"], postgres.SecretKeys.ToArray());
        Assert.Equal(["path"], FilesConnectorType.Type.RequiredKeys.ToArray());
        Assert.Equal(["access_key_id", "secret_access_key", "session_token"], FilesConnectorType.Type.SecretKeys.ToArray());
    }

    [Theory]
    [MemberData(nameof(Types))]
    public async Task Create_EveryDefaultAndChoiceWrittenOut_IsTaken(string name)
    {
        using var project = new TempProject();
        var type = BuiltInConnectors.All.Single(t => t.Name == name);
        var files = new List<string> { Yaml(project, type, o => o.Default) };
        foreach (var option in type.Options.Where(o => o.Kind == ConnectorOptionKind.Choice))
        {
            files.AddRange(option.Choices.Select(choice => Yaml(project, type, o => o == option ? choice : null)));
        }

        foreach (var file in files)
        {
            var config = ProjectLoader.ReadConnectionFile(file, Path.GetFileName(file), "c", ProjectDefaults.Default);
            await ConnectorRegistry.Default.Create(config, new ConnectorContext(project.Root, TimeProvider.System)).DisposeAsync();
        }
    }

    /// <summary>A connection file of <paramref name="type"/> with its required keys and each option's value from <paramref name="value"/> (null: left out).</summary>
    private static string Yaml(TempProject project, Nagare.Runtime.Connections.ConnectorType type, Func<ConnectorOption, string?> value)
    {
        var yaml = new StringBuilder().Append("type: ").Append(type.Name).Append('\n');
        foreach (var option in type.Options)
        {
            var text = option.Required ? RequiredValue(type, option) : value(option);
            if (text is not null)
            {
                yaml.Append(option.Name).Append(": ").Append(System.Text.Json.JsonSerializer.Serialize(text)).Append('\n');
            }
        }

        var file = project.PathOf($"connections/c{Guid.NewGuid():N}.yml");
        project.Write(Path.GetRelativePath(project.Root, file), yaml.ToString());
        return file;
    }

    private static string RequiredValue(Nagare.Runtime.Connections.ConnectorType type, ConnectorOption option) =>
        option.Kind == ConnectorOptionKind.Path ? $"data/{type.Name}.file" : "shop";
}
