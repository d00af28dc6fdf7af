// `roundtable cache`: what the store (DESIGN §8) holds and keeps -- its path,
// size, entries, oldest and newest, the hit rate of recent runs -- and the two
// ways to shrink it by hand: `cache prune` (the configured limits, or tighter
// ones given as flags, enforced all the way now) and `cache clear` (everything,
// after a question on a terminal unless --yes).
//
// Inspecting or pruning never creates a store that does not exist.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <roundtable/config/config.hpp>
#include <string>

namespace roundtable::commands {

struct CacheOptions {
    enum class Action { show, prune, clear };
    Action action = Action::show;
    bool json = false;                     // show: one JSON object instead of lines
    std::optional<std::string> older_than; // prune --older-than 7d: replies older than this
    std::optional<std::string> max_size;   // prune --max-size 200M: shrink the data to this
    bool yes = false;                      // clear --yes: do not ask
    bool stdin_is_tty = false;             // clear asks only on a terminal
    config::Overrides overrides;           // --config
    std::string path;                      // "": Store::default_path()
    std::function<std::int64_t()> clock;   // unix seconds; null: the system clock
};

// Shows, prunes or clears the store; throws Error(Exit::usage) for a bad
// --older-than or --max-size, Error(Exit::config) for a broken config file or a
// store that cannot be opened or written. A declined `clear` removes nothing and
// returns 0.
int run_cache(const CacheOptions& options, std::istream& in, std::ostream& out, std::ostream& err);

} // namespace roundtable::commands
