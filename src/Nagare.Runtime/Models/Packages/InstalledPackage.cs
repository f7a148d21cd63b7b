namespace Nagare.Runtime.Models.Packages;

/// <summary>A package <c>nagare deps</c> installed.</summary>
/// <param name="Name">Its <c>name:</c>, the folder under dbt_packages/.</param>
/// <param name="Pinned">The entry as the lock file records it: hub version or git commit.</param>
/// <param name="Version">What to show: the version, commit or path.</param>
public sealed record InstalledPackage(string Name, PackageSpec Pinned, string Version);
