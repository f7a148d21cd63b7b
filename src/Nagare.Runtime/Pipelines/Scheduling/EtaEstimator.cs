namespace Nagare.Runtime.Pipelines.Scheduling;

/// <summary>The expected finish time of a run from its steps' states and expected durations.</summary>
public static class EtaEstimator
{
    /// <summary>
    /// When the run is expected to finish: the latest finish of its steps, where a done step finishes at
    /// <paramref name="now"/>; a running one at <c>max(now, StartedAt + Expected)</c>; a waiting one at
    /// <c>max(now, latest finish of the steps it is after) + Expected</c>. <paramref name="now"/> when there are no steps
    /// or all are done. Assumes enough workers for every ready step. Linear in steps and edges, without recursion.
    /// </summary>
    /// <exception cref="ArgumentException">Two steps share a name, a step is after an unknown step, or the steps form a cycle.</exception>
    public static DateTimeOffset Estimate(IReadOnlyList<EtaStep> steps, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var count = steps.Count;
        var index = new Dictionary<string, int>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            if (!index.TryAdd(steps[i].Name, i))
            {
                throw new ArgumentException($"Two steps are named '{steps[i].Name}'.", nameof(steps));
            }
        }

        // Edges in compressed rows (dependents of step j at firstDependent[j]..firstDependent[j + 1]) keep this to
        // three arrays however large the run.
        var waitingOn = new int[count];
        var firstDependent = new int[count + 1];
        for (var i = 0; i < count; i++)
        {
            var after = steps[i].After;
            if (after.IsDefaultOrEmpty)
            {
                continue;
            }

            foreach (var name in after)
            {
                if (!index.TryGetValue(name, out var j))
                {
                    throw new ArgumentException($"Step '{steps[i].Name}' is after '{name}', which is not a step of the run.", nameof(steps));
                }

                waitingOn[i]++;
                firstDependent[j + 1]++;
            }
        }

        for (var j = 0; j < count; j++)
        {
            firstDependent[j + 1] += firstDependent[j];
        }

        var dependents = new int[firstDependent[count]];
        var filled = new int[count];
        for (var i = 0; i < count; i++)
        {
            if (!steps[i].After.IsDefaultOrEmpty)
            {
                foreach (var name in steps[i].After)
                {
                    var j = index[name];
                    dependents[firstDependent[j] + filled[j]++] = i;
                }
            }
        }

        // Kahn's order: a step is finished only after every step it is after, so a 10,000-step chain costs no stack.
        var ready = new DateTimeOffset[count];
        var queue = new Queue<int>();
        for (var i = 0; i < count; i++)
        {
            ready[i] = now;
            if (waitingOn[i] == 0)
            {
                queue.Enqueue(i);
            }
        }

        var eta = now;
        var finished = 0;
        while (queue.TryDequeue(out var i))
        {
            finished++;
            var step = steps[i];
            var finish = step.State switch
            {
                EtaStepState.Done => now,
                EtaStepState.Running => Max(now, (step.StartedAt ?? now) + step.Expected),
                _ => ready[i] + step.Expected,
            };
            eta = Max(eta, finish);
            for (var e = firstDependent[i]; e < firstDependent[i + 1]; e++)
            {
                var k = dependents[e];
                ready[k] = Max(ready[k], finish);
                if (--waitingOn[k] == 0)
                {
                    queue.Enqueue(k);
                }
            }
        }

        if (finished < count)
        {
            var stuck = Enumerable.Range(0, count).Where(i => waitingOn[i] > 0).Select(i => steps[i].Name).Take(5);
            throw new ArgumentException($"The steps form a cycle (among: {string.Join(", ", stuck)}).", nameof(steps));
        }

        return eta;
    }

    /// <summary>
    /// The nearest-rank <paramref name="p"/>-th percentile of <paramref name="samples"/> (in any order):
    /// the smallest sample with at least <paramref name="p"/>% of the samples at or below it. <see cref="TimeSpan.Zero"/>
    /// when there are no samples.
    /// </summary>
    /// <param name="samples">Durations, e.g. of a step's recent successful runs.</param>
    /// <param name="p">A percentage from 0 to 100 (90 for p90; 0 gives the smallest sample).</param>
    public static TimeSpan Percentile(IReadOnlyList<TimeSpan> samples, double p)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (double.IsNaN(p) || p < 0 || p > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "A percentile is from 0 to 100 (90 for p90).");
        }

        if (samples.Count == 0)
        {
            return TimeSpan.Zero;
        }

        var sorted = samples.ToArray();
        Array.Sort(sorted);

        // p * n / 100 rather than p / 100 * n: 70 * 10 / 100 is exactly 7, while 0.7 * 10 is 7.000000000000001.
        var rank = (int)Math.Ceiling(p * sorted.Length / 100);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
}
