// `roundtable score`: cards scored against outcomes.
#include "cli.hpp"

#include <iostream>
#include <memory>
#include <roundtable/commands/score.hpp>

namespace roundtable::app {

Command setup_score(CLI::App& app) {
    auto options = std::make_shared<commands::ScoreOptions>();
    auto* score = app.add_subcommand(
        "score", "Score each seat and the panel against outcomes: accuracy, Brier, calibration");
    score->footer(R"(Examples:
  roundtable score cards.jsonl --outcomes outcomes.csv             text table
  roundtable score cards.jsonl --outcomes returns.jsonl --band 0.02 --format html -o score.html
  roundtable score --from-log --outcomes outcomes.csv              the newest logged card of each id
  roundtable score cards.jsonl --outcomes o.csv --fail-on 'accuracy<0.6' --fail-on 'seat:gpt:brier>0.5'

Outcomes: CSV (header with id and label or return) or JSONL ({"id", "label"|"return"}); a return
is a fraction (0.023 is +2.3%): above +band bullish, below -band bearish, else neutral.
--verbose lists the ids without an outcome or without a card.
Exit codes: 0 scored, 1 a --fail-on threshold was crossed, 2 usage or a bad file, line or row.)");
    score->add_option("cards", options->cards,
                      "JSONL of roundtable batch (- for stdin); with --from-log, logged card ids");
    score->add_option("--outcomes", options->outcomes, "CSV or JSONL of id and label or return")
        ->required();
    score->add_option("--band", options->band, "Returns within +-B are neutral")
        ->capture_default_str();
    score->add_flag("--from-log", options->from_log,
                    "Score logged cards (roundtable logs): the ids given, else every id's newest");
    score
        ->add_option("--fail-on", options->fail_on,
                     "Exit 1 when a figure crosses: accuracy<0.6, accuracy-round1<0.6, brier>0.5, "
                     "seat:NAME:accuracy<0.5 (repeatable, comma-separated)")
        ->type_name("EXPR")
        ->allow_extra_args(false); // one expression per flag, repeatable
    Command command;
    command.app = score;
    command.options = {"--format", "--output"};
    command.run = [options](GlobalOptions& g) {
        options->format = g.format.value_or("text");
        options->output = g.output;
        options->verbose = g.verbose > 0;
        options->quiet = g.quiet;
        return commands::run_score(*options, std::cout, std::cerr);
    };
    return command;
}

} // namespace roundtable::app
