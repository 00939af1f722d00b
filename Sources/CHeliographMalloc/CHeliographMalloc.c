// open_memstream; stdio.h also brings features.h, which defines __GLIBC__ on glibc.
#define _GNU_SOURCE
#include <stdio.h>

#include "CHeliographMalloc.h"

#if defined(__GLIBC__)
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

/// malloc_info writes one `<heap nr="N">` element per arena; counting them is the only public way
/// to learn how many arenas exist.
static int count_arenas(void) {
    char *text = NULL;
    size_t length = 0;
    FILE *stream = open_memstream(&text, &length);
    if (stream == NULL) return 0;
    int written = malloc_info(0, stream);
    fclose(stream);
    int arenas = 0;
    if (written == 0 && text != NULL) {
        for (const char *at = strstr(text, "<heap nr="); at != NULL; at = strstr(at + 1, "<heap nr=")) arenas += 1;
    }
    free(text);
    return arenas;
}

heliograph_malloc_figures heliograph_malloc_figures_now(void) {
    struct mallinfo2 info = mallinfo2();
    heliograph_malloc_figures figures = {
        .available = 1,
        .arenaBytes = info.arena,
        .inUseBytes = info.uordblks,
        .freeBytes = info.fordblks,
        .mmappedBytes = info.hblkhd,
        .arenas = count_arenas(),
    };
    return figures;
}

int heliograph_malloc_set_arena_max(int arenas) { return mallopt(M_ARENA_MAX, arenas); }

int heliograph_malloc_trim(void) { return malloc_trim(0); }

#else

heliograph_malloc_figures heliograph_malloc_figures_now(void) {
    heliograph_malloc_figures figures = {0};
    return figures;
}

int heliograph_malloc_set_arena_max(int arenas) { (void)arenas; return 0; }

int heliograph_malloc_trim(void) { return 0; }

#endif
