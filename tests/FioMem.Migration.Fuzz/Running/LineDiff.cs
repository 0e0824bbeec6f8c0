// A line diff of two texts (longest common subsequence), shown with two lines of context around each change; a removed or
// unchanged line shows its number in the first text, an added line its number in the second.
using System;
using System.Collections.Generic;
using System.Text;

namespace FioMem.Migration.Fuzz.Running;

internal static class LineDiff
{
    public static string Show(string before, string after)
    {
        string[] a = before.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        string[] b = after.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
        {
            for (int j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        }

        var lines = new List<(char Mark, int Line, string Text)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                lines.Add((' ', x + 1, a[x]));
                x++;
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                lines.Add(('-', x + 1, a[x]));
                x++;
            }
            else
            {
                lines.Add(('+', y + 1, b[y]));
                y++;
            }
        }

        var text = new StringBuilder();
        int lastShown = -1;
        for (int k = 0; k < lines.Count; k++)
        {
            bool near = false;
            for (int d = Math.Max(0, k - 2); d <= Math.Min(lines.Count - 1, k + 2) && !near; d++)
                near = lines[d].Mark != ' ';
            if (!near)
                continue;
            if (lastShown >= 0 && k != lastShown + 1)
                text.Append("  ...\n");
            var (mark, line, content) = lines[k];
            text.Append(mark).Append(' ').Append(line.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)).Append(": ").Append(content).Append('\n');
            lastShown = k;
        }

        return text.Length == 0 ? "(no change)\n" : text.ToString();
    }
}
