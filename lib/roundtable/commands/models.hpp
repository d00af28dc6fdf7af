// `roundtable models`: the model catalogue (data/models.toml, with a user's
// [models] and [defaults] merged) as a table or as JSON, each entry with the
// docs page it came from.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace roundtable::commands {

struct ModelsOptions {
    std::string format = "text";            // text | json
    std::optional<std::string> config_path; // --config FILE
    std::string provider;                   // only this provider's models; "" for all
};

// Writes the catalogue; returns 0. Throws Error(Exit::usage) for an unknown format or provider,
// Error(Exit::config) for a broken config file.
int run_models(const ModelsOptions& options, std::ostream& out);

} // namespace roundtable::commands
