//go:build !linux

package pdfdoc

import "github.com/tetratelabs/wazero/experimental"

// memoryAllocator is wazero's own outside Linux (see memory_linux.go).
func memoryAllocator() experimental.MemoryAllocator { return nil }
