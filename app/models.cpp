// `roundtable models`: the model catalogue.
#include "cli.hpp"

#include <iostream>
#include <memory>
#include <roundtable/commands/models.hpp>

namespace roundtable::app {

Command setup_models(CLI::App& app) {
    auto options = std::make_shared<commands::ModelsOptions>();
    auto* models = app.add_subcommand(
        "models", "List the model catalogue: prices, limits, reasoning, default efforts, sources");
    models->add_option("--provider", options->provider,
                       "Only this provider's models (anthropic, openai, gemini, xai)");
    Command command;
    command.app = models;
    command.options = {"--format"};
    command.run = [options](GlobalOptions& g) {
        options->format = g.format.value_or("text");
        options->config_path = g.overrides.config_path;
        return commands::run_models(*options, std::cout);
    };
    return command;
}

} // namespace roundtable::app
