// The same calls spelled with using static, an alias, a full name and global::.
using static System.Runtime.InteropServices.NativeMemory;
using NM = System.Runtime.InteropServices.NativeMemory;

namespace Sample;

internal static unsafe class Styles
{
    public static int AllSpellings()
    {
        int* a = (int*)Alloc(sizeof(int));
        int* b = (int*)NM.AllocZeroed(sizeof(int));
        int* c = (int*)System.Runtime.InteropServices.NativeMemory.Alloc(sizeof(int));
        int* d = (int*)global::System.Runtime.InteropServices.NativeMemory.Alloc(sizeof(int));
        *a = 1;
        *b += 2;
        *c = 3;
        *d = 4;
        int total = *a + *b + *c + *d;
        Free(a);
        NM.Free(b);
        System.Runtime.InteropServices.NativeMemory.Free(c);
        global::System.Runtime.InteropServices.NativeMemory.Free(d);
        Free(Alloc(1));
        return total;
    }
}
