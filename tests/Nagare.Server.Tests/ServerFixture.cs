namespace Nagare.Server.Tests;

/// <summary>One server shared by a test class whose tests change nothing the others read (starting one hashes several passwords).</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public ServerHarness Harness { get; private set; } = null!;

    public async Task InitializeAsync() => Harness = await ServerHarness.StartAsync();

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}
