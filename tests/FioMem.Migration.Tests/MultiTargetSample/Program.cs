// Prints results that must not change when the shared source's NativeMemory calls move to FioMem on net10.0 only.
using System;

namespace MultiTargetSample;

public static class Program
{
    public static void Main()
    {
        using (var buffer = new Utf8Builder(4))
        {
            buffer.Append("multi");
            buffer.Append("-target");
            Console.WriteLine("text " + buffer.Length + "/" + buffer.Checksum());
        }

        Console.WriteLine("table " + Table.Get(5));
    }
}
