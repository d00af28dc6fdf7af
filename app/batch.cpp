// `roundtable batch INPUT...`: corpus mode.
#include "cli.hpp"

#include <cstdint>
#include <iostream>
#include <memory>
#include <roundtable/commands/batch.hpp>
#include <roundtable/commands/verbose.hpp>
#include <roundtable/render/terminal.hpp>
#include <unistd.h>

namespace roundtable::app {

namespace {

constexpr const char* k_examples = R"(Examples:
  roundtable batch corpus/ --jsonl cards.jsonl                 every *.txt, *.md, *.html, *.htm under corpus/
  roundtable batch 'news/*.html' articles.jsonl --jobs 8       globs and JSONL ({"id", "title", "text"|"path"|"url"})
  roundtable batch corpus/ --jsonl cards.jsonl --resume        finish an interrupted run
  roundtable batch corpus/ --shard 2/4 --jsonl part2.jsonl     the second of four shards
  roundtable batch corpus/ --fail-on stance=bearish,agreement<0.5 --report report.html
  roundtable batch corpus/ --rpm 50 --tpm 30000                at most 50 calls and 30k tokens a minute per provider

Each finished article is one JSON line: {"id", "card"} or {"id", "error", "exit"}.
Exit codes: 0 all cards produced, 1 a --fail-on policy matched, 2/3/4 the worst failed
article (input, quorum, config), 130 interrupted.)";

} // namespace

Command setup_batch(CLI::App& app) {
    auto options = std::make_shared<commands::BatchOptions>();
    // --rpm and --tpm live in config::Overrides with the top-level ones; they are batch's own.
    auto rates =
        std::make_shared<std::pair<std::optional<std::int64_t>, std::optional<std::int64_t>>>();
    auto* batch =
        app.add_subcommand("batch", "Run the panel over a corpus: files, folders, globs, .jsonl");
    batch->footer(k_examples);
    batch
        ->add_option("inputs", options->inputs, "Files, folders (recursive), globs or .jsonl files")
        ->required();
    batch->add_option("--jsonl", options->jsonl,
                      "Append one JSON line per article to FILE (default: stdout)");
    batch->add_option("-j,--jobs", options->jobs, "Panels run at once")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    batch
        ->add_option("--max-in-flight", options->max_in_flight,
                     "Calls in flight per provider (protocol and server)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    batch
        ->add_option("--rpm", rates->first,
                     "Requests per minute per provider, for every seat (0: no limit of "
                     "our own; overrides the seats' rpm)")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{1'000'000'000}));
    batch
        ->add_option("--tpm", rates->second,
                     "Tokens (input + output) per minute per provider, for every seat "
                     "(0: no limit of our own; overrides the seats' tpm)")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{1'000'000'000}));
    batch->add_flag("--resume", options->resume,
                    "Skip ids that already have a card line in --jsonl FILE");
    batch->add_option("--shard", options->shard, "Run shard K of N (by a stable hash of the id)")
        ->type_name("K/N");
    batch
        ->add_option(
            "--fail-on", options->fail_on,
            "Exit 1 when an article matches: stance=bearish|neutral|bullish|split, agreement<0.5, "
            "ungrounded>0, failed-seats>0 (repeatable, comma-separated)")
        ->type_name("EXPR")
        ->allow_extra_args(false); // one expression per flag, repeatable; inputs may follow
    batch->add_option("--report", options->report, "Write a standalone HTML report to FILE");
    batch->add_option("--outcomes", options->outcomes,
                      "Score the cards against FILE (CSV or JSONL) in the --report");
    batch->add_option("--band", options->band, "Returns within +-B are neutral (--outcomes)")
        ->capture_default_str();
    // The providers' batch APIs: half price, apart from the per-minute limits (README "Large
    // corpora").
    batch->add_flag("--provider-batch", options->provider_batch,
                    "Send the calls as the providers' batch jobs (cheaper; hours, not seconds)");
    batch->add_flag("--finish-sync", options->finish_sync,
                    "With --provider-batch: call directly what still fails in a job");
    batch->add_option("--poll", options->poll_seconds,
                      "With --provider-batch: seconds between polls of a job (default 30)");
    batch->add_flag("--detach", options->detach,
                    "With --provider-batch: submit, print the run id and exit (roundtable jobs "
                    "collect RUN finishes it)");

    Command command;
    command.app = batch;
    command.options = {"--panel",     "--model",     "--effort",   "--chair",   "--timeout",
                       "--retries",   "--quorum",    "--offline",  "--prompts", "--no-rebuttal",
                       "--anonymize", "--max-bytes", "--no-cache", "--refresh", "--progress"};
    command.hints = {{"--output", "cards go to --jsonl FILE (default stdout)"},
                     {"--format", "every line is a JSON card"},
                     {"--max-ungrounded", "use --fail-on 'ungrounded>N'"},
                     {"--dry-run", "run it on one article: roundtable ARTICLE --dry-run"}};
    command.run = [options, rates](GlobalOptions& g) {
        options->overrides = g.overrides;
        options->overrides.rpm = rates->first;
        options->overrides.tpm = rates->second;
        options->cache = g.cache;
        options->rebuttal = !g.no_rebuttal;
        options->anonymize = g.anonymize;
        options->quiet = g.quiet;
        options->prompts_dir = g.prompts_dir;
        if (g.max_bytes) {
            options->max_bytes = *g.max_bytes;
        }
        options->stderr_is_tty = ::isatty(STDERR_FILENO) != 0;
        options->progress = g.progress;
        options->verbose = g.verbose;
        options->width = render::stderr_width();
        const commands::CallPrinter printer(std::cerr, g.verbose);
        return commands::run_batch(*options, std::cout, std::cerr);
    };
    return command;
}

} // namespace roundtable::app
