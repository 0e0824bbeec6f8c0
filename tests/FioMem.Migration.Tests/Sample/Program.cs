// Sample app for the migration test: prints results that must not change when its NativeMemory calls move to FioMem.
using System;

namespace Sample;

public static class Program
{
    public static void Main()
    {
        Console.WriteLine("checksum " + Buffers.Checksum(1000));
        Console.WriteLine("grown " + Buffers.GrowAndSum(8, 4096));
        Console.WriteLine("zeroed " + Buffers.ZeroedSum(64, 8));
        Console.WriteLine("styles " + Styles.AllSpellings());
        using (var text = new TextBuffer(16))
        {
            text.Append("hello, ");
            text.Append("fiomem");
            Console.WriteLine("text " + text.ToString());
        }

        Console.WriteLine("collections " + Collections.Run());
        Console.WriteLine("aligned " + Aligned.Run());
        using (var voices = new Voices())
            Console.WriteLine("voices " + voices.Mix() + "/" + Voices.Measure("héllo") + "/" + Voices.Upload(10));
        Console.WriteLine("lookup " + Lookup.Get(3) + "/" + Lookup.Get(15));
        Console.WriteLine("shared " + Shared.Run());
        Console.WriteLine("generics " + Generics.Run());
        Console.WriteLine("skipped " + Skipped.Run());
    }
}
