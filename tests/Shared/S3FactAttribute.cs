namespace Nagare.Testing;

/// <summary>A test that needs s3rver: skipped, saying why, only where Node.js is not installed.</summary>
public sealed class S3FactAttribute : FactAttribute
{
    public S3FactAttribute()
    {
        if (S3rverServer.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
