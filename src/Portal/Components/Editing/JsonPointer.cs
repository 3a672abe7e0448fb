namespace ApprovalPortal.Portal.Components.Editing;

/// <summary>Builds JSON Pointers (RFC 6901), the path format of <see cref="PayloadError"/> and of <c>data-field</c>.</summary>
public static class JsonPointer
{
    /// <summary>The pointer to property <paramref name="name"/> of the object at <paramref name="parent"/>.</summary>
    public static string Append(string parent, string name) =>
        parent + "/" + name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>The pointer to element <paramref name="index"/> of the array at <paramref name="parent"/>.</summary>
    public static string Append(string parent, int index) => parent + "/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="path"/> is <paramref name="ancestor"/> or lies inside it.</summary>
    public static bool IsWithin(string path, string ancestor) =>
        path == ancestor || path.StartsWith(ancestor + "/", StringComparison.Ordinal);
}
