#ifndef C_HELIOGRAPH_MALLOC_H
#define C_HELIOGRAPH_MALLOC_H

#include <stddef.h>

/// What glibc's allocator holds in this process (mallinfo2 plus the arena count from malloc_info).
/// Swift's Glibc module does not import <malloc.h>, so this shim does; elsewhere than glibc
/// `available` is 0 and the calls change nothing.
typedef struct {
    /// 1 when the figures are glibc's, 0 where there is no glibc allocator.
    int available;
    /// Bytes the arenas got from the system with brk/mmap for their heaps (mallinfo2 `arena`).
    size_t arenaBytes;
    /// Bytes handed out and not yet freed (mallinfo2 `uordblks`): the live allocations.
    size_t inUseBytes;
    /// Free bytes kept inside the arenas, top chunks included (mallinfo2 `fordblks`).
    size_t freeBytes;
    /// Bytes of large allocations that have a mapping of their own (mallinfo2 `hblkhd`).
    size_t mmappedBytes;
    /// Arenas (one `<heap>` of malloc_info each); 0 when it could not be read.
    int arenas;
} heliograph_malloc_figures;

/// The allocator's figures now. Takes each arena's lock for a moment.
heliograph_malloc_figures heliograph_malloc_figures_now(void);

/// Caps the number of arenas (mallopt M_ARENA_MAX); arenas that exist already stay. 1 when applied.
int heliograph_malloc_set_arena_max(int arenas);

/// Gives free memory of every arena back to the system (malloc_trim(0)); 1 when any was released.
int heliograph_malloc_trim(void);

#endif
