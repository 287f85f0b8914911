//go:build linux

package pdfdoc

import (
	"runtime"
	"syscall"

	"github.com/tetratelabs/wazero/experimental"
)

// reservedMemory backs a worker's WebAssembly memory with address space
// reserved once at its limit and made usable as PDFium grows its heap.
// wazero's own memory is a Go slice that is copied whole into a larger one
// each time the heap grows (the old one lingering until the collector
// frees it), so a worker holding a 100 MB book briefly held twice that
// and more; here the memory never moves, and it goes back to the system
// the moment the worker is closed.
//
// A worker stopped by a timeout is closed while PDFium may still be
// running in it, until it notices; so closing only gives the pages back
// (they read as zeros from then on) and the address space is unmapped
// once nothing refers to the memory any more.
type reservedMemory struct {
	buf  []byte // the whole reservation; buf[:usable] is readable and writable
	used int
}

// memoryAllocator reserves each worker's memory as reservedMemory; nil
// (wazero's own) when the reservation cannot be made.
func memoryAllocator() experimental.MemoryAllocator {
	return experimental.MemoryAllocatorFunc(func(_, max uint64) experimental.LinearMemory {
		buf, err := syscall.Mmap(-1, 0, int(max), syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
		if err != nil {
			return nil
		}
		m := &reservedMemory{buf: buf}
		runtime.AddCleanup(m, func(buf []byte) { _ = syscall.Munmap(buf) }, buf)
		return m
	})
}

// Reallocate makes the first size bytes usable; nil when they cannot be.
func (m *reservedMemory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.buf)) {
		return nil
	}
	if n := int(size); n > m.used {
		// whole pages of the system: WebAssembly's 64 KiB pages are
		// multiples of them
		if err := syscall.Mprotect(m.buf[m.used:n], syscall.PROT_READ|syscall.PROT_WRITE); err != nil {
			return nil
		}
		m.used = n
	}
	return m.buf[:size:size]
}

// Free gives the memory's pages back to the system; the reservation goes
// when the memory is no longer referred to.
func (m *reservedMemory) Free() {
	if m.used > 0 {
		_ = syscall.Madvise(m.buf[:m.used], syscall.MADV_DONTNEED)
	}
}
