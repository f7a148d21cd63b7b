using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nagare.Server;

/// <summary>
/// <c>.nagare/server.json</c> in the project: the address of the server that owns the project's warehouse and the key
/// the command line on this machine uses with it. Only the file's owner can read it (mode 0600): whoever can read it
/// could open the warehouse file itself anyway.
/// </summary>
/// <param name="Url">The server's base address.</param>
/// <param name="Key">The local key (admin).</param>
/// <param name="Pid">The server's process id.</param>
public sealed record ServerFile([property: JsonPropertyName("url")] string Url, [property: JsonPropertyName("key")] string Key, [property: JsonPropertyName("pid")] int Pid)
{
    /// <summary>The file's path in <paramref name="projectRoot"/>.</summary>
    public static string PathIn(string projectRoot) => System.IO.Path.Combine(projectRoot, ".nagare", "server.json");

    /// <summary>
    /// The server announced in <paramref name="projectRoot"/>, or null when there is none or its process has ended
    /// (a server killed without stopping leaves the file behind).
    /// </summary>
    public static ServerFile? Read(string projectRoot)
    {
        var path = PathIn(projectRoot);
        try
        {
            var file = JsonSerializer.Deserialize<ServerFile>(File.ReadAllText(path));
            return file is not null && Alive(file.Pid) ? file : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes the file (owner-only).</summary>
    internal void Write(string projectRoot)
    {
        var path = PathIn(projectRoot);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, create))
        {
            JsonSerializer.Serialize(stream, this);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Removes the file if it is still this server's.</summary>
    internal void Remove(string projectRoot)
    {
        var path = PathIn(projectRoot);
        try
        {
            if (JsonSerializer.Deserialize<ServerFile>(File.ReadAllText(path)) is { } current && current.Key == Key)
            {
                File.Delete(path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // Gone already, or another server's: leave it.
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
