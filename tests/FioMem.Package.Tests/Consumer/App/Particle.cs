// A user's [FioAllocated] struct: the generator makes it IFioAllocated<Particle> and adds New/Free helpers.
using FioMem;

namespace Consumer;

[FioAllocated]
public partial struct Particle
{
    public int Id;
    public int X;
    public int Y;
}
