// The seats' batch machinery, shared by the two ways of driving panels through
// the providers' batch APIs (runner.hpp: panels held in memory; sweep.hpp:
// panels rebuilt from the reply cache at each sweep): one Client per seat
// with a batch API, the seat's limits, the submission and recording of a job,
// the polling of a set of jobs until they end, and the reading of a job's
// results into outcomes.
//
// Internal to jobs/. Not thread-safe but for key_of(), next_id() and
// line_for(), which sweeping workers call concurrently: the runner's (or the
// sweeper's) own thread uses the rest.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <roundtable/jobs/client.hpp>
#include <roundtable/jobs/limits.hpp>
#include <roundtable/jobs/runner.hpp>
#include <roundtable/jobs/wire.hpp>
#include <roundtable/providers/caching.hpp>
#include <roundtable/store/store.hpp>
#include <string>
#include <vector>

namespace roundtable::jobs {

// One request waiting in a job: whose call it is and what was asked (for a sweep, the
// request without its prompts: enough to parse the reply) under which cache key.
struct Pending {
    std::size_t slot = 0;
    std::size_t seat = 0;
    providers::Request request;
    std::string key;
};

struct Job {
    std::size_t seat = 0;
    std::int64_t row = 0; // in the journal; 0: not recorded
    bool adopted = false; // recorded by an earlier process, taken over here
    JobStatus status;
    std::map<std::string, Pending> requests; // by custom id
};

// Returns whether a failed line is the batch system's doing (worth submitting again) rather
// than the model's answer: no response at all, or a 429 / 5xx inside the line. Never fails.
bool batch_trouble(const ResultLine& line);

// Throws Error(Exit::interrupted) when an abort was requested.
void check_abort();

class Fleet {
public:
    // Makes the clients of `seats` (none for the offline panel or a seat without a batch API);
    // `seats` and `transport` must outlive it. Never fails.
    Fleet(const std::vector<panel::Seat>& seats, const panel::PanelOptions& options,
          http::Transport& transport, RunnerOptions runner);

    RunnerStats stats;

    const RunnerOptions& runner() const { return m_runner; }
    const std::vector<panel::Seat>& seats() const { return m_seats; }

    // Returns whether `seat` has a batch API here; never fails.
    bool batched(std::size_t seat) const { return m_clients[seat] != nullptr; }

    // Returns the seat's reply cache, or null when its replies are not cached; never fails.
    providers::CachingProvider* cache(std::size_t seat) const { return m_caches[seat]; }

    // Returns the limits of one job of `seat` (the provider's, or tighter ones the runner set).
    const Limits& limits(std::size_t seat) const { return m_limits[seat]; }

    // Returns the cache key of `request` on `seat`, "" when the seat is not cached.
    std::string key_of(std::size_t seat, const providers::Request& request) const;

    // Returns the next unused custom id for a line of `seat` for article number `article`.
    std::string next_id(std::size_t article, std::size_t seat);

    // Returns the request line of `request` on `seat` under `id`; never fails.
    std::string line_for(std::size_t seat, const std::string& id,
                         const providers::Request& request) const;

    // Submits `job` (its requests already in place) from `lines` or, when `lines` is empty, the
    // spool file `path`; on success records it in the journal with `recorded`, reports it and
    // returns true; on failure reports why and returns the Failure.
    std::expected<void, providers::Failure>
    submit(Job& job, const std::vector<std::string>& lines, const std::string& path,
           const std::vector<store::BatchRequest>& recorded);

    // Polls every job that has not ended, every `runner().poll`, until all have ended; throws
    // Error(Exit::interrupted) on Ctrl-C.
    void wait(std::vector<Job>& jobs);

    // Reads the results of the ended `job`, handing each of its requests to `each` with its
    // outcome and whether a failure is the batch system's trouble (worth submitting again): a
    // request with no result line comes as a "missing" trouble. Marks the job collected in the
    // journal. Never fails (a failed download leaves every request missing).
    void
    collect(Job& job,
            const std::function<void(Pending&, std::expected<providers::Reply, providers::Failure>,
                                     bool trouble)>& each);

    // Hands a one-line message to the runner's progress sink, if any; never fails.
    void progress(const std::string& line) const;

private:
    void report(const Job& job) const;

    const std::vector<panel::Seat>& m_seats;
    RunnerOptions m_runner;
    std::vector<std::unique_ptr<providers::Codec>> m_codecs;
    std::vector<std::optional<Protocol>> m_protocols;
    std::vector<std::unique_ptr<Client>> m_clients;
    std::vector<Limits> m_limits;
    std::vector<providers::CachingProvider*> m_caches; // null: the seat's replies are not cached
    std::atomic<std::size_t> m_next_id{0};
};

} // namespace roundtable::jobs
