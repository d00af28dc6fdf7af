// Threads kept for the next task. A panel runs its seats' chains side by side, a stage at a
// time; starting a thread for each (six per panel) cost more CPU than the chains' own logic
// in a corpus run. The shared pool hands each task to an idle thread, or starts one when none
// is idle, so a task never waits behind another: how many run at once stays the callers'
// choice (their own limits), and the threads a process starts are its peak concurrency.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace roundtable::util {

class ThreadPool {
public:
    ThreadPool() = default;
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;
    // Waits for the tasks already handed over, then joins the threads; never fails.
    ~ThreadPool();

    // Returns the process's pool, which lives until the process exits.
    static ThreadPool& shared();

    // Runs `task` on an idle thread, or on a new one; throws std::system_error if no thread
    // can be started (the task is then not run). `task` must not throw.
    void run(std::function<void()> task);

    // Runs fn(0) .. fn(count - 1) side by side, fn(0) on the calling thread, and returns when
    // all have returned; rethrows the exception of the lowest index that threw, after all
    // have returned. Throws std::system_error if no thread can be started (the calls already
    // started are waited for first).
    void run_all(std::size_t count, const std::function<void(std::size_t)>& fn);

    // Returns the threads started so far; never fails.
    std::size_t threads() const;

private:
    struct Task {
        std::function<void()> run;
        std::function<void()> done; // runs once the thread counts as idle again
    };

    void submit(Task task);
    void work();

    mutable std::mutex m_mutex;
    std::condition_variable m_ready;
    std::deque<Task> m_tasks;
    std::size_t m_idle = 0;
    std::size_t m_started = 0;
    bool m_stopping = false;
    std::vector<std::thread> m_threads;
};

} // namespace roundtable::util
