// Entry point: dotnet run -c Release --project bench/FioMem.Benchmarks -- --filter '*'
using BenchmarkDotNet.Running;

namespace FioMem.Benchmarks;

public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
