// The SQLite database of DESIGN §8: a reply cache keyed by a hash of what was
// asked of which model, a log of every card produced (`roundtable logs`), and
// the provider batch runs and jobs of `--provider-batch` (`roundtable jobs`;
// schema 4), which enforce() and clear() leave alone: a submitted job is never
// forgotten by a prune.
//
// A Store owns one SQLite connection, opened with SQLITE_OPEN_FULLMUTEX and
// guarded by a mutex of its own, so one Store may be shared by any number of
// threads (each multi-statement transaction holds the mutex). Several processes
// may open the same file at once: the database runs in WAL mode with a 10 s busy
// timeout, and writes use BEGIN IMMEDIATE with a retry on SQLITE_BUSY. A process
// killed mid-write (Ctrl-C, kill -9) loses at most the transaction in flight.
//
// Private: a folder the Store creates is made 0700 and the database file 0600
// whatever the umask; SQLite gives the WAL, shared-memory and journal files the
// database file's mode, and temporary tables stay in memory. A store found open
// to other users is reported (once per open) with the fix.
//
// Bounded: enforce() removes replies and cards past their age limits and, while
// the data is over the size cap, the oldest replies then the oldest cards; the
// database uses incremental auto-vacuum, so freed pages go back to the file
// system. A run calls it once at its end (Effort::incremental, a bounded amount of
// work that still outpaces what the run wrote); `roundtable cache prune` calls it
// with Effort::full.
//
// Self-healing: a file that is not a database or fails SQLite's checks (at
// open, on any statement, or in the weekly quick_check of enforce()) is moved
// aside as PATH.corrupt-<UTC time> with one notice, and a fresh database takes
// its place; errors of a read-only or full file system are reported as values
// and never move anything.
//
// The cache is best effort: a cache problem must never fail a card, so its
// reads give nullopt and its writes return the reason as a value; nothing here
// throws. Only successful replies belong in the cache -- storing a failure is a
// caller's bug, since a rerun would then repeat the failure without a call.
//
// The schema is versioned by PRAGMA user_version: store.cpp keeps one migration
// per version, run in order inside one write transaction. To add tables, append
// a migration and raise k_schema_version; an older roundtable refuses a newer file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::store {

// A provider's successful reply as kept in the cache.
struct CachedReply {
    std::string text;
    std::string model;
    std::string finish_reason;
    std::string request_id;
    std::int64_t input_tokens = 0;
    std::int64_t output_tokens = 0;
    std::int64_t cached_tokens = 0;
    std::int64_t cache_write_tokens = 0;
    std::int64_t created_at = 0;       // unix seconds
    std::int64_t reasoning_tokens = 0; // part of output_tokens
    std::int64_t billed_ticks = -1;    // the provider's own cost figure (1e-10 USD), -1: none

    bool operator==(const CachedReply&) const = default;
};

// One line of the card log.
struct CardLogEntry {
    std::int64_t row_id = 0; // assigned by log_card(); ignored when logging
    std::string id;          // the article id, or the SHA-256 of its text
    std::string title;
    std::string source;
    std::string stance; // "bullish", "split", ...
    std::string vote;   // "3-1", ...
    double cost_usd = 0.0;
    std::int64_t created_at = 0; // unix seconds
    std::string card_json;       // the full JSON card; empty in listings that leave it out

    bool operator==(const CardLogEntry&) const = default;
};

// Returns the time in unix seconds (the seam tests use to age entries).
using Clock = std::function<std::int64_t()>;

// Receives one-line notices: a damaged file moved aside, a store open to others.
using Notify = std::function<void(const std::string&)>;

// A `roundtable batch --provider-batch` run as recorded for `roundtable jobs` (issue 11).
struct BatchRun {
    std::string id;              // "20261130-143501-4f2a"
    std::int64_t created_at = 0; // unix seconds
    std::int64_t updated_at = 0;
    std::string state;   // running | interrupted | detached | done | canceled
    std::string options; // the batch command's inputs and options (JSON), to continue it

    bool operator==(const BatchRun&) const = default;
};

// One provider job of a run.
struct BatchJob {
    std::int64_t row_id = 0; // assigned by add_batch_job()
    std::string run_id;
    std::string seat;
    std::string provider;
    std::string base_url;
    std::string job_id;     // the provider's id (batch_..., msgbatch_..., batches/...)
    int pass = 0;           // the runner's pass that submitted it, from 1
    std::string state;      // the provider's own word
    bool ended = false;     // a final state at the provider
    bool collected = false; // its results were read into the reply cache and the panels
    std::int64_t requests = 0;
    std::int64_t succeeded = 0;
    std::int64_t failed = 0;
    std::int64_t submitted_at = 0;
    std::int64_t updated_at = 0;

    bool operator==(const BatchJob&) const = default;
};

// One request line of a job: its custom id and the reply-cache key of the request.
struct BatchRequest {
    std::int64_t job_row = 0;
    std::string custom_id;
    std::string cache_key;

    bool operator==(const BatchRequest&) const = default;
};

// How much a store may keep; 0 means no limit.
struct Limits {
    std::int64_t max_bytes = 1024LL * 1024 * 1024; // data in the database (cache_max_mb)
    std::int64_t reply_max_age_s = 30LL * 86400;   // replies (cache_max_age_days)
    std::int64_t card_max_age_s = 90LL * 86400;    // logged cards (log_max_age_days)
};

// How far enforce() goes: a bounded step at the end of a run, or all the way.
enum class Effort { incremental, full };

struct OpenOptions {
    Clock clock;                      // null: the system clock
    std::int64_t reply_max_age_s = 0; // get_reply() ignores older replies; 0: no limit
    Notify notify;                    // null: notices are dropped
    bool create = true;               // false: a missing file is an error, nothing is created
    bool check_integrity = false;     // run PRAGMA quick_check now (a failure heals the file)
    std::string vfs;                  // SQLite VFS name; empty: the default (tests inject faults)
};

// What `roundtable cache` shows.
struct Summary {
    std::string path;
    std::int64_t file_bytes = 0; // the database and WAL files on disk
    std::int64_t data_bytes = 0; // pages in use: what the size cap counts
    std::int64_t replies = 0;
    std::int64_t cards = 0;
    std::optional<std::int64_t> oldest_reply, newest_reply; // unix seconds
    std::optional<std::int64_t> oldest_card, newest_card;
};

// One run's use of the reply cache: lookups answered from it, and those that missed.
struct RunStats {
    std::int64_t at = 0; // unix seconds
    std::int64_t hits = 0;
    std::int64_t misses = 0;

    bool operator==(const RunStats&) const = default;
};

// What enforce() or clear() removed, and the files' size before and after.
struct PruneReport {
    std::int64_t replies_removed = 0;
    std::int64_t cards_removed = 0;
    std::int64_t file_bytes_before = 0;
    std::int64_t file_bytes_after = 0;
    bool complete = true; // false: an incremental step stopped with work left for the next run
};

class Store {
public:
    // The schema version kept in PRAGMA user_version.
    static constexpr int k_schema_version = 5;

    // Opens (creating it and its parent folders if needed, privately) the database at
    // `path`, switches it to WAL mode and creates or migrates the schema; a damaged
    // file is moved aside and replaced (with a notice). Returns an error naming the
    // path if the folder or file cannot be made or opened (a read-only or full file
    // system), the file is missing and `options.create` is false, or it was written by
    // a newer schema version.
    static std::expected<Store, std::string> open(const std::string& path,
                                                  const OpenOptions& options = {});

    // Returns $XDG_CACHE_HOME/roundtable/roundtable.db, else
    // $HOME/.cache/roundtable/roundtable.db, else a relative
    // ".cache/roundtable/roundtable.db" when neither variable is set.
    static std::string default_path();

    // Returns the one-line warning for a store at `path` whose folder or files other
    // users may read ("... open to other users ...; fix: chmod ..."), or nullopt when
    // it is private or missing; never fails.
    static std::optional<std::string> exposure_warning(const std::string& path);

    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;
    // Closes the connection; a moved-from Store holds none. Never fails.
    ~Store();

    // Returns the path the Store was opened with; never fails.
    const std::string& path() const;

    // Returns the Store's clock reading (unix seconds); never fails.
    std::int64_t now() const;

    // Returns the SHA-256 hex key of a request: the four fields are length-prefixed
    // before hashing, so no two different field lists give the same input. Never fails.
    static std::string cache_key(std::string_view provider, std::string_view model,
                                 std::string_view base_url, std::string_view request_body);

    // Returns the cached reply under `key`, or nullopt when there is none, it is older
    // than OpenOptions::reply_max_age_s, or the database cannot be read (a miss: the
    // caller makes the call).
    std::optional<CachedReply> get_reply(const std::string& key) const;

    // Stores `reply` under `key`, replacing any earlier one; returns the reason if
    // it cannot be written (to be shown as a warning, never as a card failure).
    std::expected<void, std::string> put_reply(const std::string& key, const CachedReply& reply);

    // Returns the number of cached replies, or 0 if the database cannot be read.
    std::size_t reply_count() const;

    // Removes every cached reply (the card log stays); returns the reason if it cannot.
    std::expected<void, std::string> clear_replies();

    // Appends `entry` (its row_id is ignored) to the card log and returns the new
    // row id; returns the reason if it cannot be written.
    std::expected<std::int64_t, std::string> log_card(const CardLogEntry& entry);

    // Returns up to `limit` logged cards, most recently logged first, with
    // card_json left empty unless `with_json`; returns the reason if the log
    // cannot be read.
    std::expected<std::vector<CardLogEntry>, std::string>
    recent_cards(std::size_t limit, bool with_json = false) const;

    // Finds one logged card (card_json included) by its row id (all digits), by its
    // exact id, or by a prefix of at least 6 characters of its id; when an id was
    // logged more than once the newest entry wins (an exact id beats longer ids it
    // is a prefix of). Returns "no card matches 'x'",
    // "'x' matches N cards; give more characters", or the database's reason.
    std::expected<CardLogEntry, std::string> find_card(const std::string& id_or_prefix) const;

    // Records one run's cache hits and misses at now() (the newest 100 runs are
    // kept); returns the reason if it cannot be written.
    std::expected<void, std::string> record_run(std::int64_t hits, std::int64_t misses);

    // Returns up to `limit` recorded runs, newest first; returns the reason if the
    // database cannot be read.
    std::expected<std::vector<RunStats>, std::string> recent_runs(std::size_t limit) const;

    // Returns the store's size, counts and ages; returns the reason if the database
    // cannot be read.
    std::expected<Summary, std::string> summary() const;

    // Removes replies and cards older than `limits` allow and then, oldest first
    // (replies before cards), whatever keeps the data over the size cap; returns
    // the freed pages to the file system and checkpoints the WAL. Effort::incremental
    // deletes at most 5,000 rows plus twice the rows this Store wrote and, once a week,
    // runs a quick_check (a failure heals the file). Returns the reason if the database
    // cannot be written.
    std::expected<PruneReport, std::string> enforce(const Limits& limits, Effort effort);

    // Removes every reply, card and run record and returns the space to the file
    // system; returns the reason if the database cannot be written.
    std::expected<PruneReport, std::string> clear();

    // Runs PRAGMA quick_check; a damaged file is moved aside and replaced (with a
    // notice) and the check's first complaint returned as the error.
    std::expected<void, std::string> check_integrity();

    // Records a new batch run (its id must be new); returns the reason if it cannot.
    std::expected<void, std::string> add_batch_run(const BatchRun& run);

    // Sets a run's state and updated time to now(); returns the reason if it cannot.
    std::expected<void, std::string> set_batch_run_state(const std::string& id,
                                                         const std::string& state);

    // Finds a run by its id or a prefix of it; returns "no batch run matches 'x'", "'x' matches
    // N runs; give more characters", or the database's reason.
    std::expected<BatchRun, std::string> find_batch_run(const std::string& id_or_prefix) const;

    // Returns up to `limit` runs, newest first; returns the reason if it cannot read them.
    std::expected<std::vector<BatchRun>, std::string> batch_runs(std::size_t limit) const;

    // Records a job the provider accepted, with its request lines, in one transaction;
    // returns its row id, or the reason if it cannot be written.
    std::expected<std::int64_t, std::string> add_batch_job(const BatchJob& job,
                                                           const std::vector<BatchRequest>& lines);

    // Stores a job's state, counts and collected flag (by row id; updated time now());
    // returns the reason if it cannot.
    std::expected<void, std::string> update_batch_job(const BatchJob& job);

    // Returns a run's jobs in submission order; returns the reason if it cannot read them.
    std::expected<std::vector<BatchJob>, std::string> batch_jobs(const std::string& run_id) const;

    // Returns the request lines of a run's jobs that are not collected; returns the reason if
    // it cannot read them.
    std::expected<std::vector<BatchRequest>, std::string>
    open_batch_requests(const std::string& run_id) const;

private:
    struct Impl;
    explicit Store(std::unique_ptr<Impl> impl);

    std::unique_ptr<Impl> m_impl;
};

} // namespace roundtable::store
