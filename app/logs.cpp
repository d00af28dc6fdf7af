// `roundtable logs [show ID]`: the card log.
#include "cli.hpp"

#include <iostream>
#include <memory>
#include <roundtable/commands/logs.hpp>
#include <roundtable/util/error.hpp>
#include <unistd.h>

namespace roundtable::app {

Command setup_logs(CLI::App& app) {
    auto options = std::make_shared<commands::LogsOptions>();
    auto* logs = app.add_subcommand("logs", "List recently logged cards, or show one again");
    logs->add_option("-n,--limit", options->limit, "How many cards to list")->capture_default_str();
    logs->add_flag("--json", options->json, "Print the list as JSON");
    auto* show = logs->add_subcommand("show", "Render a logged card again (--format, --color)");
    show->add_option("id", options->show, "Row number, article id, or an id prefix (6+ characters)")
        ->required();
    Command command;
    command.app = logs;
    command.options = {"--format"};
    command.hints = {{"--format", "the list has --json; a card's format goes with `logs show`"}};
    command.run = [options, show](GlobalOptions& g) {
        if (!*show && g.format) {
            throw Error(Exit::usage, "--format applies to `roundtable logs show ID`; the list "
                                     "has --json");
        }
        options->format = g.format.value_or("text");
        options->color = g.color;
        options->stdout_is_tty = ::isatty(STDOUT_FILENO) != 0;
        return commands::run_logs(*options, std::cout, std::cerr);
    };
    return command;
}

} // namespace roundtable::app
