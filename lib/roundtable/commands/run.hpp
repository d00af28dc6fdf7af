// The commands behind the CLI: each takes an options struct filled by app/
// (CLI11 wiring only) and does the work, writing the card to `out` and
// diagnostics to `err`. They return the exit code or throw roundtable::Error.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <roundtable/config/config.hpp>
#include <roundtable/session/session.hpp>
#include <roundtable/util/error.hpp>
#include <string>

namespace roundtable::commands {

struct RunOptions {
    std::string input;           // path, "-" for stdin, an http(s) URL; "" means stdin
    std::string format = "text"; // text | markdown | json | html
    std::string color = "auto";  // auto | always | never
    std::string output;          // -o FILE; empty: `out`
    bool dry_run = false;
    bool rebuttal = true;
    bool anonymize = false;
    bool quiet = false; // no notices on stderr
    std::optional<std::string> prompts_dir;
    std::size_t max_bytes = 1024 * 1024;
    std::optional<int> max_ungrounded; // exit 1 when more ungrounded claims are found
    config::Overrides overrides;
    bool stdout_is_tty = false;    // set by app/ for colour and width decisions
    bool stderr_is_tty = false;    // set by app/: live progress on a terminal
    std::string progress = "auto"; // --progress auto | plain | off (progress.hpp)
    int verbose = 0;               // -v: progress as plain lines beside the call log
};

// Reads the article, runs the panel and writes the card; returns 0, or 1 when
// --max-ungrounded matched. Throws Error for usage, input, config and quorum failures.
int run_card(const RunOptions& options, std::ostream& out, std::ostream& err);

// Reads, runs and writes one card like run_card(), with the reply cache and card
// log of `flags` (session/session.hpp); throws as run_card does.
int run_card_cached(const RunOptions& options, const session::CacheFlags& flags, std::ostream& out,
                    std::ostream& err);

// Writes the JSON Schema of the JSON card.
int run_schema(std::ostream& out);

// Writes the round templates (embedded or from `prompts_dir`), each under a header line.
int run_prompts(const std::optional<std::string>& prompts_dir, std::ostream& out);

struct ProvidersOptions {
    config::Overrides overrides;
    bool check = false; // make one tiny call per seat and report status and latency
};

// Lists the panel's seats: provider, model, base URL, key set or missing (never the
// key). With `check`, calls each seat once; returns 3 when any check failed.
int run_providers(const ProvidersOptions& options, std::ostream& out, std::ostream& err);

} // namespace roundtable::commands
