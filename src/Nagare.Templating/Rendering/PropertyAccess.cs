using System.Collections.Concurrent;
using System.Reflection;

namespace Nagare.Templating.Rendering;

/// <summary>Reads public instance properties of host objects; getters are looked up once per type and name.</summary>
internal static class PropertyAccess
{
    private static readonly ConcurrentDictionary<(Type, string), PropertyInfo?> Cache = new();

    public static bool TryGet(object obj, string name, out object? value)
    {
        var property = Cache.GetOrAdd((obj.GetType(), name), static key => Find(key.Item1, key.Item2));
        if (property is null)
        {
            value = null;
            return false;
        }

        value = property.GetValue(obj);
        return true;
    }

    private static PropertyInfo? Find(Type type, string name)
    {
        var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance)
            ?? type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property is { CanRead: true } && property.GetIndexParameters().Length == 0 ? property : null;
    }
}
