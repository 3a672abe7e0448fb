using System.Globalization;
using System.Text;

namespace ApprovalPortal.Portal.Dashboard;

/// <summary>
/// CSV as spreadsheets read it (RFC 4180, CRLF line ends). Queue, agent and tool names can come from agents, so a
/// text cell that a spreadsheet would take for a formula (starting with =, +, -, @, a tab or a carriage return)
/// is prefixed with an apostrophe (OWASP's advice on CSV injection); numbers are written as numbers.
/// </summary>
public static class DashboardCsv
{
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    /// <summary>A table: a header line, then one line per row.</summary>
    public static string Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        var csv = new StringBuilder();
        Line(csv, header);
        foreach (var row in rows)
        {
            Line(csv, row);
        }
        return csv.ToString();
    }

    /// <summary>One cell as written.</summary>
    public static string Cell(object? value) => value switch
    {
        null => "",
        string text => Quote(Neutralise(text)),
        DateTime time => time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        TimeSpan span => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture),
        double number => number.ToString("0.####", CultureInfo.InvariantCulture),
        IFormattable formattable => Quote(formattable.ToString(null, CultureInfo.InvariantCulture)),
        var other => Quote(Neutralise(other.ToString() ?? "")),
    };

    private static void Line(StringBuilder csv, IEnumerable<object?> cells)
    {
        csv.AppendJoin(',', cells.Select(Cell));
        csv.Append("\r\n");
    }

    private static string Neutralise(string text) => text.Length > 0 && FormulaStarts.Contains(text[0]) ? "'" + text : text;

    private static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
