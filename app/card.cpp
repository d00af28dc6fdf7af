// The card command (no subcommand): `roundtable ARTICLE [options]`.
#include "cli.hpp"

#include <iostream>
#include <roundtable/commands/run.hpp>
#include <roundtable/commands/verbose.hpp>
#include <unistd.h>

namespace roundtable::app {

namespace {

constexpr const char* k_examples = R"(Examples:
  roundtable examples/bearish-truck-recall.txt          card for a file (offline panel with no API key)
  curl -s https://example.com/story | roundtable -      card for a page piped on stdin
  roundtable https://example.com/story --format json | jq .consensus
  roundtable article.txt --panel claude,gpt --chair gpt -o card.md --format markdown
  roundtable article.txt --dry-run                      show the exact requests, send nothing

Every option works before or after a subcommand (roundtable --config my.toml batch corpus/).
Exit codes: 0 card produced, 1 a policy matched (--max-ungrounded), 2 usage or input error,
3 below quorum (providers failed), 4 configuration error, 130 interrupted.)";

} // namespace

Command setup_card(CLI::App& app) {
    app.footer(k_examples);
    Command command;
    command.app = &app;
    command.run = [&app](GlobalOptions& g) {
        if (g.input.empty() && ::isatty(STDIN_FILENO)) {
            std::cerr << app.help()
                      << "\nroundtable: error: no article given: pass a file, - for stdin, or a "
                         "URL\n";
            return static_cast<int>(Exit::usage);
        }
        commands::RunOptions run;
        run.input = g.input;
        run.format = g.format.value_or("text");
        run.color = g.color;
        run.output = g.output;
        run.dry_run = g.dry_run;
        run.rebuttal = !g.no_rebuttal;
        run.anonymize = g.anonymize;
        run.quiet = g.quiet;
        run.prompts_dir = g.prompts_dir;
        if (g.max_bytes) {
            run.max_bytes = *g.max_bytes;
        }
        run.max_ungrounded = g.max_ungrounded;
        run.overrides = g.overrides;
        run.stdout_is_tty = ::isatty(STDOUT_FILENO) != 0;
        run.stderr_is_tty = ::isatty(STDERR_FILENO) != 0;
        run.progress = g.progress;
        run.verbose = g.verbose;
        const commands::CallPrinter printer(std::cerr, g.verbose);
        return commands::run_card_cached(run, g.cache, std::cout, std::cerr);
    };
    return command;
}

} // namespace roundtable::app
