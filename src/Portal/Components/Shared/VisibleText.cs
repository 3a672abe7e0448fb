using System.Globalization;
using System.Text;

namespace ApprovalPortal.Portal.Components.Shared;

/// <summary>How text an agent or a model wrote is shown: bidirectional controls and invisible characters become visible
/// markers (<c>⟨U+202E⟩</c>), so "Pay invoice \u202Egnp.exe" cannot read as "Pay invoice exe.png", and a title of zero-width
/// spaces is not blank-looking but refused. Right-to-left letters, combining marks and emoji sequences (👩‍💻, flags,
/// keycaps, skin tones) stay as they are; the element that shows the text isolates its direction (<see cref="AgentText"/>).</summary>
public static class VisibleText
{
    /// <summary>A run of the text: shown as it is, or a hidden character shown as a marker.</summary>
    /// <param name="Text">The characters as they are, or the marker (<c>⟨U+202E⟩</c>).</param>
    /// <param name="Hidden">The hidden character's name, when this run is a marker.</param>
    public readonly record struct Run(string Text, string? Hidden);

    private const char Zwnj = '\u200C';
    private const char Zwj = '\u200D';
    private const int BlackFlag = 0x1F3F4;
    private const int CancelTag = 0xE007F;

    /// <summary>True when nothing would be seen: the text is empty once whitespace and invisible characters are removed.</summary>
    public static bool IsBlank(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }
        foreach (var rune in text.EnumerateRunes())
        {
            if (!Rune.IsWhiteSpace(rune) && !IsInvisible(rune.Value) && rune.Value != 0x2800)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary><paramref name="text"/> cut into runs to show, hidden characters as markers.</summary>
    public static IReadOnlyList<Run> Split(string? text)
    {
        var runs = new List<Run>();
        if (string.IsNullOrEmpty(text))
        {
            return runs;
        }
        var runes = text.EnumerateRunes().ToArray();
        var plain = new StringBuilder();
        for (var i = 0; i < runes.Length; i++)
        {
            var value = runes[i].Value;
            if (!IsInvisible(value) || KeptInContext(runes, i))
            {
                plain.Append(runes[i].ToString());
                continue;
            }
            if (plain.Length > 0)
            {
                runs.Add(new Run(plain.ToString(), null));
                plain.Clear();
            }
            runs.Add(new Run(Marker(value), NameOf(value)));
        }
        if (plain.Length > 0)
        {
            runs.Add(new Run(plain.ToString(), null));
        }
        return runs;
    }

    /// <summary><paramref name="text"/> with its hidden characters replaced by markers (for markdown, before it is rendered).</summary>
    public static string Reveal(string? text) => string.IsNullOrEmpty(text) ? "" : string.Concat(Split(text).Select(r => r.Text));

    /// <summary>The text for sinks that take a plain string (a snackbar, the page title): hidden characters as markers,
    /// the whole isolated between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE so it cannot turn the text around it.</summary>
    public static string ForPlainText(string? text) =>
        string.IsNullOrEmpty(text) ? "" : "\u2068" + Reveal(text) + "\u2069";

    /// <summary>The marker that stands for a hidden character.</summary>
    public static string Marker(int codePoint) => $"⟨U+{codePoint:X4}⟩";

    /// <summary>Characters that change how text around them reads, or that show nothing: bidirectional controls, zero-width
    /// characters, other format and control characters (but line breaks and tabs), fillers, variation selectors and tags.</summary>
    public static bool IsInvisible(int codePoint)
    {
        if (codePoint is '\n' or '\t' or '\r')
        {
            return false;
        }
        if (codePoint is 0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x180E or 0x3164 or 0xFFA0 or 0x2028 or 0x2029
            or (>= 0x180B and <= 0x180F) or (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF) or (>= 0xE0000 and <= 0xE007F))
        {
            return true;
        }
        var category = CharUnicodeInfo.GetUnicodeCategory(codePoint);
        return category is UnicodeCategory.Control or UnicodeCategory.Format;
    }

    // Invisible characters that real text needs: a joiner inside an emoji sequence (👩‍💻) or between letters of a
    // script that joins (Arabic, Persian, the Indic scripts), a variation selector after what it varies (❤️, 1️⃣), and
    // the tags of a subdivision flag (🏴 + tags + cancel tag). Anywhere else they hide something, and are shown.
    private static bool KeptInContext(Rune[] runes, int i)
    {
        var value = runes[i].Value;
        var before = i > 0 ? runes[i - 1] : (Rune?)null;
        var after = i + 1 < runes.Length ? runes[i + 1] : (Rune?)null;
        if (value is Zwj or Zwnj && before is { } b && after is { } a)
        {
            return value == Zwj && IsEmojiPart(b) && IsEmoji(a) || IsJoiningLetter(b) && IsJoiningLetter(a);
        }
        if (value is (>= 0xFE00 and <= 0xFE0F) && before is { } varied)
        {
            return !Rune.IsWhiteSpace(varied) && !IsInvisible(varied.Value) && Rune.GetUnicodeCategory(varied) is not UnicodeCategory.Control;
        }
        if (value is (>= 0xE0020 and <= 0xE007F))
        {
            var start = i;
            while (start > 0 && runes[start - 1].Value is >= 0xE0020 and < CancelTag)
            {
                start--;
            }
            var end = i;
            while (end < runes.Length && runes[end].Value is >= 0xE0020 and < CancelTag)
            {
                end++;
            }
            return start > 0 && runes[start - 1].Value == BlackFlag && end < runes.Length && runes[end].Value == CancelTag && end > start;
        }
        return false;
    }

    private static bool IsEmoji(Rune rune) => rune.Value is (>= 0x1F000 and <= 0x1FAFF) or (>= 0x2600 and <= 0x27BF) or (>= 0x2B00 and <= 0x2BFF)
        or 0x2640 or 0x2642 or 0x2695 or 0x2696 or 0x2708 or 0x2764 or 0x00A9 or 0x00AE or (>= 0x2190 and <= 0x21FF) or (>= 0x2300 and <= 0x23FF);

    // What may stand before the joiner of an emoji sequence: an emoji, its skin tone or its variation selector.
    private static bool IsEmojiPart(Rune rune) => IsEmoji(rune) || rune.Value is 0xFE0F;

    // Letters and marks of the scripts after Latin, Greek, Cyrillic and Armenian (from Hebrew on), where joiners shape text.
    private static bool IsJoiningLetter(Rune rune) => rune.Value >= 0x0590 && Rune.GetUnicodeCategory(rune) is UnicodeCategory.OtherLetter
        or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.LowercaseLetter or UnicodeCategory.UppercaseLetter;

    private static string NameOf(int codePoint) => codePoint switch
    {
        0x0000 => "NULL",
        0x00AD => "SOFT HYPHEN",
        0x061C => "ARABIC LETTER MARK",
        0x200B => "ZERO WIDTH SPACE",
        0x200C => "ZERO WIDTH NON-JOINER",
        0x200D => "ZERO WIDTH JOINER",
        0x200E => "LEFT-TO-RIGHT MARK",
        0x200F => "RIGHT-TO-LEFT MARK",
        0x2028 => "LINE SEPARATOR",
        0x2029 => "PARAGRAPH SEPARATOR",
        0x202A => "LEFT-TO-RIGHT EMBEDDING",
        0x202B => "RIGHT-TO-LEFT EMBEDDING",
        0x202C => "POP DIRECTIONAL FORMATTING",
        0x202D => "LEFT-TO-RIGHT OVERRIDE",
        0x202E => "RIGHT-TO-LEFT OVERRIDE",
        0x2060 => "WORD JOINER",
        0x2066 => "LEFT-TO-RIGHT ISOLATE",
        0x2067 => "RIGHT-TO-LEFT ISOLATE",
        0x2068 => "FIRST STRONG ISOLATE",
        0x2069 => "POP DIRECTIONAL ISOLATE",
        0xFEFF => "ZERO WIDTH NO-BREAK SPACE",
        _ => CharUnicodeInfo.GetUnicodeCategory(codePoint) == UnicodeCategory.Control ? "a control character" : "an invisible character",
    };
}
