// `roundtable jobs`: the provider batch runs recorded in the store (issue 11) --
// `jobs` / `jobs list` shows each run and its provider jobs (state, requests
// done / failed / pending, age), `jobs cancel RUN` cancels the run's unfinished
// jobs at their providers, `jobs collect RUN` continues a run in this process:
// the panels are rebuilt from the recorded inputs and options, finished calls
// come from the reply cache, a request already in a recorded job takes that
// job's result instead of being submitted again, and the cards go to the
// recorded --jsonl (articles already carded there are skipped, as --resume).
// Also the JSON form of the batch options a run records.
#pragma once

#include <iosfwd>
#include <roundtable/commands/batch.hpp>
#include <string>

namespace roundtable::commands {

struct JobsOptions {
    enum class Action { list, cancel, collect };
    Action action = Action::list;
    std::string run;         // cancel / collect: a run id or a prefix of it
    bool json = false;       // list: one JSON array
    std::size_t limit = 20;  // list: the newest runs
    std::string store_path;  // "": store::Store::default_path()
    double poll_seconds = 0; // collect --poll S; 0: the recorded value
    // collect: this invocation's terminal and verbosity (the rest is recorded)
    bool quiet = false;
    bool stderr_is_tty = false;
    std::string progress = "auto";
    int verbose = 0;
    int width = 80;
};

// Lists, cancels or collects; returns 0 on success, the batch exit codes for collect
// (commands/batch.hpp). Throws Error(Exit::usage) for an unknown run or a missing RUN,
// Error(Exit::config) for a store that cannot be read, and for cancel a job that cannot be
// canceled is named on `err` (exit 3 when any could not be).
int run_jobs(const JobsOptions& options, std::ostream& out, std::ostream& err);

// Returns the options of a batch run as recorded (JSON; no keys, only what the command line
// gave); never fails.
std::string batch_options_json(const BatchOptions& options);

// Returns the batch options recorded by batch_options_json(); throws Error(Exit::config) when
// `json` is not such a record.
BatchOptions batch_options_from_json(const std::string& json);

} // namespace roundtable::commands
