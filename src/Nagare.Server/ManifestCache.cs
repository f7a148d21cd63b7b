using System.Runtime.CompilerServices;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Models;

namespace Nagare.Server;

/// <summary>
/// The project's models compiled once and shared until a project file changes: compiling 5,000 models takes about half a
/// second, and a model page asks for the list and one model at once. Requests that arrive while a compile runs wait for
/// that one. A change is seen by the files' sizes and times (a listing of the project, tens of milliseconds for
/// thousands of files) or by a new project after a reload.
/// </summary>
public sealed class ManifestCache
{
    private readonly Lock gate = new();
    private (string Stamp, Task<Manifest> Manifest)? current;

    /// <summary>The compiled models of <paramref name="project"/> as its files are now.</summary>
    public Task<Manifest> GetAsync(ProjectConfig project)
    {
        ArgumentNullException.ThrowIfNull(project);
        var stamp = Stamp(project);
        lock (gate)
        {
            if (current is { } kept && kept.Stamp == stamp)
            {
                return kept.Manifest;
            }

            // Not tied to the request that started it: the others waiting for it would see its cancellation.
            var compile = Task.Run(() => ModelCompiler.Compile(ModelProject.Load(project), new CompileOptions { WriteArtifacts = false }, CancellationToken.None));
            current = (stamp, compile);
            return compile;
        }
    }

    private static string Stamp(ProjectConfig project)
    {
        var hash = new HashCode();
        hash.Add(RuntimeHelpers.GetHashCode(project));
        var count = 0;
        foreach (var path in ProjectFiles.List(project.Root))
        {
            var file = new FileInfo(Path.Combine(project.Root, path));
            hash.Add(path, StringComparer.Ordinal);
            hash.Add(file.Exists ? file.Length : -1);
            hash.Add(file.Exists ? file.LastWriteTimeUtc.Ticks : 0);
            count++;
        }

        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{count}:{hash.ToHashCode()}");
    }
}
