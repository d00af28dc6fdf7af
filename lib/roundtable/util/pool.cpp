#include <exception>
#include <roundtable/util/pool.hpp>
#include <utility>

namespace roundtable::util {

ThreadPool::~ThreadPool() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_ready.notify_all();
    for (auto& t : m_threads) {
        t.join();
    }
}

ThreadPool& ThreadPool::shared() {
    // Never destroyed: a thread still running a task when the process exits (after Ctrl-C,
    // say) must not be joined from a static destructor.
    static ThreadPool* const pool = new ThreadPool;
    return *pool;
}

void ThreadPool::run(std::function<void()> task) {
    submit({std::move(task), nullptr});
}

void ThreadPool::submit(Task task) {
    std::unique_lock lock(m_mutex);
    m_tasks.push_back(std::move(task));
    if (m_idle >= m_tasks.size()) {
        lock.unlock();
        m_ready.notify_one();
        return;
    }
    try {
        m_threads.emplace_back([this] { work(); });
    } catch (...) {
        m_tasks.pop_back();
        throw;
    }
    ++m_idle; // the new thread, until it takes a task
    ++m_started;
}

void ThreadPool::run_all(std::size_t count, const std::function<void(std::size_t)>& fn) {
    if (count == 0) {
        return;
    }
    std::vector<std::exception_ptr> errors(count);
    std::mutex done_mutex;
    std::condition_variable done;
    std::size_t pending = 0;
    std::exception_ptr start_error;
    for (std::size_t i = 1; i < count; ++i) {
        {
            std::lock_guard lock(done_mutex);
            ++pending;
        }
        try {
            submit({[&, i] {
                        try {
                            fn(i);
                        } catch (...) {
                            errors[i] = std::current_exception();
                        }
                    },
                    [&] {
                        std::lock_guard lock(done_mutex);
                        if (--pending == 0) {
                            done.notify_one();
                        }
                    }});
        } catch (...) {
            std::lock_guard lock(done_mutex);
            --pending;
            start_error = std::current_exception();
            break;
        }
    }
    if (!start_error) {
        try {
            fn(0);
        } catch (...) {
            errors[0] = std::current_exception();
        }
    }
    {
        std::unique_lock lock(done_mutex);
        done.wait(lock, [&] { return pending == 0; });
    }
    if (start_error) {
        std::rethrow_exception(start_error);
    }
    for (auto& e : errors) {
        if (e) {
            std::rethrow_exception(e);
        }
    }
}

std::size_t ThreadPool::threads() const {
    std::lock_guard lock(m_mutex);
    return m_started;
}

void ThreadPool::work() {
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_ready.wait(lock, [this] { return !m_tasks.empty() || m_stopping; });
        --m_idle;
        if (m_tasks.empty()) {
            return;
        }
        Task task = std::move(m_tasks.front());
        m_tasks.pop_front();
        lock.unlock();
        task.run();
        task.run = nullptr; // what it captured goes before the thread counts as idle
        lock.lock();
        ++m_idle;
        if (task.done) {
            // Told after the thread counts as idle, so a caller that goes on to hand over its
            // next tasks finds this thread instead of starting another.
            lock.unlock();
            task.done();
            lock.lock();
        }
    }
}

} // namespace roundtable::util
