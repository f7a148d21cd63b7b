using System.Collections;
using Nagare.Templating.Rendering;
using Nagare.Templating.Values;

namespace Nagare.Templating.Methods;

/// <summary>Dispatches <c>value.method(...)</c> calls on strings, lists, tuples and dicts to the method families.</summary>
internal static class BuiltinMethods
{
    public static bool Has(object target, string name) => target switch
    {
        string => StringMethods.Names.Contains(name),
        PyTuple or PyRange => name is "index" or "count",
        IList => ListMethods.Names.Contains(name),
        _ => PyOps.IsMapping(target) && DictMethods.Names.Contains(name),
    };

    public static bool TryCall(Renderer renderer, object target, string name, Arguments args, out object? result)
    {
        switch (target)
        {
            case string s when StringMethods.Names.Contains(name):
                result = StringMethods.Call(renderer, s, name, args);
                return true;
            case PyTuple t when name is "index" or "count":
                result = ListMethods.Call(new List<object?>(t.Items), name, args);
                return true;
            case PyRange r when name is "index" or "count":
                result = ListMethods.Call(r.ToList(), name, args);
                return true;
            case IList l when ListMethods.Names.Contains(name):
                result = ListMethods.Call(l, name, args);
                return true;
            default:
                if (PyOps.IsMapping(target) && DictMethods.Names.Contains(name))
                {
                    result = DictMethods.Call(target, name, args);
                    return true;
                }

                result = null;
                return false;
        }
    }
}
