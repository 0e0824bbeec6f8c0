// FioMem's socket transport (FioMem.AspNetCore, shipped at the same version) rents its pipe segments uncleared.
using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("FioMem.AspNetCore")]
