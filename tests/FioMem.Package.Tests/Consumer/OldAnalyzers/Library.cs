namespace OldAnalyzers;

public static class Library
{
#if FIOMEM
    public static bool FioMemDefined => true;
#else
    public static bool FioMemDefined => false;
#endif
}
