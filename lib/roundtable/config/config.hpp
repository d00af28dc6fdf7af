// Configuration of a panel: built-in defaults, the TOML file, environment
// variables and flags (lowest to highest precedence) resolved into the seats,
// chair, quorum and price table of one run (DESIGN §3).
//
// The file is $XDG_CONFIG_HOME/roundtable/config.toml, else
// ~/.config/roundtable/config.toml (optional), or the path in ROUNDTABLE_CONFIG or
// --config (must exist). API keys are read from the environment only: load()
// checks that they are set but never copies, prints or logs them. The schema is
// strict: unknown keys and wrong types are configuration errors with a line.
//
// load() reads the environment only through the Env seam it is given, so tests
// are hermetic; it keeps no state and is safe to call from several threads as
// long as their Env functions are.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <roundtable/config/catalogue.hpp>
#include <roundtable/providers/seat_config.hpp>
#include <string>
#include <utility>
#include <vector>

namespace roundtable::config {

// What the flags say; an empty vector / nullopt / false means "not given".
struct Overrides {
    std::optional<std::string> config_path; // --config PATH
    std::vector<std::string> panel;         // --panel claude,gpt (entries may hold commas)
    std::vector<std::pair<std::string, std::string>> models; // --model SEAT=MODEL
    std::optional<std::string> chair;                        // --chair SEAT
    std::optional<double> timeout_s;                         // --timeout SECONDS, every seat
    std::optional<int> retries;                              // --retries N, every seat
    std::optional<int> quorum;                               // --quorum N
    // --effort LEVEL (seat "": every seat) and --effort SEAT=LEVEL, in the order given
    std::vector<std::pair<std::string, std::string>> efforts;
    std::optional<std::int64_t> rpm; // --rpm N (batch), every seat; 0: no limit of our own
    std::optional<std::int64_t> tpm; // --tpm N (batch), every seat; 0: no limit of our own
    bool offline = false;            // --offline: the offline panel whatever keys are set
    bool require_keys =
        true; // false: seats named without their key are kept (`roundtable providers`)
};

// The environment seam: get(name) returns a variable's value, or nullopt if it is unset.
struct Env {
    std::function<std::optional<std::string>(const std::string&)> get;

    // Returns an Env that reads the process environment (getenv); never fails.
    static Env process();
    // Returns an Env that reads `variables` only (for tests); never fails.
    static Env from_map(std::map<std::string, std::string> variables);
};

// The [store] table: how much the reply cache and card log keep; 0 means no limit.
struct StoreSettings {
    std::int64_t cache_max_mb = 1024;     // size cap of the database, in MiB
    std::int64_t cache_max_age_days = 30; // replies older than this are removed
    std::int64_t log_max_age_days = 90;   // logged cards older than this are removed

    bool operator==(const StoreSettings&) const = default;
};

struct PanelConfig {
    std::vector<providers::SeatConfig> seats; // in card order
    std::string chair;                        // a seat name in `seats`
    int quorum = 3;                           // 1..seats.size()
    bool offline = false;                     // every seat is an offline analyst
    std::vector<std::string> notices; // for stderr and the card, e.g. "no API key set (...)"
    std::string config_file;          // the file read, or "" when none
    Catalogue catalogue;              // data/models.toml plus the file's [models]
    StoreSettings store;              // the file's [store], else the defaults
};

// The names of the built-in seats, in order: claude, gpt, gemini, grok, bull, bear, skeptic, quant.
const std::vector<std::string>& builtin_seat_names();

// Resolves the panel from defaults, the config file, `env` and `overrides`; throws
// Error(Exit::config, message) for a missing or invalid file, an unknown seat, a
// missing key of a seat asked for by name, a chair outside the panel, a bad quorum,
// a bad --effort or a negative --rpm / --tpm. Each seat gets its model's traits
// from the catalogue, its effort (seat's `effort`, then --effort, else the
// catalogue's default) and, unless set, the timeout of a reasoning model at that
// effort; a temperature its model refuses, and a model the catalogue does not list,
// are notices. A seat's rpm and tpm come from [limits.PROVIDER] of
// data/models.toml, then the seat's `rpm` / `tpm` keys, then --rpm / --tpm (which
// set every seat); offline seats have none.
PanelConfig load(const Overrides& overrides, const Env& env = Env::process());

// Reads the [store] settings of the config file load() would read (the whole file is
// checked, the panel is not resolved); throws Error(Exit::config, message) for a
// missing or invalid file.
StoreSettings load_store_settings(const Overrides& overrides, const Env& env = Env::process());

} // namespace roundtable::config
