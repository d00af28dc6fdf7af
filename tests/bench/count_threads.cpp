// An LD_PRELOAD library for the benchmarks: counts the threads a process creates
// (pthread_create calls) and writes the count to the file named by RT_THREADS_FILE
// when the process exits normally. Used by bench_batch to show how many threads the
// synchronous path creates per panel.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <pthread.h>

namespace {

std::atomic<long> g_created{0};

using CreateFn = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);

__attribute__((destructor)) void write_count() {
    if (const char* path = std::getenv("RT_THREADS_FILE")) {
        if (std::FILE* f = std::fopen(path, "w")) {
            std::fprintf(f, "%ld\n", g_created.load());
            std::fclose(f);
        }
    }
}

} // namespace

extern "C" int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*),
                              void* arg) {
    static const auto real = reinterpret_cast<CreateFn>(dlsym(RTLD_NEXT, "pthread_create"));
    ++g_created;
    return real(thread, attr, start, arg);
}
