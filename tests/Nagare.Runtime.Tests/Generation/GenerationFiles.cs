using Nagare.Runtime.Generation;

namespace Nagare.Runtime.Tests.Generation;

/// <summary>A scratch folder for one test (deleted afterwards) and the paths of the shipped example.</summary>
internal sealed class GenerationFiles : IDisposable
{
    public GenerationFiles()
    {
        Root = Path.Combine(Path.GetTempPath(), "nagare-gen-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Nagare.slnx")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Nagare.slnx not found above the test folder.");
        }
    }

    public static string Example => Path.Combine(RepositoryRoot, "examples", "generate");

    public static string Golden => Path.Combine(RepositoryRoot, "tests", "Nagare.Runtime.Tests", "Generation", "Golden");

    /// <summary>Copies the shipped example project into this folder.</summary>
    public GenerationFiles CopyExample()
    {
        foreach (var file in Directory.EnumerateFiles(Example, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Example, file);
            if (relative.StartsWith("models", StringComparison.Ordinal))
            {
                continue;
            }

            var target = Path.Combine(Root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return this;
    }

    public GenerationFiles Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        return this;
    }

    public string PathOf(string relativePath) => Path.Combine(Root, relativePath);

    public string Read(string relativePath) => File.ReadAllText(PathOf(relativePath));

    /// <summary>Every file under <paramref name="relativeFolder"/>, as sorted relative paths.</summary>
    public IReadOnlyList<string> Files(string relativeFolder)
    {
        var folder = PathOf(relativeFolder);
        return Directory.Exists(folder)
            ? [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal)]
            : [];
    }

    public Task<(GenerationSummary Summary, string Output)> RunAsync(GenerateOptions options) =>
        ProjectGenerator.RunAsync(options with { ProjectDirectory = Root }, TimeProvider.System, null, CancellationToken.None);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A scratch folder left behind in /tmp is harmless.
        }
    }
}
