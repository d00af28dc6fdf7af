// The top-level options and the checks every command line goes through.
#include "cli.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <roundtable/util/error.hpp>

namespace roundtable::app {

namespace {

// Parses SEAT=MODEL into the pair config expects; throws CLI::ValidationError otherwise.
std::pair<std::string, std::string> seat_model(const std::string& arg) {
    auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size()) {
        throw CLI::ValidationError("--model", "expected SEAT=MODEL, got '" + arg + "'");
    }
    return {arg.substr(0, eq), arg.substr(eq + 1)};
}

// Parses LEVEL or SEAT=LEVEL into (seat or "", level); throws CLI::ValidationError for a level
// other than low, medium or high.
std::pair<std::string, std::string> seat_effort(const std::string& arg) {
    const auto eq = arg.find('=');
    std::string seat = eq == std::string::npos ? std::string() : arg.substr(0, eq);
    std::string level = eq == std::string::npos ? arg : arg.substr(eq + 1);
    if ((eq != std::string::npos && seat.empty()) ||
        (level != "low" && level != "medium" && level != "high")) {
        throw CLI::ValidationError(
            "--effort", "expected low, medium or high, or SEAT=LEVEL, got '" + arg + "'");
    }
    return {std::move(seat), std::move(level)};
}

// Returns whether `name` (as typed, "--x" or "-x", without "=value") names an option of `app`.
bool has_option(const CLI::App& app, const std::string& name) {
    for (const CLI::Option* opt : app.get_options()) {
        if (name.starts_with("--") ? opt->check_lname(name.substr(2))
                                   : name.size() == 2 && opt->check_sname(name.substr(1))) {
            return true;
        }
    }
    return false;
}

// Finds the subcommand (at any depth) that has option `name`; null when none does.
const CLI::App* owner_of(const CLI::App& app, const std::string& name) {
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        if (has_option(*sub, name)) {
            return sub;
        }
        if (const CLI::App* deeper = owner_of(*sub, name)) {
            return deeper;
        }
    }
    return nullptr;
}

// Throws when an option of `app` (or of its subcommands) that takes one value was given
// more than once with different values.
void check_repeats(const CLI::App& app) {
    for (const CLI::Option* opt : app.get_options()) {
        if (!opt->nonpositional() || opt->count() < 2 || opt->get_items_expected_max() > 1 ||
            opt->get_multi_option_policy() != CLI::MultiOptionPolicy::TakeLast) {
            continue;
        }
        const auto& results = opt->results();
        const auto differs =
            std::find_if(results.begin(), results.end(),
                         [&](const std::string& value) { return value != results.front(); });
        if (differs != results.end()) {
            throw Error(Exit::usage,
                        fmt::format("{} given twice with different values ('{}' and '{}')",
                                    opt->get_name(), results.front(), *differs));
        }
    }
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        check_repeats(*sub);
    }
}

} // namespace

std::string command_path(const CLI::App& app) {
    std::string path;
    for (const CLI::App* at = &app; at->get_parent() != nullptr; at = at->get_parent()) {
        path = path.empty() ? at->get_name() : at->get_name() + " " + path;
    }
    return path;
}

const std::vector<std::string>& ambient_options() {
    static const std::vector<std::string> k_ambient{"--config", "--quiet",   "--verbose",
                                                    "--color",  "--version", "--help"};
    return k_ambient;
}

void add_global_options(CLI::App& app, GlobalOptions& g) {
    // An option that takes one value may be repeated with that same value (an alias plus the
    // command line); different values are refused by check_command_line().
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.fallthrough(); // subcommands created later inherit it: options work after them too

    app.add_option("input", g.input,
                   "Article: a file, - for stdin, or an http(s) URL (default: piped stdin)");
    app.add_option("-f,--format", g.format,
                   "Output: text, markdown, json or html (models, extract: text or json; "
                   "score: text, json or html; default text)")
        ->type_name("FORMAT");
    app.add_option("--color", g.color, "Colour: auto, always or never (NO_COLOR is honoured)")
        ->capture_default_str();
    app.add_option("-o,--output", g.output,
                   "Write the card (or the score) to FILE, atomically, instead of stdout");
    app.add_flag("--dry-run", g.dry_run,
                 "Print the exact requests each seat would receive; send nothing");
    app.add_flag("--no-rebuttal", g.no_rebuttal, "Skip the rebuttal round");
    app.add_flag("--anonymize", g.anonymize,
                 "Show the other seats as Panelist A-D in the rebuttal round");
    app.add_option("--prompts", g.prompts_dir,
                   "Read the round templates from DIR instead of the embedded ones")
        ->type_name("DIR");
    app.add_option("--max-bytes", g.max_bytes, "Largest input accepted, in bytes (default 1 MiB)");
    app.add_option("--max-ungrounded", g.max_ungrounded,
                   "Exit 1 when more claims than N are not found in the article");
    auto* quiet = app.add_flag("-q,--quiet", g.quiet, "No notices or progress on stderr");
    app.add_flag("-v,--verbose", g.verbose,
                 "One line per HTTP call on stderr: seat, method, host and path, status, "
                 "attempt, latency, tokens, request id; -vv adds the bodies, truncated, keys "
                 "masked (score: the ids left unscored)")
        ->excludes(quiet);

    app.add_option("--progress", g.progress,
                   "Progress on stderr: auto (each seat's line redrawn on a terminal; batch: one "
                   "line), plain (one line per event) or off")
        ->type_name("WHEN");

    config::Overrides& o = g.overrides;
    app.add_option("--config", o.config_path,
                   "TOML config file (default: $XDG_CONFIG_HOME/roundtable/config.toml)")
        ->type_name("FILE");
    app.add_option("--panel", g.panel, "Seats to seat, in card order (e.g. claude,gpt,gemini)")
        ->type_name("SEATS");
    app.add_option_function<std::vector<std::string>>(
           "--model",
           [&o](const std::vector<std::string>& args) {
               for (const auto& arg : args) {
                   o.models.push_back(seat_model(arg));
               }
           },
           "Model for a seat: SEAT=MODEL (repeatable)")
        ->type_name("SEAT=MODEL")
        ->allow_extra_args(false);
    app.add_option_function<std::vector<std::string>>(
           "--effort",
           [&o](const std::vector<std::string>& args) {
               for (const auto& arg : args) {
                   o.efforts.push_back(seat_effort(arg));
               }
           },
           "Reasoning effort, low, medium or high: LEVEL for every seat or SEAT=LEVEL "
           "(repeatable; default medium, from data/models.toml)")
        ->type_name("[SEAT=]LEVEL")
        ->allow_extra_args(false);
    app.add_option("--chair", o.chair, "Seat that writes the summary, risk and opportunity")
        ->type_name("SEAT");
    app.add_option("--timeout", o.timeout_s,
                   "Seconds a seat's call may take in a round, its retries and their waits "
                   "included (default 120; more for reasoning models)")
        ->check(CLI::PositiveNumber)
        ->type_name("SECONDS");
    app.add_option("--retries", o.retries, "Retries per call after the first attempt")
        ->check(CLI::Range(0, 10));
    app.add_option("--quorum", o.quorum,
                   "Seats that must answer (default 3, at most the panel size)");
    app.add_flag("--offline", o.offline, "Use the offline analysts even if API keys are set");

    auto* no_cache =
        app.add_flag("--no-cache", g.cache.no_cache, "Neither read nor write the reply cache");
    app.add_flag("--refresh", g.cache.refresh, "Make every call and overwrite its cached reply")
        ->excludes(no_cache);
}

void check_command_line(const CLI::App& root, const Command& command) {
    check_repeats(root);
    if (command.app == &root) {
        return; // the card command reads every top-level option
    }
    const std::string name = command_path(*command.app);
    for (const CLI::Option* opt : root.get_options()) {
        if (opt->count() == 0) {
            continue;
        }
        const std::string option = opt->get_name();
        if (!opt->nonpositional()) {
            throw Error(Exit::usage, fmt::format("unexpected argument '{}' for `roundtable {}`",
                                                 opt->results().front(), name));
        }
        const auto& ambient = ambient_options();
        if (std::find(ambient.begin(), ambient.end(), option) != ambient.end() ||
            std::find(command.options.begin(), command.options.end(), option) !=
                command.options.end()) {
            continue;
        }
        const auto hint = command.hints.find(option);
        throw Error(Exit::usage,
                    fmt::format("{} does not apply to `roundtable {}`{}", option, name,
                                hint == command.hints.end()
                                    ? std::string(" (see roundtable " + name + " --help)")
                                    : ": " + hint->second));
    }
}

std::string explain_parse_error(const CLI::App& root, const std::vector<std::string>& args,
                                const CLI::ParseError& error) {
    // CLI11 names an ExtrasError after the app that threw it; its exit code says what it is.
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::ExtrasError)) {
        for (const std::string& arg : args) {
            if (arg == "--") {
                break;
            }
            if (!arg.starts_with("-") || arg == "-") {
                continue;
            }
            const std::string name = arg.substr(0, arg.find('='));
            if (has_option(root, name)) {
                continue;
            }
            if (const CLI::App* owner = owner_of(root, name)) {
                const std::string path = command_path(*owner);
                return fmt::format("{} is an option of `roundtable {}`: give it after `{}`", name,
                                   path, path);
            }
        }
    }
    return error.what();
}

void describe_global_options(const std::vector<Command>& commands) {
    for (const Command& command : commands) {
        if (command.app->get_parent() == nullptr) {
            continue;
        }
        std::vector<std::string> names = command.options;
        names.insert(names.end(), ambient_options().begin(), ambient_options().end() - 2);
        std::string footer = command.app->get_footer();
        footer += fmt::format("{}Options of roundtable that work here too, before or after `{}`: "
                              "{} (see roundtable --help).",
                              footer.empty() ? "" : "\n\n", command.app->get_name(),
                              fmt::join(names, ", "));
        command.app->footer(footer);
    }
}

} // namespace roundtable::app
