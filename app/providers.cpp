// `roundtable providers [--check]`: the panel's seats, models and keys.
#include "cli.hpp"

#include <iostream>
#include <memory>
#include <roundtable/commands/run.hpp>

namespace roundtable::app {

Command setup_providers(CLI::App& app) {
    auto options = std::make_shared<commands::ProvidersOptions>();
    auto* providers =
        app.add_subcommand("providers", "List the panel's seats, models and whether keys are set");
    providers->add_flag("--check", options->check,
                        "Make one tiny call per seat; report status and latency");
    Command command;
    command.app = providers;
    command.options = {"--panel",   "--model",   "--effort", "--chair",
                       "--timeout", "--retries", "--quorum", "--offline"};
    command.run = [options](GlobalOptions& g) {
        options->overrides = g.overrides;
        return commands::run_providers(*options, std::cout, std::cerr);
    };
    return command;
}

} // namespace roundtable::app
