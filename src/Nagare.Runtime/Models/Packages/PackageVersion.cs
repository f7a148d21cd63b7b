using System.Globalization;

namespace Nagare.Runtime.Models.Packages;

/// <summary>A semantic version as package tags spell it (<c>1.3.3</c>, <c>v0.17.1</c>, <c>1.0.0-b2</c>).</summary>
public sealed record PackageVersion(int Major, int Minor, int Patch, string Prerelease, string Text) : IComparable<PackageVersion>
{
    /// <summary>Parses a version; a leading <c>v</c> and missing minor or patch parts are allowed.</summary>
    public static PackageVersion? TryParse(string text)
    {
        var t = text.Trim();
        var body = t.StartsWith('v') || t.StartsWith('V') ? t[1..] : t;
        var dash = body.IndexOfAny(['-', '+']);
        var pre = dash < 0 ? string.Empty : body[(dash + 1)..];
        var parts = (dash < 0 ? body : body[..dash]).Split('.');
        if (parts.Length is < 1 or > 3)
        {
            return null;
        }

        var numbers = new int[3];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return null;
            }
        }

        return new PackageVersion(numbers[0], numbers[1], numbers[2], pre, t);
    }

    public int CompareTo(PackageVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = Major.CompareTo(other.Major);
        c = c != 0 ? c : Minor.CompareTo(other.Minor);
        c = c != 0 ? c : Patch.CompareTo(other.Patch);
        if (c != 0)
        {
            return c;
        }

        // A release sorts after its pre-releases.
        return (Prerelease.Length == 0, other.Prerelease.Length == 0) switch
        {
            (true, true) => 0,
            (true, false) => 1,
            (false, true) => -1,
            _ => string.CompareOrdinal(Prerelease, other.Prerelease),
        };
    }

    /// <summary>Whether the version meets every constraint (<c>1.3.3</c>, <c>=1.3.3</c>, <c>&gt;=1.0.0</c>, <c>&lt;2.0.0</c>…).</summary>
    /// <exception cref="ModelProjectException">A constraint is not of that form.</exception>
    public bool Satisfies(IEnumerable<string> constraints)
    {
        foreach (var raw in constraints)
        {
            var c = raw.Trim();
            var op = c.StartsWith(">=", StringComparison.Ordinal) || c.StartsWith("<=", StringComparison.Ordinal) ? c[..2]
                : c.StartsWith('>') || c.StartsWith('<') || c.StartsWith('=') ? c[..1] : "=";
            var bound = TryParse(op == "=" && !c.StartsWith('=') ? c : c[op.Length..])
                ?? throw new ModelProjectException($"version constraint '{raw}' is not a version with an optional >=, >, <=, < or = in front");
            var cmp = CompareTo(bound);
            var ok = op switch
            {
                ">=" => cmp >= 0,
                "<=" => cmp <= 0,
                ">" => cmp > 0,
                "<" => cmp < 0,
                _ => cmp == 0,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    public static bool operator <(PackageVersion left, PackageVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(PackageVersion left, PackageVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(PackageVersion left, PackageVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(PackageVersion left, PackageVersion right) => left.CompareTo(right) >= 0;

    public override string ToString() => Text;
}
