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
#include <roundtable/jobs/journal.hpp>
#include <roundtable/jobs/limits.hpp>
#include <roundtable/jobs/runner.hpp>
#include <roundtable/jobs/wire.hpp>
#include <roundtable/providers/caching.hpp>
#include <roundtable/util/error.hpp>
#include <thread>

namespace roundtable::jobs {

namespace {

// One request waiting in a job: whose call it is and what was asked.
struct Pending {
    std::size_t slot = 0;
    std::size_t seat = 0;
    providers::Request request;
};

struct Job {
    std::size_t seat = 0;
    std::int64_t row = 0; // in the journal; 0: not recorded
    bool adopted = false; // recorded by an earlier process, taken over here
    JobStatus status;
    std::map<std::string, Pending> requests; // by custom id
};

// Returns whether a failed line is the batch system's doing (worth submitting again) rather
// than the model's answer: no response at all, or a 429 / 5xx inside the line.
bool batch_trouble(const ResultLine& line) {
    return !line.response || line.response->status == 429 || line.response->status >= 500;
}

void sleep_unless_aborted(std::chrono::milliseconds total) {
    const auto step = std::chrono::milliseconds(20);
    for (auto slept = std::chrono::milliseconds(0); slept < total; slept += step) {
        if (http::abort_requested()) {
            return;
        }
        std::this_thread::sleep_for(std::min(step, total - slept));
    }
}

void check_abort() {
    if (http::abort_requested()) {
        throw Error(Exit::interrupted, "interrupted");
    }
}

} // namespace

// The seats' batch machinery and one pass of the runner over a set of panels.
class Engine {
public:
    struct Slot {
        panel::PanelRun* run = nullptr;
        std::vector<int>* attempts = nullptr; // per seat: submissions of its current call
        std::size_t index = 0;                // the article's index, for request ids
    };

    Engine(const std::vector<panel::Seat>& seats, const panel::PanelOptions& options,
           http::Transport& transport, RunnerOptions runner)
        : m_seats(seats), m_runner(std::move(runner)) {
        for (const auto& seat : seats) {
            m_codecs.push_back(providers::make_codec(seat.config.provider));
            m_protocols.push_back(m_codecs.back() && !options.offline
                                      ? protocol_of(seat.config.provider)
                                      : std::nullopt);
            std::string key;
            if (m_runner.api_key) {
                key = m_runner.api_key(seat.config);
            } else if (!seat.config.api_key_env.empty()) {
                const char* value = std::getenv(seat.config.api_key_env.c_str());
                key = value ? value : "";
            }
            m_clients.push_back(
                m_protocols.back() ? std::make_unique<Client>(*m_protocols.back(), *m_codecs.back(),
                                                              seat.config, key, transport)
                                   : nullptr);
            Limits l = limits_of(seat.config.provider);
            if (m_runner.max_requests > 0) {
                l.max_requests = std::min(l.max_requests, m_runner.max_requests);
            }
            if (m_runner.max_bytes > 0) {
                l.max_bytes = std::min(l.max_bytes, m_runner.max_bytes);
            }
            m_limits.push_back(l);
            m_caches.push_back(dynamic_cast<providers::CachingProvider*>(seat.provider.get()));
        }
    }

    RunnerStats stats;

    // Gathers the call every slot's seats have to make now, answers the cached and the
    // synchronous ones, submits the rest as jobs (split at the limits), polls them until they
    // end and answers the slots from the results. Throws Error(Exit::interrupted) on Ctrl-C.
    void pass(const std::vector<Slot>& slots) {
        check_abort();
        ++stats.passes;
        std::vector<std::vector<Pending>> wanted(m_seats.size());
        std::map<std::int64_t, Job> adopted; // recorded jobs taken over, by journal row
        for (std::size_t k = 0; k < slots.size(); ++k) {
            panel::PanelRun& run = *slots[k].run;
            for (std::size_t s : run.active_seats()) {
                auto request = run.next_call(s);
                if (!request) {
                    continue;
                }
                if (m_caches[s]) {
                    if (auto hit = m_caches[s]->lookup(*request)) {
                        answer(slots, {k, s, {}}, std::move(*hit));
                        continue;
                    }
                }
                if (!m_clients[s]) { // no batch API for this seat: call it now
                    ++stats.sync_calls;
                    answer(slots, {k, s, {}}, m_seats[s].provider->complete(*request));
                    continue;
                }
                Pending p{k, s, std::move(*request)};
                if (!adopt(slots, adopted, p)) {
                    wanted[s].push_back(std::move(p));
                }
            }
        }
        std::vector<Job> jobs = submit(slots, wanted);
        if (m_runner.detach && !jobs.empty()) {
            throw Error(Exit::interrupted, "detached");
        }
        for (auto& [row, job] : adopted) {
            jobs.push_back(std::move(job));
        }
        wait(jobs);
        for (auto& job : jobs) {
            collect(slots, job);
        }
    }

private:
    std::string key_of(std::size_t seat, const providers::Request& request) const {
        return m_caches[seat] ? m_caches[seat]->key_for(request) : std::string();
    }

    // Puts `p` into the recorded job that already holds its request (journal.hpp), if any;
    // returns whether it did.
    bool adopt(const std::vector<Slot>& slots, std::map<std::int64_t, Job>& adopted, Pending& p) {
        if (!m_runner.journal || !m_caches[p.seat]) {
            return false;
        }
        auto line = m_runner.journal->adopt(key_of(p.seat, p.request));
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
        ++stats.failed_lines;
        if ((*slots[p.slot].attempts)[p.seat] < m_runner.max_attempts) {
            ++stats.resubmitted; // asked again in the next pass
            return;
        }
        if (m_runner.finish_sync) {
            ++stats.sync_calls;
            answer(slots, p, m_seats[p.seat].provider->complete(p.request));
            return;
        }
        answer(slots, p, std::move(outcome));
    }

    std::vector<Job> submit(const std::vector<Slot>& slots,
                            std::vector<std::vector<Pending>>& wanted) {
        std::vector<Job> jobs;
        for (std::size_t s = 0; s < m_seats.size(); ++s) {
            std::size_t k = 0;
            while (k < wanted[s].size()) {
                Job job;
                job.seat = s;
                std::vector<std::string> lines;
                std::size_t bytes = 0;
                std::vector<store::BatchRequest> recorded;
                while (k < wanted[s].size() && lines.size() < m_limits[s].max_requests) {
                    Pending& p = wanted[s][k];
                    const std::string id =
                        fmt::format("rt{}-a{}-s{}", m_next_id, slots[p.slot].index, p.seat);
                    std::string line = request_line(*m_protocols[s], *m_codecs[s], id, p.request,
                                                    m_seats[s].config);
                    if (!lines.empty() && bytes + line.size() + 1 > m_limits[s].max_bytes) {
                        break;
                    }
                    ++m_next_id;
                    bytes += line.size() + 1;
                    lines.push_back(std::move(line));
                    ++(*slots[p.slot].attempts)[p.seat];
                    if (m_runner.journal) {
                        recorded.push_back({0, id, key_of(s, p.request)});
                    }
                    job.requests.emplace(id, std::move(p));
                    ++k;
                }
                auto submitted = m_clients[s]->submit(lines, "roundtable");
                if (!submitted) {
                    for (auto& [id, p] : job.requests) { // the job never started
                        give_up(slots, p, std::unexpected(submitted.error()));
                    }
                    progress(fmt::format("{} job not submitted: {}", m_seats[s].config.provider,
                                         submitted.error().describe()));
                    continue;
                }
                ++stats.jobs;
                job.status = *submitted;
                if (m_runner.journal) { // recorded before any poll: Ctrl-C loses nothing
                    job.row = m_runner.journal->submitted(m_seats[s].config, job.status,
                                                          stats.passes, recorded);
                }
                progress(fmt::format("{} job {}: {} ({} requests)", m_seats[s].config.provider,
                                     job.status.id, job.status.state, job.requests.size()));
                report(job);
                jobs.push_back(std::move(job));
            }
        }
        return jobs;
    }

    void wait(std::vector<Job>& jobs) {
        while (
            std::any_of(jobs.begin(), jobs.end(), [](const Job& j) { return !j.status.ended; })) {
            sleep_unless_aborted(m_runner.poll);
            check_abort();
            for (auto& job : jobs) {
                if (job.status.ended) {
                    continue;
                }
                auto next = m_clients[job.seat]->poll(job.status.id);
                if (!next) {
                    continue; // a failed poll is tried again at the next interval
                }
                const bool changed = next->state != job.status.state ||
                                     next->succeeded != job.status.succeeded ||
                                     next->failed != job.status.failed;
                if (next->state != job.status.state) {
                    progress(fmt::format("{} job {}: {} {}/{}", m_seats[job.seat].config.provider,
                                         next->id, next->state, next->succeeded + next->failed,
                                         job.requests.size()));
                }
                job.status = std::move(*next);
                if (changed && m_runner.journal && job.row != 0) {
                    m_runner.journal->polled(job.row, job.status);
                }
                report(job);
            }
        }
    }

    void collect(const std::vector<Slot>& slots, Job& job) {
        const std::size_t s = job.seat;
        auto read = m_clients[s]->results(job.status, [&](std::string_view text) {
            auto line = read_result(*m_protocols[s], text);
            if (!line) {
                return;
            }
            auto it = job.requests.find(line->id);
            if (it == job.requests.end()) {
                return;
            }
            Pending p = std::move(it->second);
            job.requests.erase(it);
            auto result = outcome(*m_codecs[s], *line, p.request, m_seats[s].config);
            if (!result && batch_trouble(*line)) {
                give_up(slots, p, std::move(result));
                return;
            }
            if (result && m_caches[s]) {
                m_caches[s]->remember(p.request, *result); // reruns and sync runs find it
            }
            answer(slots, p, std::move(result));
        });
        (void)read; // a failed download leaves its requests to the loop below
        for (auto& [id, p] : job.requests) { // asked but not in the results
            providers::Failure f;
            f.provider = m_seats[s].config.provider;
            f.type = "missing";
            f.message = fmt::format("batch job {} ({}) returned no result for {}", job.status.id,
                                    job.status.state, id);
            f.batch = true;
            give_up(slots, p, std::unexpected(std::move(f)));
        }
        // A job of this process is done with; an adopted one once no recorded line is left.
        if (m_runner.journal && job.row != 0 &&
            (!job.adopted || m_runner.journal->unclaimed(job.row) == 0)) {
            m_runner.journal->collected(job.row);
        }
    }

    void report(const Job& job) const {
        if (m_runner.on_job) {
            m_runner.on_job({m_seats[job.seat].config.provider, job.status.id, job.status.state,
                             job.status.ended, job.status.succeeded + job.status.failed,
                             static_cast<std::int64_t>(job.requests.size())});
        }
    }

    void progress(const std::string& line) const {
        if (m_runner.progress) {
            m_runner.progress(line);
        }
    }

    const std::vector<panel::Seat>& m_seats;
    RunnerOptions m_runner;
    std::vector<std::unique_ptr<providers::Codec>> m_codecs;
    std::vector<std::optional<Protocol>> m_protocols;
    std::vector<std::unique_ptr<Client>> m_clients;
    std::vector<Limits> m_limits;
    std::vector<providers::CachingProvider*> m_caches; // null: the seat's replies are not cached
    std::size_t m_next_id = 0;
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
    return engine.stats;
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
    return m_impl->engine.stats;
}

} // namespace roundtable::jobs
