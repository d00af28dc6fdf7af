#include <condition_variable>
#include <cstdlib>
#include <fmt/format.h>
#include <future>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <roundtable/http/abort.hpp>
#include <roundtable/jobs/client.hpp>
#include <roundtable/jobs/fleet.hpp>
#include <roundtable/jobs/journal.hpp>
#include <roundtable/jobs/limits.hpp>
#include <roundtable/jobs/runner.hpp>
#include <roundtable/jobs/wire.hpp>
#include <roundtable/providers/caching.hpp>
#include <roundtable/util/error.hpp>
#include <thread>

namespace roundtable::jobs {

// One pass of the runner over a set of panels held in memory.
class Engine {
public:
    struct Slot {
        panel::PanelRun* run = nullptr;
        std::vector<int>* attempts = nullptr; // per seat: submissions of its current call
        std::size_t index = 0;                // the article's index, for request ids
    };

    Engine(const std::vector<panel::Seat>& seats, const panel::PanelOptions& options,
           http::Transport& transport, RunnerOptions runner)
        : m_fleet(seats, options, transport, std::move(runner)) {}

    const RunnerStats& stats() const { return m_fleet.stats; }

    // Gathers the call every slot's seats have to make now, answers the cached and the
    // synchronous ones, submits the rest as jobs (split at the limits), polls them until they
    // end and answers the slots from the results. Throws Error(Exit::interrupted) on Ctrl-C.
    void pass(const std::vector<Slot>& slots) {
        check_abort();
        ++m_fleet.stats.passes;
        const auto& seats = m_fleet.seats();
        std::vector<std::vector<Pending>> wanted(seats.size());
        std::map<std::int64_t, Job> adopted; // recorded jobs taken over, by journal row
        for (std::size_t k = 0; k < slots.size(); ++k) {
            panel::PanelRun& run = *slots[k].run;
            for (std::size_t s : run.active_seats()) {
                auto request = run.next_call(s);
                if (!request) {
                    continue;
                }
                std::string key = m_fleet.key_of(s, *request); // "" when not cached
                if (auto* cache = m_fleet.cache(s)) {
                    if (auto hit = cache->lookup(key)) {
                        answer(slots, {k, s, {}, {}}, std::move(*hit));
                        continue;
                    }
                }
                if (!m_fleet.batched(s)) { // no batch API for this seat: call it now
                    ++m_fleet.stats.sync_calls;
                    answer(slots, {k, s, {}, {}}, seats[s].provider->complete(*request));
                    continue;
                }
                Pending p{k, s, std::move(*request), std::move(key)};
                if (!adopt(slots, adopted, p)) {
                    wanted[s].push_back(std::move(p));
                }
            }
        }
        std::vector<Job> jobs = submit(slots, wanted);
        if (m_fleet.runner().detach && !jobs.empty()) {
            throw Error(Exit::interrupted, "detached");
        }
        for (auto& [row, job] : adopted) {
            jobs.push_back(std::move(job));
        }
        m_fleet.wait(jobs);
        for (auto& job : jobs) {
            m_fleet.collect(job, [&](Pending& p, auto result, bool trouble) {
                if (trouble) {
                    give_up(slots, p, std::move(result));
                    return;
                }
                if (result && m_fleet.cache(p.seat)) { // reruns and sync runs find it
                    m_fleet.cache(p.seat)->remember(p.request, *result);
                }
                answer(slots, p, std::move(result));
            });
        }
    }

private:
    // Puts `p` into the recorded job that already holds its request (journal.hpp), if any;
    // returns whether it did.
    bool adopt(const std::vector<Slot>& slots, std::map<std::int64_t, Job>& adopted, Pending& p) {
        Journal* journal = m_fleet.runner().journal;
        if (!journal || p.key.empty()) {
            return false;
        }
        auto line = journal->adopt(p.key);
        if (!line) {
            return false;
        }
        Job& job = adopted[line->row];
        job.seat = p.seat;
        job.row = line->row;
        job.adopted = true;
        job.status.id = line->job_id;
        ++(*slots[p.slot].attempts)[p.seat];
        job.requests.emplace(line->custom_id, std::move(p));
        return true;
    }

    void answer(const std::vector<Slot>& slots, const Pending& p,
                std::expected<providers::Reply, providers::Failure> outcome) {
        (*slots[p.slot].attempts)[p.seat] = 0;
        slots[p.slot].run->answer(p.seat, std::move(outcome));
    }

    void give_up(const std::vector<Slot>& slots, Pending& p,
                 std::expected<providers::Reply, providers::Failure> outcome) {
        ++m_fleet.stats.failed_lines;
        if ((*slots[p.slot].attempts)[p.seat] < m_fleet.runner().max_attempts) {
            ++m_fleet.stats.resubmitted; // asked again in the next pass
            return;
        }
        if (m_fleet.runner().finish_sync) {
            ++m_fleet.stats.sync_calls;
            answer(slots, p, m_fleet.seats()[p.seat].provider->complete(p.request));
            return;
        }
        answer(slots, p, std::move(outcome));
    }

    std::vector<Job> submit(const std::vector<Slot>& slots,
                            std::vector<std::vector<Pending>>& wanted) {
        std::vector<Job> jobs;
        for (std::size_t s = 0; s < wanted.size(); ++s) {
            const Limits& limits = m_fleet.limits(s);
            std::size_t k = 0;
            while (k < wanted[s].size() && !http::abort_requested()) {
                Job job;
                job.seat = s;
                std::vector<std::string> lines;
                std::size_t bytes = 0;
                std::vector<store::BatchRequest> recorded;
                while (k < wanted[s].size() && lines.size() < limits.max_requests) {
                    Pending& p = wanted[s][k];
                    const std::string id = m_fleet.next_id(slots[p.slot].index, s);
                    std::string line = m_fleet.line_for(s, id, p.request);
                    if (!lines.empty() && bytes + line.size() + 1 > limits.max_bytes) {
                        break;
                    }
                    bytes += line.size() + 1;
                    lines.push_back(std::move(line));
                    ++(*slots[p.slot].attempts)[p.seat];
                    if (m_fleet.runner().journal) {
                        recorded.push_back({0, id, p.key});
                    }
                    job.requests.emplace(id, std::move(p));
                    ++k;
                }
                auto submitted = m_fleet.submit(job, lines, "", recorded);
                if (!submitted) {
                    for (auto& [id, p] : job.requests) { // the job never started
                        give_up(slots, p, std::unexpected(submitted.error()));
                    }
                    continue;
                }
                jobs.push_back(std::move(job));
            }
        }
        return jobs;
    }

    Fleet m_fleet;
};

namespace {

// Advances `run` through every settled stage; returns its card when done, nullopt while it
// waits for calls. Throws Error when the panel fails (quorum).
std::optional<panel::Card> settle(panel::PanelRun& run) {
    while (run.stage() != panel::PanelRun::Stage::done && run.stage_settled()) {
        run.advance();
    }
    if (run.stage() == panel::PanelRun::Stage::done) {
        return run.take_card();
    }
    return std::nullopt;
}

} // namespace

RunnerStats run_batch_panels(const std::vector<article::Article>& articles,
                             const std::vector<panel::Seat>& seats,
                             const panel::PanelOptions& options, http::Transport& transport,
                             const RunnerOptions& runner,
                             const std::function<void(ArticleResult)>& done) {
    Engine engine(seats, options, transport, runner);
    std::vector<std::unique_ptr<panel::PanelRun>> runs;
    std::vector<std::vector<int>> attempts(articles.size(), std::vector<int>(seats.size(), 0));
    for (const auto& article : articles) {
        runs.push_back(std::make_unique<panel::PanelRun>(article, seats, options));
    }
    for (;;) {
        std::vector<Engine::Slot> slots;
        for (std::size_t i = 0; i < runs.size(); ++i) {
            if (runs[i]) {
                slots.push_back({runs[i].get(), &attempts[i], i});
            }
        }
        if (slots.empty()) {
            break;
        }
        engine.pass(slots);
        for (const auto& slot : slots) {
            auto& run = runs[slot.index];
            try {
                if (auto card = settle(*run)) {
                    run.reset();
                    done({slot.index, std::move(*card), ""});
                }
            } catch (const Error& e) {
                run.reset();
                done({slot.index, std::nullopt, e.what()});
            }
        }
    }
    return engine.stats();
}

struct Broker::Impl {
    const std::vector<panel::Seat>& seats;
    const panel::PanelOptions& options;
    Engine engine;
    std::chrono::milliseconds gather;
    std::size_t capacity;

    struct Entry {
        std::unique_ptr<panel::PanelRun> run;
        std::vector<int> attempts;
        std::promise<panel::Card> promise;
        std::size_t index = 0;
    };
    std::mutex mutex;
    std::condition_variable cv;
    std::list<Entry> entries;
    std::size_t next_index = 0;
    bool stopping = false;
    std::exception_ptr failed; // once a pass threw (Ctrl-C), every run throws it
    std::thread thread;

    Impl(const std::vector<panel::Seat>& s, const panel::PanelOptions& o, http::Transport& t,
         const RunnerOptions& r, std::chrono::milliseconds g, std::size_t c)
        : seats(s), options(o), engine(s, o, t, r), gather(g),
          capacity(std::max<std::size_t>(1, c)) {}

    void loop() {
        std::unique_lock lock(mutex);
        for (;;) {
            cv.wait(lock, [&] { return stopping || !entries.empty(); });
            if (entries.empty()) {
                return; // stopping
            }
            // Let the panels that are starting join this pass: wait until none arrived for
            // `gather`, or capacity panels wait.
            for (std::size_t seen = entries.size(); !stopping && entries.size() < capacity;) {
                cv.wait_for(lock, gather);
                if (entries.size() == seen) {
                    break;
                }
                seen = entries.size();
            }
            std::vector<Engine::Slot> slots;
            std::vector<std::list<Entry>::iterator> taken;
            for (auto it = entries.begin(); it != entries.end(); ++it) {
                slots.push_back({it->run.get(), &it->attempts, it->index});
                taken.push_back(it);
            }
            lock.unlock();
            std::exception_ptr error;
            try {
                engine.pass(slots);
            } catch (...) {
                error = std::current_exception();
            }
            lock.lock();
            if (error) {
                failed = error;
                for (auto& entry : entries) {
                    entry.promise.set_exception(error);
                }
                entries.clear();
                continue;
            }
            for (auto it : taken) {
                try {
                    if (auto card = settle(*it->run)) {
                        it->promise.set_value(std::move(*card));
                        entries.erase(it);
                    }
                } catch (...) {
                    it->promise.set_exception(std::current_exception());
                    entries.erase(it);
                }
            }
        }
    }
};

Broker::Broker(const std::vector<panel::Seat>& seats, const panel::PanelOptions& options,
               http::Transport& transport, const RunnerOptions& runner,
               std::chrono::milliseconds gather, std::size_t capacity)
    : m_impl(std::make_unique<Impl>(seats, options, transport, runner, gather, capacity)) {
    m_impl->thread = std::thread([impl = m_impl.get()] { impl->loop(); });
}

Broker::~Broker() {
    {
        std::lock_guard lock(m_impl->mutex);
        m_impl->stopping = true;
    }
    m_impl->cv.notify_all();
    m_impl->thread.join();
}

panel::Card Broker::run(const article::Article& article) {
    std::future<panel::Card> future;
    {
        std::lock_guard lock(m_impl->mutex);
        if (m_impl->failed) {
            std::rethrow_exception(m_impl->failed);
        }
        Impl::Entry entry;
        entry.run = std::make_unique<panel::PanelRun>(article, m_impl->seats, m_impl->options);
        entry.attempts.assign(m_impl->seats.size(), 0);
        entry.index = m_impl->next_index++;
        future = entry.promise.get_future();
        m_impl->entries.push_back(std::move(entry));
    }
    m_impl->cv.notify_all();
    return future.get();
}

RunnerStats Broker::stats() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->engine.stats();
}

} // namespace roundtable::jobs
