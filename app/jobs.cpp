// `roundtable jobs [list|cancel RUN|collect RUN]`: provider batch runs in the store.
#include "cli.hpp"

#include <iostream>
#include <memory>
#include <roundtable/commands/jobs.hpp>
#include <roundtable/commands/verbose.hpp>
#include <roundtable/render/terminal.hpp>
#include <roundtable/util/error.hpp>
#include <unistd.h>

namespace roundtable::app {

Command setup_jobs(CLI::App& app) {
    auto options = std::make_shared<commands::JobsOptions>();
    auto* jobs = app.add_subcommand(
        "jobs", "List provider batch runs and their jobs; cancel or collect a run");
    jobs->footer(R"(Examples:
  roundtable batch corpus/ --jsonl cards.jsonl --provider-batch --detach    prints a RUN id
  roundtable jobs                                    runs, their provider jobs, done/failed/pending
  roundtable jobs collect RUN                        poll, adopt results, submit the next rounds
  roundtable jobs cancel RUN                         cancel the run's unfinished jobs

Exit codes: 0 done, 2 unknown RUN, 3 a job could not be canceled, 4 unusable store;
collect exits as roundtable batch does (130 interrupted: collect again).)");
    jobs->add_flag("--json", options->json, "Print the list as JSON");
    jobs->add_option("-n,--limit", options->limit, "How many runs to list")->capture_default_str();
    auto* list = jobs->add_subcommand("list", "List the runs (the default)");
    (void)list;
    auto* cancel =
        jobs->add_subcommand("cancel", "Cancel a run's unfinished jobs at the providers");
    cancel->add_option("run", options->run, "The run id (or a prefix of it)")->required();
    auto* collect =
        jobs->add_subcommand("collect", "Continue a run: poll, collect, submit, write the cards");
    collect->add_option("run", options->run, "The run id (or a prefix of it)")->required();
    collect->add_option("--poll", options->poll_seconds,
                        "Seconds between polls of a job (default: the run's)");
    Command command;
    command.app = jobs;
    command.options = {"--format", "--progress"};
    command.hints = {{"--format", "the list has --json"}};
    command.run = [options, cancel, collect](GlobalOptions& g) {
        using Action = commands::JobsOptions::Action;
        options->action = *cancel ? Action::cancel : *collect ? Action::collect : Action::list;
        if (g.format && *g.format != "json" && *g.format != "text") {
            throw Error(Exit::usage, "--format: `roundtable jobs` prints text or json");
        }
        options->json = options->json || g.format == "json";
        options->quiet = g.quiet;
        options->stderr_is_tty = ::isatty(STDERR_FILENO) != 0;
        options->progress = g.progress;
        options->verbose = g.verbose;
        options->width = render::stderr_width();
        const commands::CallPrinter printer(std::cerr, g.verbose);
        return commands::run_jobs(*options, std::cout, std::cerr);
    };
    return command;
}

} // namespace roundtable::app
