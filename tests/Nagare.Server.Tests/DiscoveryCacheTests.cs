using Nagare.Core.Schema;

namespace Nagare.Server.Tests;

/// <summary>The pages of a listing come from one discovery until it is old, asked afresh, or forgotten.</summary>
public sealed class DiscoveryCacheTests
{
    [Fact]
    public async Task Forget_OneConnectionOrAll_DiscoversThoseAgain()
    {
        var cache = new DiscoveryCache(TimeProvider.System);
        var calls = new Dictionary<string, int>(StringComparer.Ordinal) { ["a"] = 0, ["b"] = 0 };
        Task<IReadOnlyList<StreamSchema>> Discover(string connection)
        {
            calls[connection]++;
            return Task.FromResult<IReadOnlyList<StreamSchema>>([]);
        }

        await cache.GetAsync("a", null, fresh: false, () => Discover("a"));
        await cache.GetAsync("b", null, fresh: false, () => Discover("b"));
        await cache.GetAsync("a", null, fresh: false, () => Discover("a"));
        Assert.Equal(1, calls["a"]);

        cache.Forget("a");
        await cache.GetAsync("a", null, fresh: false, () => Discover("a"));
        await cache.GetAsync("b", null, fresh: false, () => Discover("b"));
        Assert.Equal((2, 1), (calls["a"], calls["b"]));

        cache.ForgetAll();
        await cache.GetAsync("a", null, fresh: false, () => Discover("a"));
        await cache.GetAsync("b", null, fresh: false, () => Discover("b"));
        Assert.Equal((3, 2), (calls["a"], calls["b"]));
    }
}
