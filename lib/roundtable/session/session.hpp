// A run's session with the store (DESIGN §8), shared by every command that makes
// cards (the card command, batch): the cache flags of a run, opening the reply cache
// and card log, wrapping a panel's seats with the reply cache, logging a finished
// card, and recording the run and keeping the store within its limits at the end.
//
// Every card is logged, also under --no-cache (which only bypasses the reply cache:
// no read, no write). A store that cannot be opened or written is a warning on
// stderr, given once; it never fails a card. At the end of a run,
// finish_run_store() records the run's cache hit rate and keeps the store within
// its limits (config [store]).
//
// Thread-safe: a RunStore may be shared by the worker threads of a batch.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <roundtable/config/config.hpp>
#include <roundtable/panel/pipeline.hpp>
#include <roundtable/providers/caching.hpp>
#include <string>
#include <vector>

namespace roundtable::store {
class Store;
struct Limits;
} // namespace roundtable::store

namespace roundtable::session {

struct CacheFlags {
    bool no_cache = false; // --no-cache: neither read nor write cached replies
    bool refresh = false;  // --refresh: make every call, write its reply
    bool log = true;       // log finished cards
};

// Where a run's store is and how much it keeps.
struct StoreSetup {
    std::string path;                    // "": Store::default_path()
    config::StoreSettings settings;      // the limits enforced at the end of the run
    std::function<std::int64_t()> clock; // unix seconds; null: the system clock (tests age entries)
};

struct RunStore {
    std::shared_ptr<store::Store> store; // null when it could not be opened
    std::shared_ptr<providers::CacheWarning> warning;
    std::shared_ptr<providers::CacheStats> stats; // this run's lookups
    providers::CacheMode mode = providers::CacheMode::read_write;
    bool log = true;
    config::StoreSettings settings;
};

// Returns a sink that prints "roundtable: warning: MESSAGE" lines on `err`, each whole
// even from worker threads; never fails.
std::function<void(const std::string&)> warning_sink(std::ostream& err);

// Returns the store limits of `settings` (MiB and days in seconds and bytes); never fails.
store::Limits store_limits(const config::StoreSettings& settings);

// Opens the store of `setup` for a run with `flags`; on failure warns once on
// `err` and returns a RunStore without a store (the run goes on uncached).
// The store's own notices (a damaged file replaced, a store open to others) go
// to `err` as warnings.
RunStore open_run_store(const CacheFlags& flags, std::ostream& err, const StoreSetup& setup = {});

// Ends a run: records its cache hits and misses (when it looked anything up) and
// enforces the store's limits with a bounded amount of work; a failure is the
// run's one cache warning, never an error.
void finish_run_store(const RunStore& run_store);

// What wraps a seat's provider in limits (batch mode): given the seat and its provider,
// returns the provider to use.
using SeatLimiter = std::function<std::shared_ptr<providers::Provider>(
    const providers::SeatConfig&, std::shared_ptr<providers::Provider>)>;

// Wraps every seat that is not offline: first with `limit` (when given, e.g. the
// batch in-flight and rate limits), then with the reply cache of `run_store`;
// never fails.
std::vector<panel::Seat> wrap_seats(std::vector<panel::Seat> seats, const RunStore& run_store,
                                    const SeatLimiter& limit = {});

// Appends `card` under `id` to the card log, with `card_json` as its text when given (the
// card's to_json_text, already written for the JSONL line); a failure is a warning (once),
// never an error.
void log_card(const RunStore& run_store, const std::string& id, const panel::Card& card,
              const std::string& card_json = {});

} // namespace roundtable::session
