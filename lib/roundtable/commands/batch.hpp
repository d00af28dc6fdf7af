// `roundtable batch INPUT...`: corpus mode (DESIGN §7) -- many articles through
// the panel concurrently, one JSON line per finished article, resumable,
// shardable, with CI policies, a summary on stderr and an optional HTML report.
// See batch/runner.hpp for the line format and the memory and Ctrl-C contract.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <roundtable/config/config.hpp>
#include <roundtable/session/session.hpp>
#include <string>
#include <vector>

namespace roundtable::commands {

struct BatchOptions {
    std::vector<std::string> inputs; // files, folders, globs, .jsonl files
    std::string jsonl;     // --jsonl FILE (truncated first unless --resume); empty: stdout
    std::size_t jobs = 4;  // panels at once
    int max_in_flight = 8; // calls in flight per provider (protocol and server)
    bool resume = false;   // skip ids with a card line in --jsonl
    std::string shard;     // "K/N"; empty: everything
    std::vector<std::string> fail_on;
    std::string report;   // --report FILE.html; empty: none
    std::string outcomes; // --outcomes FILE: add the score against outcomes to the report
    double band = 0.01;   // --band for the outcomes' returns
    session::CacheFlags cache;
    bool rebuttal = true;
    bool anonymize = false;
    bool quiet = false;
    std::optional<std::string> prompts_dir;
    std::size_t max_bytes = 1024 * 1024;
    config::Overrides overrides;   // also --rpm / --tpm, the per-minute limits of every seat
    bool stderr_is_tty = false;    // progress line only on a TTY
    std::string progress = "auto"; // --progress auto | plain | off (commands/progress.hpp)
    int verbose = 0;               // -v: progress is plain lines
    int width = 80;                // stderr's terminal width, for the progress line
    // Issue 11: corpus mode on the providers' batch APIs (jobs/runner.hpp).
    bool provider_batch = false; // --provider-batch: calls go out as batch jobs
    bool finish_sync = false;    // --finish-sync: what still fails in a job is called directly
    double poll_seconds = 0;     // --poll S between polls of a job; 0: the providers' default
    bool detach = false;         // --detach: submit the first pass, print the run id, exit 0
    std::string collect_run;     // continue this recorded run (`roundtable jobs collect`)
};

// Runs the corpus; returns 0 when every article gave a card and no policy
// matched, 1 when a --fail-on policy matched (matching ids listed on `err`),
// else the highest exit code of a failed article (2 input, 3 quorum, 4 config)
// -- failures outrank policies -- and 130 when interrupted. Calls to each
// provider (a protocol and its server) are throttled to the smallest rpm / tpm of its seats and
// slowed by its rate-limit headers (batch/throttle.hpp). Throws Error(Exit::usage) for bad flags
// (--shard, --fail-on, --jobs, --resume without --jsonl, --outcomes without --report or with a
// bad row) and Error(Exit::config) for a bad
// configuration (a negative --rpm / --tpm too).
int run_batch(const BatchOptions& options, std::ostream& out, std::ostream& err);

} // namespace roundtable::commands
