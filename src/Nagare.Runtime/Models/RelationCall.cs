namespace Nagare.Runtime.Models;

/// <summary>A <c>ref()</c> or <c>source()</c> call recorded while rendering: (package or source name, name).</summary>
internal sealed record RelationCall(bool IsSource, string? First, string Second)
{
    public override string ToString() => IsSource ? $"source('{First}', '{Second}')" : First is null ? $"ref('{Second}')" : $"ref('{First}', '{Second}')";
}
