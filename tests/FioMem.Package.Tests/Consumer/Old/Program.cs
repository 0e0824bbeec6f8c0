using FioMem;

unsafe
{
    byte* buffer = (byte*)FioMemory.Alloc(512);
    FioMemory.Free(buffer);
}
