namespace Nagare.Testing;

/// <summary>A theory that needs s3rver: skipped, saying why, only where Node.js is not installed.</summary>
public sealed class S3TheoryAttribute : TheoryAttribute
{
    public S3TheoryAttribute()
    {
        if (S3rverServer.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
