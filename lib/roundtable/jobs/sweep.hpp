// Corpus mode on the providers' batch APIs at any corpus size, in bounded memory:
// sweeps. A sweep runs every unfinished article's panel as far as the answers
// already known allow -- the reply cache, the failures given up on -- and
// writes the first call each seat still needs as a request line into a spool
// file per seat (split at the provider's limits) instead of holding the panel:
// the panel is dropped, and rebuilt from the cache at the next sweep. flush()
// then submits the spooled lines, streamed from their files into the upload
// or the create call, records every job in the journal, polls the jobs until
// they end and streams their results into the reply cache. The command runs
// sweeps until one spools nothing: round 1 of every article goes out in the
// first sweep, whatever the corpus size, and what stays in memory between
// sweeps is a few hundred bytes per request in flight.
//
// A request whose line came back errored or expired (the batch system's
// trouble) is spooled again at the next sweep, up to max_attempts
// submissions; then it is called synchronously (finish_sync) or its failure
// answers the panel. A reply that came back in a job answers the panel as a
// batch reply (billed at the batch price), though it is read from the cache.
//
// Sweeping needs the reply cache on every seat with a batch API (usable()).
//
// Thread-safety: run() may be called from many threads at once (the batch
// runner's workers); flush() and stats() only when no run() is in flight.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <roundtable/article/article.hpp>
#include <roundtable/http/client.hpp>
#include <roundtable/jobs/runner.hpp>
#include <roundtable/panel/card.hpp>
#include <roundtable/panel/pipeline.hpp>
#include <string>
#include <vector>

namespace roundtable::jobs {

class Sweeper {
public:
    // Returns whether every seat of `seats` that has a batch API has a reply cache (a
    // CachingProvider that reads and writes); never fails.
    static bool usable(const std::vector<panel::Seat>& seats, const panel::PanelOptions& options);

    // Prepares the sweeps, with spool files in a new folder under $TMPDIR (or /tmp); `seats`,
    // `options` and `transport` must outlive it. Throws Error(Exit::config) when the folder
    // cannot be made.
    Sweeper(const std::vector<panel::Seat>& seats, const panel::PanelOptions& options,
            http::Transport& transport, const RunnerOptions& runner);
    Sweeper(const Sweeper&) = delete;
    Sweeper& operator=(const Sweeper&) = delete;
    // Removes the spool folder; never fails.
    ~Sweeper();

    // Runs the panel of article `id` as far as the known answers allow; returns its card, or
    // nullopt when it waits for requests now spooled (or already in a job). Throws Error
    // (Exit::quorum when too few seats answered, Exit::interrupted after Ctrl-C).
    std::optional<panel::Card> run(const std::string& id, const article::Article& article);

    // Submits what this sweep spooled, adopts recorded jobs that hold requests it needed,
    // polls every job until it ends and reads the results into the reply cache; returns how
    // many requests went out or were adopted (0: no article waits, the sweeps are done).
    // With RunnerOptions::detach it returns once the jobs are submitted and recorded
    // (detached() turns true). Throws Error(Exit::interrupted) on Ctrl-C while polling; a
    // failure to submit a job is reported (progress) and its requests count as trouble.
    std::size_t flush();

    // Returns whether flush() stopped after submitting (RunnerOptions::detach); never fails.
    bool detached() const;

    // Returns the counts so far; never fails.
    RunnerStats stats() const;

    // Returns the run's own folder (the spools'), where the command may keep files for the
    // run's length (fetched pages); it is removed with the Sweeper. Never fails.
    std::string folder() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace roundtable::jobs
