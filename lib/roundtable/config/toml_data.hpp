// Internal to config/: the TOML parsing that config.cpp and catalogue.cpp share,
// so that each text -- the embedded data/models.toml, a user's config.toml --
// is parsed once however many tables are read from it.
//
// Includes toml++ (header-only, heavy): include from config/*.cpp only.
// Thread-safe: builtin_data() parses once; the other functions keep no state.
#pragma once

#include <roundtable/config/catalogue.hpp>
#include <roundtable/config/toml.hpp>
#include <string>
#include <string_view>

namespace roundtable::config::detail {

// Throws Error(Exit::config, "SOURCE:LINE: WHAT") for the value at `where` in `source`.
[[noreturn]] void fail_at(const std::string& source, const toml::source_region& where,
                          const std::string& what);

// Parses `text`; throws Error(Exit::config, "SOURCE:LINE:COLUMN: ...") if it is not TOML.
toml::table parse_toml(std::string_view text, const std::string& source);

// Returns data/models.toml (embedded at build time), parsed on the first call; throws as
// parse_toml() does.
const toml::table& builtin_data();

// Adds or replaces models (field by field), default models and reasoning budgets from the
// [models], [defaults] and [reasoning] tables of `root` (other tables are ignored); throws
// Error(Exit::config, "SOURCE:LINE: ...") on an unknown key, a wrong type or a bad value.
void merge_catalogue(Catalogue& catalogue, const toml::table& root, const std::string& source);

} // namespace roundtable::config::detail
