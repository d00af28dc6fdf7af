#include <atomic>
#include <roundtable/http/abort.hpp>

namespace roundtable::http {

namespace {

std::atomic<bool> g_abort{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the abort flag must be signal-safe");

} // namespace

void request_abort() noexcept {
    g_abort.store(true, std::memory_order_relaxed);
}

void clear_abort() noexcept {
    g_abort.store(false, std::memory_order_relaxed);
}

bool abort_requested() noexcept {
    return g_abort.load(std::memory_order_relaxed);
}

} // namespace roundtable::http
