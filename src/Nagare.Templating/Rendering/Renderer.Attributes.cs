using System.Collections;
using Nagare.Templating.Methods;
using Nagare.Templating.Values;

namespace Nagare.Templating.Rendering;

internal sealed partial class Renderer
{
    /// <summary>
    /// <c>obj.name</c> as Jinja's sandbox resolves it: methods and attributes first, then items;
    /// names starting with an underscore are never exposed; misses give an undefined, and reading from an
    /// undefined raises.
    /// </summary>
    public object? GetAttr(object? obj, string name)
    {
        switch (obj)
        {
            // dbt renders with Jinja's default Undefined, not ChainableUndefined: `nope.column` fails naming
            // `nope` rather than printing nothing, so a typo in a model does not silently drop SQL.
            case Undefined u:
                throw PyException.Undefined(u);
            case null:
                return new Undefined(name, $"'None' has no attribute '{name}'");
            case IAttributeSource source:
                return source.TryGetAttribute(name, out var value) ? value : Missing(obj, name);
            case Namespace ns:
                return ns.Attributes.TryGetValue(name, out var nv) ? nv : Missing(obj, name);
            case PyRange:
                return BuiltinMethods.Has(obj, name) ? new BoundMethod(obj, name) : Missing(obj, name);
            case PyTuple t:
                if (t.TryGetField(name, out var field))
                {
                    return field;
                }

                return BuiltinMethods.Has(obj, name) ? new BoundMethod(obj, name) : Missing(obj, name);
            case string or IList:
                return BuiltinMethods.Has(obj, name) ? new BoundMethod(obj, name) : Missing(obj, name);
            default:
                break;
        }

        if (PyOps.IsMapping(obj))
        {
            if (BuiltinMethods.Has(obj, name))
            {
                return new BoundMethod(obj, name);
            }

            return PyOps.TryMappingGet(obj, name, out var mv) ? PyOps.Import(mv) : Missing(obj, name);
        }

        if (name.StartsWith('_') || Numbers.IsNumber(obj) || obj is ICallable)
        {
            return Missing(obj, name);
        }

        return PropertyAccess.TryGet(obj, name, out var pv) ? PyOps.Import(pv) : Missing(obj, name);
    }

    private static Undefined Missing(object obj, string name) =>
        new(name, $"'{PyOps.TypeName(obj)} object' has no attribute '{name}'");

    /// <summary><c>obj[key]</c>: items first, then attributes for string keys, as Jinja does.</summary>
    public object? GetItem(object? obj, object? key)
    {
        if (obj is Undefined u)
        {
            throw PyException.Undefined(u);
        }

        if (obj is IAttributeSource or Namespace || (obj is not null && !PyOps.IsMapping(obj) && !PyOps.IsSequence(obj) && obj is not (Undefined or PyDict)))
        {
            return key is string s ? GetAttr(obj, s) : new Undefined(null, $"'{PyOps.TypeName(obj)}' object is not subscriptable");
        }

        var result = PyOps.GetItem(obj, key);
        if (result is Undefined && obj is not Undefined && key is string name && obj is not null)
        {
            return GetAttr(obj, name);
        }

        return result;
    }

    /// <summary>Jinja's <c>environment.getattr</c> used by filters taking an <c>attribute</c>: dotted paths and integer parts.</summary>
    public object? GetAttributePath(object? obj, object? attribute)
    {
        if (attribute is not string path)
        {
            return GetItem(obj, attribute);
        }

        foreach (var part in path.Split('.'))
        {
            obj = long.TryParse(part, out var index) ? GetItem(obj, index) : GetItem(obj, part);
        }

        return obj;
    }
}
