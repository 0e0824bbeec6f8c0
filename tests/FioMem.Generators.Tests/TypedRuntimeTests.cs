// FioAlloc<T> and FioOwned<T> on structs this test project marks [FioAllocated] (its build runs the generator).
using System.Runtime.CompilerServices;
using FioMem.Generators.Tests.TestTypes;

namespace FioMem.Generators.Tests;

public unsafe class TypedRuntimeTests
{
    [Fact]
    public void The_generator_ran_on_this_project_and_Vector48_is_48_bytes()
    {
        Assert.Equal(48, sizeof(Vector48));
        Assert.Equal("FioMem.Generators.Tests.TestTypes.Vector48", TypeName<Vector48>());
    }

    [Fact]
    public void New_returns_a_zeroed_16_byte_aligned_value()
    {
        Vector48* v = FioAlloc<Vector48>.New();
        Assert.Equal(0u, (nuint)v % 16);
        Assert.Equal(default, *v);
        FioAlloc<Vector48>.Free(v);
    }

    [Fact]
    public void Values_written_through_New_read_back_at_both_ends()
    {
        Vector48* v = Vector48.New();
        v->A = long.MinValue;
        v->F = long.MaxValue;
        Assert.Equal(long.MinValue, v->A);
        Assert.Equal(long.MaxValue, v->F);
        Assert.Equal(0, v->C);
        Vector48.Free(v);
    }

    [Fact]
    public void The_generated_heap_shorthands_allocate_zeroed_values_that_the_heap_releases()
    {
        using var heap = new FioHeap();
        Vector48* v = Vector48.New(heap);
        Assert.Equal(default, *v);
        v->A = 7;
        Span<Vector48> items = Vector48.NewArray(heap, 50);
        Assert.Equal(50, items.Length);
        foreach (Vector48 item in items)
            Assert.Equal(default, item);
        items[49].F = 9;
        Assert.Equal(7, v->A);
        heap.Reset();
        Vector48* again = FioAlloc<Vector48>.New(heap);
        Assert.Equal(default, *again);
        Vector48.Free(again);
    }

    [Fact]
    public void Free_of_null_does_nothing() => FioAlloc<Vector48>.Free(null);

    [Fact]
    public void NewArray_returns_the_requested_count_of_zeroed_elements()
    {
        Span<Vector48> items = FioAlloc<Vector48>.NewArray(100);
        Assert.Equal(100, items.Length);
        Assert.Equal(0u, (nuint)Unsafe.AsPointer(ref items[0]) % 16);
        foreach (Vector48 item in items)
            Assert.Equal(default, item);
        FioAlloc<Vector48>.FreeArray(items);
    }

    [Fact]
    public void NewArray_of_zero_is_empty_and_can_be_freed()
    {
        Span<Vector48> items = Vector48.NewArray(0);
        Assert.True(items.IsEmpty);
        Vector48.FreeArray(items);
    }

    [Fact]
    public void FreeArray_of_a_default_span_does_nothing() => FioAlloc<Vector48>.FreeArray(default);

    [Fact]
    public void NewArray_with_a_negative_count_throws_ArgumentOutOfRangeException() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FioAlloc<Vector48>.NewArray(-1));

    [Fact]
    public void NewArray_beyond_the_address_space_throws_OutOfMemoryException() =>
        Assert.Throws<OutOfMemoryException>(() => FioAlloc<HugeBlob>.NewArray(int.MaxValue));

    [Fact]
    public void Resize_to_more_keeps_the_elements_and_zeroes_the_new_ones()
    {
        Span<Vector48> items = FioAlloc<Vector48>.NewArray(3);
        for (int i = 0; i < items.Length; i++)
            items[i] = new Vector48 { A = i + 1, F = -(i + 1) };

        items = FioAlloc<Vector48>.Resize(items, 50);

        Assert.Equal(50, items.Length);
        for (int i = 0; i < 3; i++)
            Assert.Equal(new Vector48 { A = i + 1, F = -(i + 1) }, items[i]);
        for (int i = 3; i < 50; i++)
            Assert.Equal(default, items[i]);
        FioAlloc<Vector48>.FreeArray(items);
    }

    [Fact]
    public void Resize_to_fewer_keeps_the_leading_elements()
    {
        Span<Vector48> items = FioAlloc<Vector48>.NewArray(10);
        for (int i = 0; i < items.Length; i++)
            items[i].B = i * 10;

        items = FioAlloc<Vector48>.Resize(items, 4);

        Assert.Equal([0L, 10L, 20L, 30L], items.ToArray().Select(v => v.B));
        FioAlloc<Vector48>.FreeArray(items);
    }

    [Fact]
    public void Resize_with_a_negative_count_throws_and_leaves_the_array_valid()
    {
        Span<Vector48> items = FioAlloc<Vector48>.NewArray(2);
        items[1].C = 9;
        Vector48* start = (Vector48*)Unsafe.AsPointer(ref items[0]);

        Assert.Throws<ArgumentOutOfRangeException>(() => FioAlloc<Vector48>.Resize(new Span<Vector48>(start, 2), -1));

        Assert.Equal(9, start[1].C);
        FioAlloc<Vector48>.FreeArray(new Span<Vector48>(start, 2));
    }

    [Fact]
    public void Resize_beyond_the_address_space_throws_OutOfMemoryException_and_leaves_the_array_valid()
    {
        Span<HugeBlob> blobs = FioAlloc<HugeBlob>.NewArray(0);
        HugeBlob* start = (HugeBlob*)Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(blobs));

        Assert.Throws<OutOfMemoryException>(() => FioAlloc<HugeBlob>.Resize(new Span<HugeBlob>(start, 0), int.MaxValue));

        FioAlloc<HugeBlob>.FreeArray(new Span<HugeBlob>(start, 0));
    }

    [Fact]
    public void NewOwned_Value_is_a_reference_to_the_owned_memory()
    {
        using FioOwned<Vector48> owned = FioAlloc<Vector48>.NewOwned();
        owned.Value.D = 77;
        Assert.Equal(77, owned.Pointer->D);
        Assert.False(owned.IsDisposed);
    }

    [Fact]
    public void FioOwned_frees_once_and_a_second_Dispose_does_nothing()
    {
        FioOwned<Vector48> owned = Vector48.NewOwned();

        owned.Dispose();
        owned.Dispose();

        Assert.True(owned.IsDisposed);
        Assert.True(owned.Pointer == null);
    }

    [Fact]
    public void FioOwned_Value_after_Dispose_throws_ObjectDisposedException()
    {
        FioOwned<Vector48> owned = FioAlloc<Vector48>.NewOwned();
        owned.Dispose();

        Assert.Throws<ObjectDisposedException>(() => owned.Value.A);
    }

    [Fact]
    public void A_default_FioOwned_is_disposed_and_Dispose_does_nothing()
    {
        FioOwned<Vector48> owned = default;
        Assert.True(owned.IsDisposed);
        owned.Dispose();
    }

    private static string TypeName<T>() where T : unmanaged, IFioAllocated<T> => T.FioTypeName;
}
