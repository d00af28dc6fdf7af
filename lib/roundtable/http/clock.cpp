#include <algorithm>
#include <roundtable/http/abort.hpp>
#include <roundtable/http/clock.hpp>
#include <thread>

namespace roundtable::http {

namespace {

constexpr std::chrono::milliseconds k_sleep_slice{50};

class SystemClock final : public Clock {
public:
    std::chrono::steady_clock::time_point now() const override {
        return std::chrono::steady_clock::now();
    }

    void sleep_for(std::chrono::milliseconds duration) override {
        const auto deadline = std::chrono::steady_clock::now() + duration;
        while (!abort_requested()) {
            const auto current = std::chrono::steady_clock::now();
            if (current >= deadline) {
                return;
            }
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - current) +
                std::chrono::milliseconds(1);
            std::this_thread::sleep_for(std::min(left, k_sleep_slice));
        }
    }
};

} // namespace

Clock& system_clock() {
    static SystemClock clock;
    return clock;
}

std::chrono::steady_clock::time_point ManualClock::now() const {
    std::lock_guard lock(m_mutex);
    return m_now;
}

void ManualClock::sleep_for(std::chrono::milliseconds duration) {
    std::lock_guard lock(m_mutex);
    m_sleeps.push_back(duration);
    m_now += duration;
}

void ManualClock::advance(std::chrono::milliseconds duration) {
    std::lock_guard lock(m_mutex);
    m_now += duration;
}

std::vector<std::chrono::milliseconds> ManualClock::sleeps() const {
    std::lock_guard lock(m_mutex);
    return m_sleeps;
}

} // namespace roundtable::http
