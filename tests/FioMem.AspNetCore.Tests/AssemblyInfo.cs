// Every test here reads process-wide figures (FioMem's statistics, pooled blocks), so none runs beside another.
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]
