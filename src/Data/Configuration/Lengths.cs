namespace ApprovalPortal.Data.Configuration;

/// <summary>Column lengths for strings that are indexed or compared (SQL Server cannot index nvarchar(max)).</summary>
internal static class Lengths
{
    public const int Name = 200;
    public const int Key = 256;
    public const int UserName = 256;
    public const int Title = 500;
    public const int Url = 2048;
    public const int Hash = 128;
    public const int Short = 64;
}
