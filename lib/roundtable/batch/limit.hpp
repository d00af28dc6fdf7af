// Per-provider in-flight limits of corpus mode (--max-in-flight N): a counting
// semaphore shared by every seat of one provider (protocol and server), and a Provider decorator
// that holds a slot for the length of each complete() call.
//
// Thread-safe: any number of threads may acquire and release at once.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <roundtable/providers/provider.hpp>

namespace roundtable::batch {

class Semaphore {
public:
    // Makes a semaphore with `slots` slots (at least 1); never fails.
    explicit Semaphore(int slots) : m_free(slots < 1 ? 1 : slots) {}

    // Waits for a free slot and takes it; never fails.
    void acquire();
    // Gives a slot back; never fails.
    void release();

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    int m_free;
};

class LimitedProvider : public providers::ProviderDecorator {
public:
    // Wraps `inner`, holding a slot of `slots` for every call; never fails.
    LimitedProvider(std::shared_ptr<providers::Provider> inner, std::shared_ptr<Semaphore> slots)
        : ProviderDecorator(std::move(inner)), m_slots(std::move(slots)) {}

    // Calls the inner provider once a slot is free; returns its result unchanged.
    std::expected<providers::Reply, providers::Failure>
    complete(const providers::Request& request) override;

private:
    std::shared_ptr<Semaphore> m_slots;
};

} // namespace roundtable::batch
