// Loads an assembly of generated programs and runs the named ones in order, each between marker lines, so the test
// that started it can tell which program's output is which and which one a crash of the process interrupted.
//
//   dotnet FioMem.Migration.Fuzz.Runner.dll <assembly.dll> <type> [<type> ...]
//
// Each <type> is a class with a public static Run() that prints what it computed. For each, in order:
//   @@begin <type>
//   ...what Run printed...
//   @@end <type>                        (Run returned, and the finalizers it left ran)
//   @@exception <type> <one line>       (Run threw; the full exception follows on stderr)
// The exit code is 0 when every program returned. A process that ends after "@@begin X" without its end line was
// ended by program X (or by memory an earlier program damaged).
using System;
using System.Reflection;

namespace FioMem.Migration.Fuzz.Runner;

internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: FioMem.Migration.Fuzz.Runner <assembly.dll> <type>...");
            return 2;
        }

        Assembly programs = Assembly.LoadFrom(args[0]);
        int failures = 0;
        for (int i = 1; i < args.Length; i++)
        {
            string name = args[i];
            Console.WriteLine("@@begin " + name);
            try
            {
                Type type = programs.GetType(name, throwOnError: true)!;
                MethodInfo run = type.GetMethod("Run", BindingFlags.Public | BindingFlags.Static, Type.EmptyTypes)
                    ?? throw new MissingMethodException(name, "Run");
                run.Invoke(null, null);

                // What the program left to finalizers (a SafeHandle it did not dispose) is released inside its markers.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                Console.WriteLine("@@end " + name);
            }
            catch (Exception e)
            {
                Exception shown = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
                failures++;
                Console.WriteLine("@@exception " + name + " " + shown.GetType().FullName + ": " + OneLine(shown.Message));
                Console.Error.WriteLine(shown);
            }
        }

        return failures == 0 ? 0 : 1;
    }

    private static string OneLine(string text) => text.Replace('\r', ' ').Replace('\n', ' ');
}
