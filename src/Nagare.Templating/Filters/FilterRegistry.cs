using System.Collections.Frozen;

namespace Nagare.Templating.Filters;

/// <summary>Jinja's built-in filters by name.</summary>
internal static class FilterRegistry
{
    private static readonly FrozenDictionary<string, FilterFunction> Filters = new Dictionary<string, FilterFunction>
    {
        ["abs"] = NumberFilters.Abs,
        ["float"] = NumberFilters.Float,
        ["int"] = NumberFilters.Int,
        ["round"] = NumberFilters.Round,
        ["filesizeformat"] = NumberFilters.FileSizeFormat,
        ["capitalize"] = StringFilters.Capitalize,
        ["center"] = StringFilters.Center,
        ["format"] = StringFilters.Format,
        ["indent"] = StringFilters.Indent,
        ["lower"] = StringFilters.Lower,
        ["upper"] = StringFilters.Upper,
        ["replace"] = StringFilters.Replace,
        ["title"] = StringFilters.Title,
        ["trim"] = StringFilters.Trim,
        ["truncate"] = StringFilters.Truncate,
        ["wordcount"] = StringFilters.WordCount,
        ["wordwrap"] = StringFilters.WordWrap,
        ["string"] = StringFilters.String,
        ["striptags"] = StringFilters.StripTags,
        ["escape"] = StringFilters.Escape,
        ["e"] = StringFilters.Escape,
        ["forceescape"] = StringFilters.Escape,
        ["safe"] = StringFilters.Safe,
        ["urlencode"] = StringFilters.UrlEncode,
        ["batch"] = ListFilters.Batch,
        ["first"] = ListFilters.First,
        ["last"] = ListFilters.Last,
        ["join"] = ListFilters.Join,
        ["length"] = ListFilters.Length,
        ["count"] = ListFilters.Length,
        ["list"] = ListFilters.ToList,
        ["map"] = ListFilters.Map,
        ["max"] = ListFilters.Max,
        ["min"] = ListFilters.Min,
        ["reject"] = ListFilters.Reject,
        ["rejectattr"] = ListFilters.RejectAttr,
        ["select"] = ListFilters.Select,
        ["selectattr"] = ListFilters.SelectAttr,
        ["reverse"] = ListFilters.Reverse,
        ["slice"] = ListFilters.Slice,
        ["sort"] = ListFilters.Sort,
        ["sum"] = ListFilters.Sum,
        ["unique"] = ListFilters.Unique,
        ["groupby"] = ListFilters.GroupBy,
        ["default"] = ValueFilters.Default,
        ["d"] = ValueFilters.Default,
        ["attr"] = ValueFilters.Attr,
        ["dictsort"] = ValueFilters.DictSort,
        ["items"] = ValueFilters.Items,
        ["tojson"] = SerializationFilters.ToJson,
        ["pprint"] = SerializationFilters.PrettyPrint,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool TryGet(string name, out FilterFunction filter) => Filters.TryGetValue(name, out filter!);

    public static bool Contains(string name) => Filters.ContainsKey(name);
}
