// The record of a `--provider-batch` run in the store (issue 11), so that nothing
// submitted is lost: the run and its options, every job the moment its provider
// accepts it (with each request line's custom id and reply-cache key), the jobs'
// states as they are polled, and which jobs were collected. A later process
// resumes the journal (`roundtable jobs collect RUN`) and adopts a recorded job
// for a request it would otherwise submit again: the same request has the same
// cache key.
//
// The journal never fails a run: a store error is kept as a warning (the first
// one) and recording goes on without it. Not thread-safe: the runner's thread
// uses it while the runner runs, the command after.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <optional>
#include <roundtable/jobs/client.hpp>
#include <roundtable/providers/seat_config.hpp>
#include <roundtable/store/store.hpp>
#include <string>
#include <vector>

namespace roundtable::jobs {

// A recorded job's line that a request may take over instead of a new submission.
struct Adoption {
    std::int64_t row = 0;
    std::string job_id;
    std::string custom_id;
};

class Journal {
public:
    // Records a new run with `options` (JSON) in `store`, state "running"; returns the reason
    // if the store cannot write it.
    static std::expected<Journal, std::string> start(std::shared_ptr<store::Store> store,
                                                     const std::string& options);

    // Reopens the run `run_id` (an id or its prefix) to continue it, with its open request
    // lines ready for adoption; returns the store's reason ("no batch run matches ...").
    static std::expected<Journal, std::string> resume(std::shared_ptr<store::Store> store,
                                                      const std::string& run_id);

    // Returns the run's id; never fails.
    const std::string& run_id() const { return m_run.id; }

    // Records a job `seat` had accepted in `pass`, with its lines; returns its row (0 when it
    // could not be written: a warning).
    std::int64_t submitted(const providers::SeatConfig& seat, const JobStatus& status, int pass,
                           const std::vector<store::BatchRequest>& lines);

    // Records a job's new status; never fails (a store error is a warning).
    void polled(std::int64_t row, const JobStatus& status);

    // Records that a job's results were read; never fails.
    void collected(std::int64_t row);

    // Returns the recorded line a request with `cache_key` was sent in, if its job is not
    // collected, and takes it off the list (one adoption per line); never fails.
    std::optional<Adoption> adopt(const std::string& cache_key);

    // Returns how many adopted-to-be lines of job `row` are still unclaimed; never fails.
    std::size_t unclaimed(std::int64_t row) const;

    // Sets the run's state ("done", "interrupted", "detached", "canceled"); with "done" every
    // job is marked collected. Never fails.
    void finish(const std::string& state);

    // Returns how many of the run's jobs have not ended at their providers; never fails.
    std::size_t running() const;

    // Returns the first store error met, or "" ; never fails.
    const std::string& warning() const { return m_warning; }

private:
    Journal(std::shared_ptr<store::Store> store, store::BatchRun run)
        : m_store(std::move(store)), m_run(std::move(run)) {}
    void note(const std::expected<void, std::string>& result);

    std::shared_ptr<store::Store> m_store;
    store::BatchRun m_run;
    std::map<std::int64_t, store::BatchJob> m_jobs;  // by row
    std::map<std::string, Adoption> m_open;          // by cache key
    std::map<std::int64_t, std::size_t> m_unclaimed; // open lines per job row
    std::string m_warning;
};

// Returns a new run id: the UTC time and four random hex digits ("20261130-143501-4f2a");
// never fails.
std::string new_run_id();

} // namespace roundtable::jobs
