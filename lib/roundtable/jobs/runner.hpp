// Corpus mode on the providers' batch APIs: many panels driven through batch
// jobs instead of synchronous calls. Every article is a panel::PanelRun; each
// pass gathers the call every article's seats have to make now (round 1 for
// new articles, a rebuttal for those whose takes are in, a chair, a repair or a
// budget retry), submits them as one job per seat (split at the provider's
// limits, data/batch.toml), polls the jobs, and answers each run from the
// result lines (wire.hpp), so articles advance independently, stage by stage.
// A request that came back errored or expired is submitted again in the next
// pass, up to max_attempts, then answered synchronously (finish_sync) or as the
// failure it was. A card is handed over the moment its run is done.
//
// Not thread-safe: one runner per thread. Seats' synchronous providers are used
// only for finish_sync and for seats whose provider has no batch API.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <roundtable/article/article.hpp>
#include <roundtable/http/client.hpp>
#include <roundtable/panel/card.hpp>
#include <roundtable/panel/pipeline.hpp>
#include <string>
#include <vector>

namespace roundtable::jobs {

class Journal;

// A job's state as last seen, for a display (commands/batch_progress.hpp).
struct JobEvent {
    std::string provider;
    std::string id;    // the provider's job id
    std::string state; // the provider's own word
    bool ended = false;
    std::int64_t done = 0; // succeeded + failed
    std::int64_t requests = 0;
};

struct RunnerOptions {
    std::chrono::milliseconds poll{30'000}; // between polls of a running job
    int max_attempts = 2;                   // batch submissions of one request
    bool finish_sync = false;               // a request still failing goes synchronously
    std::size_t max_requests = 0;           // per job; 0: the provider's limit
    std::size_t max_bytes = 0;              // per job; 0: the provider's limit
    // Returns the API key of a seat (from its api_key_env); the default reads the environment.
    std::function<std::string(const providers::SeatConfig&)> api_key;
    // Receives one line per job state change ("openai job batch_1: in_progress 0/40").
    std::function<void(const std::string&)> progress;
    // Records every job in the store and adopts a recorded job's lines (journal.hpp); null:
    // nothing recorded. Used on the runner's thread only; must outlive the runner.
    Journal* journal = nullptr;
    // Stops after the first pass that submitted a job: throws Error(Exit::interrupted,
    // "detached") once those jobs are recorded (--detach).
    bool detach = false;
    // Receives each job's state at submission and at every poll; may be empty.
    std::function<void(const JobEvent&)> on_job;
};

// What became of one article: its card, or why it has none.
struct ArticleResult {
    std::size_t index = 0;
    std::optional<panel::Card> card;
    std::string error;
};

struct RunnerStats {
    int jobs = 0;         // jobs submitted
    int passes = 0;       // rounds of submission
    int resubmitted = 0;  // requests submitted again after an errored or expired line
    int sync_calls = 0;   // requests answered synchronously
    int failed_lines = 0; // errored, expired or canceled lines seen
};

// Runs the panel over every article through the seats' batch APIs, handing each article's
// result to `done` as soon as it is known; returns the counts. Throws Error(Exit::interrupted)
// when an abort was requested between polls (jobs already submitted keep running).
RunnerStats run_batch_panels(const std::vector<article::Article>& articles,
                             const std::vector<panel::Seat>& seats,
                             const panel::PanelOptions& options, http::Transport& transport,
                             const RunnerOptions& runner,
                             const std::function<void(ArticleResult)>& done);

// The runner for panels that start one by one on other threads (batch/runner.hpp's workers):
// run() hands the article's panel to the broker's thread and blocks until its card is built.
// The broker's thread runs the passes; a pass takes every panel waiting at its start, after
// letting newcomers gather for `gather` (or until `capacity` panels wait).
//
// Thread-safe: run() may be called from many threads at once.
class Broker {
public:
    // Starts the broker's thread; `seats`, `options` and `transport` must outlive it. Never
    // fails.
    Broker(const std::vector<panel::Seat>& seats, const panel::PanelOptions& options,
           http::Transport& transport, const RunnerOptions& runner,
           std::chrono::milliseconds gather = std::chrono::milliseconds(200),
           std::size_t capacity = 256);
    Broker(const Broker&) = delete;
    Broker& operator=(const Broker&) = delete;
    // Stops the thread once no panel waits; never fails.
    ~Broker();

    // Runs the panel over `article` through the batch APIs and returns its card; throws Error
    // (Exit::quorum when too few seats answered, Exit::interrupted after Ctrl-C; every later
    // run() throws that too).
    panel::Card run(const article::Article& article);

    // Returns the counts so far; call it when no run() is in flight. Never fails.
    RunnerStats stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace roundtable::jobs
