// `roundtable logs`: the card log listed, or one logged card rendered again.
// Opening the store and logging cards is session/ (session.hpp).
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>

namespace roundtable::commands {

struct LogsOptions {
    std::size_t limit = 20;
    bool json = false;           // one JSON array of entries instead of a table
    std::string show;            // `logs show ID`: re-render this card
    std::string format = "text"; // for show
    std::string color = "auto";  // for show
    bool stdout_is_tty = false;
};

// Lists recent logged cards (time, title, stance, vote, cost) or, with `show`,
// renders one logged card in `format`; throws Error(Exit::usage) for a bad
// format or an id that matches no card or several, Error(Exit::config) if the
// log cannot be opened or read.
int run_logs(const LogsOptions& options, std::ostream& out, std::ostream& err);

} // namespace roundtable::commands
