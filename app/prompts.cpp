// `roundtable prompts`: the round templates.
#include "cli.hpp"

#include <iostream>
#include <roundtable/commands/run.hpp>

namespace roundtable::app {

Command setup_prompts(CLI::App& app) {
    Command command;
    command.app = app.add_subcommand("prompts", "Print the round templates (--prompts DIR: those)");
    command.options = {"--prompts"};
    command.run = [](GlobalOptions& g) { return commands::run_prompts(g.prompts_dir, std::cout); };
    return command;
}

} // namespace roundtable::app
