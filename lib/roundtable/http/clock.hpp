// Clocks for retry waits: the real steady clock, whose sleeps end early when
// an abort is requested, and a ManualClock for tests that never really sleeps.
//
// Thread-safe: both clocks may be used from several threads at once.
#pragma once

#include <chrono>
#include <mutex>
#include <roundtable/http/client.hpp>
#include <vector>

namespace roundtable::http {

// Returns the process's real clock; its sleep_for() wakes within 50 ms of request_abort(). Never
// fails.
Clock& system_clock();

class ManualClock final : public Clock {
public:
    // Returns the current fake time, which only sleep_for() and advance() move; never fails.
    std::chrono::steady_clock::time_point now() const override;

    // Records `duration` and moves the fake time forward by it without sleeping; never fails.
    void sleep_for(std::chrono::milliseconds duration) override;

    // Moves the fake time forward by `duration` without recording a sleep; never fails.
    void advance(std::chrono::milliseconds duration);

    // Returns every duration passed to sleep_for(), in call order; never fails.
    std::vector<std::chrono::milliseconds> sleeps() const;

private:
    mutable std::mutex m_mutex;
    std::chrono::steady_clock::time_point m_now{};
    std::vector<std::chrono::milliseconds> m_sleeps;
};

} // namespace roundtable::http
