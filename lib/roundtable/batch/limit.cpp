#include <roundtable/batch/limit.hpp>

namespace roundtable::batch {

void Semaphore::acquire() {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [this] { return m_free > 0; });
    --m_free;
}

void Semaphore::release() {
    {
        const std::lock_guard lock(m_mutex);
        ++m_free;
    }
    m_cv.notify_one();
}

std::expected<providers::Reply, providers::Failure>
LimitedProvider::complete(const providers::Request& request) {
    struct Slot {
        Semaphore& s;
        explicit Slot(Semaphore& sem) : s(sem) { s.acquire(); }
        ~Slot() { s.release(); }
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;
    } slot(*m_slots);
    return inner().complete(request);
}

} // namespace roundtable::batch
