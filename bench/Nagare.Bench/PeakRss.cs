namespace Nagare.Bench;

/// <summary>Peak resident memory of this process (VmHWM), the figure the reports compare.</summary>
internal static class PeakRss
{
    public static double Megabytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kb = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                return kb / 1024.0;
            }
        }

        return 0;
    }
}
