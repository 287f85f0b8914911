//go:build linux

package pdfdoc

import "testing"

func TestReservedMemoryGrowsInPlace(t *testing.T) {
	const page = 64 << 10
	lm := memoryAllocator().Allocate(page, 16*page)
	if lm == nil {
		t.Fatal("no reservation")
	}
	defer lm.Free()
	small := lm.Reallocate(page)
	if len(small) != page {
		t.Fatalf("len %d, want %d", len(small), page)
	}
	small[0], small[page-1] = 'a', 'z'
	big := lm.Reallocate(10 * page)
	if len(big) != 10*page || &big[0] != &small[0] {
		t.Fatal("the memory moved or did not grow")
	}
	big[10*page-1] = 'q' // writable to its end
	if big[0] != 'a' || big[page-1] != 'z' {
		t.Fatal("the memory lost what it held")
	}
	if again := lm.Reallocate(2 * page); len(again) != 2*page || again[0] != 'a' {
		t.Fatal("asking for less must keep the memory")
	}
	if lm.Reallocate(17*page) != nil {
		t.Fatal("past the limit must fail, not grow")
	}
}
