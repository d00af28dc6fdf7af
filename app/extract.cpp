// `roundtable extract`: what the panel would read of a page.
#include "cli.hpp"

#include <iostream>
#include <memory>
#include <roundtable/commands/extract.hpp>

namespace roundtable::app {

Command setup_extract(CLI::App& app) {
    auto options = std::make_shared<commands::ExtractOptions>();
    auto* extract = app.add_subcommand(
        "extract", "Print what the panel would read: title, byline, date, site, article body");
    extract->add_option("input", options->input,
                        "A file, - for stdin, or an http(s) URL (default: stdin)");
    Command command;
    command.app = extract;
    command.options = {"--format", "--max-bytes"};
    command.run = [options](GlobalOptions& g) {
        options->format = g.format.value_or("text");
        if (g.max_bytes) {
            options->max_bytes = *g.max_bytes;
        }
        return commands::run_extract(*options, std::cout, std::cerr);
    };
    return command;
}

} // namespace roundtable::app
