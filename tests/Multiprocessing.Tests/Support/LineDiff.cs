using System.Text;

namespace Multiprocessing.Tests.Support;

/// <summary>A line diff for a failure message: what is only in the old text (-) and only in the new (+), by line number.</summary>
public static class LineDiff
{
    public static string Of(string before, string after)
    {
        var a = Lines(before);
        var b = Lines(after);
        // common[i, j]: the longest common subsequence of a[i..] and b[j..].
        var common = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
            for (var j = b.Length - 1; j >= 0; j--)
                common[i, j] = a[i] == b[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);

        var diff = new StringBuilder();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y]) (x, y) = (x + 1, y + 1);
            else if (x < a.Length && (y == b.Length || common[x + 1, y] >= common[x, y + 1])) diff.AppendLine($"-{x + 1,5}: {a[x++]}");
            else diff.AppendLine($"+{y + 1,5}: {b[y++]}");
        }
        return diff.ToString();
    }

    private static string[] Lines(string text) => text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
}
