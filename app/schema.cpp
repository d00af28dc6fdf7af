// `roundtable schema [score]`: the JSON Schemas of the card and of the score.
#include "cli.hpp"

#include <iostream>
#include <roundtable/commands/run.hpp>
#include <roundtable/commands/score.hpp>

namespace roundtable::app {

Command setup_schema(CLI::App& app) {
    auto* schema = app.add_subcommand("schema", "Print the JSON Schema of the JSON card");
    auto* score =
        schema->add_subcommand("score", "Print the JSON Schema of the score JSON instead");
    Command command;
    command.app = schema;
    command.run = [score](GlobalOptions&) {
        return *score ? commands::run_score_schema(std::cout) : commands::run_schema(std::cout);
    };
    return command;
}

} // namespace roundtable::app
