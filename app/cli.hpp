// The command line's wiring (CLI11), shared by app/main.cpp and the one file per
// subcommand in app/ (STYLE item 6): the options of the top-level command, which
// work before or after any subcommand, and the Command each setup_x() returns.
//
// Every option of the top-level command is defined once, on the root app, and
// the subcommands fall through to it, so `roundtable --config X batch ...` and
// `roundtable batch --config X ...` set the same value. A Command names the
// top-level options it reads; check_command_line() turns any other one into a
// usage error that says why, as it does for one option given twice with
// different values. Nothing here does a command's work: each run function fills
// the options struct of lib/roundtable/commands/ and calls its run_x().
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <roundtable/config/config.hpp>
#include <roundtable/session/session.hpp>
#include <string>
#include <vector>

namespace roundtable::app {

// The values of the top-level command's options, wherever they were given.
struct GlobalOptions {
    std::string input;                 // the card command's article
    std::optional<std::string> format; // -f/--format; each command has its own default and set
    std::string color = "auto";
    std::string output; // -o FILE
    bool dry_run = false;
    bool no_rebuttal = false;
    bool anonymize = false;
    std::optional<std::string> prompts_dir;
    std::optional<std::size_t> max_bytes;
    std::optional<int> max_ungrounded;
    bool quiet = false;
    int verbose = 0;                  // -v once, -vv twice
    std::string progress = "auto";    // --progress auto | plain | off
    std::optional<std::string> panel; // --panel a,b,c
    config::Overrides overrides;      // --config and the other panel options
    session::CacheFlags cache;        // --no-cache, --refresh
};

// One command of the CLI: its CLI11 app, the top-level options it reads (besides the ones
// every command accepts: --config, --quiet, --verbose, --color, --help, --version), and what
// runs it.
struct Command {
    CLI::App* app = nullptr;                  // the subcommand; the root app for the card command
    std::vector<std::string> options;         // e.g. {"--format", "--max-bytes"}
    std::map<std::string, std::string> hints; // option -> what to use instead, for the error
    std::function<int(GlobalOptions&)> run;   // returns the exit code or throws roundtable::Error
};

// Returns the command's name as typed: "batch", "logs show", "" for the card command; never
// fails.
std::string command_path(const CLI::App& app);

// Adds the top-level options to `app` (the root) bound to `options`; never fails.
void add_global_options(CLI::App& app, GlobalOptions& options);

// Returns the top-level options every command accepts; never fails.
const std::vector<std::string>& ambient_options();

// Throws roundtable::Error(Exit::usage) when the parsed command line gives `command` a
// top-level option it does not read (or the card's article), or gives one option twice with
// different values. Call after a successful parse.
void check_command_line(const CLI::App& root, const Command& command);

// Returns a clearer message for a parse error of `root` over `args` (argv without argv[0]):
// an option of a subcommand placed before it is named with the subcommand it belongs to.
// Returns the parser's own message otherwise.
std::string explain_parse_error(const CLI::App& root, const std::vector<std::string>& args,
                                const CLI::ParseError& error);

// Appends to each command's help the top-level options it accepts; never fails.
void describe_global_options(const std::vector<Command>& commands);

// The commands, one file each; every setup_x() adds its subcommand (and options) to `app`,
// the root.
Command setup_card(CLI::App& app);
Command setup_schema(CLI::App& app);
Command setup_prompts(CLI::App& app);
Command setup_providers(CLI::App& app);
Command setup_models(CLI::App& app);
Command setup_batch(CLI::App& app);
Command setup_extract(CLI::App& app);
Command setup_logs(CLI::App& app);
Command setup_cache(CLI::App& app);
Command setup_score(CLI::App& app);
Command setup_jobs(CLI::App& app);
// Adds `roundtable completion SHELL`, which describes `commands` (read when it runs, so it may
// be the vector this command is appended to).
Command setup_completion(CLI::App& app, const std::vector<Command>& commands);

} // namespace roundtable::app
