// roundtable's entry point: CLI11 wiring only. Every command lives in
// lib/roundtable/commands/; this file maps flags to their options, installs
// the Ctrl-C handler and turns errors into exit codes (DESIGN §6).
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <fmt/format.h>
#include <iostream>
#include <roundtable/commands/batch.hpp>
#include <roundtable/commands/cache.hpp>
#include <roundtable/commands/extract.hpp>
#include <roundtable/commands/logs.hpp>
#include <roundtable/commands/models.hpp>
#include <roundtable/commands/run.hpp>
#include <roundtable/commands/score.hpp>
#include <roundtable/http/abort.hpp>
#include <roundtable/util/error.hpp>
#include <unistd.h>

namespace {

using roundtable::Error;
using roundtable::Exit;

extern "C" void on_interrupt(int) {
    roundtable::http::request_abort();
}

void install_interrupt_handler() {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

constexpr const char* k_examples = R"(Examples:
  roundtable examples/bearish-truck-recall.txt          card for a file (offline panel with no API key)
  curl -s https://example.com/story | roundtable -      card for a page piped on stdin
  roundtable https://example.com/story --format json | jq .consensus
  roundtable article.txt --panel claude,gpt --chair gpt -o card.md --format markdown
  roundtable article.txt --dry-run                      show the exact requests, send nothing

Exit codes: 0 card produced, 1 a policy matched (--max-ungrounded), 2 usage or input error,
3 below quorum (providers failed), 4 configuration error, 130 interrupted.)";

// Parses SEAT=MODEL into the pair config expects; throws CLI::ValidationError otherwise.
std::pair<std::string, std::string> seat_model(const std::string& arg) {
    auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size()) {
        throw CLI::ValidationError("--model", "expected SEAT=MODEL, got '" + arg + "'");
    }
    return {arg.substr(0, eq), arg.substr(eq + 1)};
}

// Parses LEVEL or SEAT=LEVEL into (seat or "", level); throws CLI::ValidationError for a level
// other than low, medium or high.
std::pair<std::string, std::string> seat_effort(const std::string& arg) {
    const auto eq = arg.find('=');
    std::string seat = eq == std::string::npos ? std::string() : arg.substr(0, eq);
    std::string level = eq == std::string::npos ? arg : arg.substr(eq + 1);
    if ((eq != std::string::npos && seat.empty()) ||
        (level != "low" && level != "medium" && level != "high")) {
        throw CLI::ValidationError(
            "--effort", "expected low, medium or high, or SEAT=LEVEL, got '" + arg + "'");
    }
    return {std::move(seat), std::move(level)};
}

void add_panel_flags(CLI::App& app, roundtable::config::Overrides& o) {
    app.add_option("--config", o.config_path,
                   "TOML config file (default: $XDG_CONFIG_HOME/roundtable/config.toml)");
    app.add_option("--panel", o.panel, "Seats to seat, in card order (e.g. claude,gpt,gemini)")
        ->delimiter(',');
    app.add_option_function<std::vector<std::string>>(
           "--model",
           [&o](const std::vector<std::string>& args) {
               for (const auto& arg : args) {
                   o.models.push_back(seat_model(arg));
               }
           },
           "Model for a seat: SEAT=MODEL (repeatable)")
        ->type_name("SEAT=MODEL");
    app.add_option_function<std::vector<std::string>>(
           "--effort",
           [&o](const std::vector<std::string>& args) {
               for (const auto& arg : args) {
                   o.efforts.push_back(seat_effort(arg));
               }
           },
           "Reasoning effort, low, medium or high: LEVEL for every seat or SEAT=LEVEL "
           "(repeatable; default medium, from data/models.toml)")
        ->type_name("[SEAT=]LEVEL");
    app.add_option("--chair", o.chair, "Seat that writes the summary, risk and opportunity");
    app.add_option("--timeout", o.timeout_s, "Per-call timeout in seconds")
        ->check(CLI::PositiveNumber);
    app.add_option("--retries", o.retries, "Retries per call after the first attempt")
        ->check(CLI::Range(0, 10));
    app.add_option("--quorum", o.quorum,
                   "Seats that must answer (default 3, at most the panel size)");
    app.add_flag("--offline", o.offline, "Use the offline analysts even if API keys are set");
}

void add_cache_flags(CLI::App& app, roundtable::commands::CacheFlags& flags) {
    auto* no_cache =
        app.add_flag("--no-cache", flags.no_cache, "Neither read nor write the reply cache");
    app.add_flag("--refresh", flags.refresh, "Make every call and overwrite its cached reply")
        ->excludes(no_cache);
}

constexpr const char* k_batch_examples = R"(Examples:
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

int main(int argc, char** argv) {
    // `roundtable --version` answers before the parser is built: scripts probe
    // it, and building the ~50 options of the subcommands costs a millisecond.
    // The output is the one CLI11's version flag prints below.
    if (argc == 2 && std::string_view(argv[1]) == "--version") {
        std::fputs("roundtable " ROUNDTABLE_VERSION "\n", stdout);
        return 0;
    }
    roundtable::commands::RunOptions run;
    std::optional<std::string> prompts_dir;
    bool show_version = false;

    CLI::App app{
        "roundtable: a panel of AI models reads a news article, argues about it, and agrees "
        "on what it means.",
        "roundtable"};
    app.footer(k_examples);
    app.set_version_flag("--version", std::string("roundtable ") + ROUNDTABLE_VERSION);
    app.add_option("input", run.input,
                   "Article: a file, - for stdin, or an http(s) URL (default: piped stdin)");
    app.add_option("-f,--format", run.format, "Output: text, markdown, json or html")
        ->capture_default_str();
    app.add_option("--color", run.color, "Colour: auto, always or never (NO_COLOR is honoured)")
        ->capture_default_str();
    app.add_option("-o,--output", run.output,
                   "Write the card to FILE (atomically) instead of stdout");
    app.add_flag("--dry-run", run.dry_run,
                 "Print the exact requests each seat would receive; send nothing");
    bool no_rebuttal = false;
    app.add_flag("--no-rebuttal", no_rebuttal, "Skip the rebuttal round");
    app.add_flag("--anonymize", run.anonymize,
                 "Show the other seats as Panelist A-D in the rebuttal round");
    app.add_option("--prompts", prompts_dir,
                   "Read the round templates from DIR instead of the embedded ones");
    app.add_option("--max-bytes", run.max_bytes,
                   "Largest input accepted, in bytes (default 1 MiB)");
    app.add_option("--max-ungrounded", run.max_ungrounded,
                   "Exit 1 when more claims than N are not found in the article");
    app.add_flag("-q,--quiet", run.quiet, "No notices on stderr");
    add_panel_flags(app, run.overrides);
    roundtable::commands::CacheFlags run_cache;
    add_cache_flags(app, run_cache);
    (void)show_version;

    auto* schema = app.add_subcommand("schema", "Print the JSON Schema of the JSON card");
    auto* schema_score =
        schema->add_subcommand("score", "Print the JSON Schema of the score JSON instead");
    auto* prompts = app.add_subcommand("prompts", "Print the round templates");
    prompts->add_option("--prompts", prompts_dir, "Read the templates from DIR");
    roundtable::commands::ProvidersOptions providers_options;
    auto* providers =
        app.add_subcommand("providers", "List the panel's seats, models and whether keys are set");
    add_panel_flags(*providers, providers_options.overrides);
    providers->add_flag("--check", providers_options.check,
                        "Make one tiny call per seat; report status and latency");

    roundtable::commands::ModelsOptions models_options;
    auto* models = app.add_subcommand(
        "models", "List the model catalogue: prices, limits, reasoning, default efforts, sources");
    models->add_option("-f,--format", models_options.format, "Output: text or json")
        ->capture_default_str();
    models->add_option("--provider", models_options.provider,
                       "Only this provider's models (anthropic, openai, gemini, xai)");
    models->add_option("--config", models_options.config_path,
                       "TOML config file whose [models] and [defaults] are merged in");

    roundtable::commands::BatchOptions batch_options;
    auto* batch =
        app.add_subcommand("batch", "Run the panel over a corpus: files, folders, globs, .jsonl");
    batch->footer(k_batch_examples);
    batch
        ->add_option("inputs", batch_options.inputs,
                     "Files, folders (recursive), globs or .jsonl files")
        ->required();
    batch->add_option("--jsonl", batch_options.jsonl,
                      "Append one JSON line per article to FILE (default: stdout)");
    batch->add_option("-j,--jobs", batch_options.jobs, "Panels run at once")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    batch
        ->add_option("--max-in-flight", batch_options.max_in_flight,
                     "Calls in flight per provider (protocol and server)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    batch
        ->add_option("--rpm", batch_options.overrides.rpm,
                     "Requests per minute per provider, for every seat (0: no limit of "
                     "our own; overrides the seats' rpm)")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{1'000'000'000}));
    batch
        ->add_option("--tpm", batch_options.overrides.tpm,
                     "Tokens (input + output) per minute per provider, for every seat "
                     "(0: no limit of our own; overrides the seats' tpm)")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{1'000'000'000}));
    batch->add_flag("--resume", batch_options.resume,
                    "Skip ids that already have a card line in --jsonl FILE");
    batch
        ->add_option("--shard", batch_options.shard,
                     "Run shard K of N (by a stable hash of the id)")
        ->type_name("K/N");
    batch
        ->add_option(
            "--fail-on", batch_options.fail_on,
            "Exit 1 when an article matches: stance=bearish|neutral|bullish|split, agreement<0.5, "
            "ungrounded>0, failed-seats>0 (repeatable, comma-separated)")
        ->type_name("EXPR")
        ->allow_extra_args(false); // one expression per flag, repeatable; inputs may follow
    batch->add_option("--report", batch_options.report, "Write a standalone HTML report to FILE");
    batch->add_option("--outcomes", batch_options.outcomes,
                      "Score the cards against FILE (CSV or JSONL) in the --report");
    batch->add_option("--band", batch_options.band, "Returns within +-B are neutral (--outcomes)")
        ->capture_default_str();
    bool batch_no_rebuttal = false;
    batch->add_flag("--no-rebuttal", batch_no_rebuttal, "Skip the rebuttal round");
    batch->add_flag("--anonymize", batch_options.anonymize,
                    "Show the other seats as Panelist A-D in round 2");
    batch->add_option("--prompts", prompts_dir, "Read the round templates from DIR");
    batch->add_option("--max-bytes", batch_options.max_bytes,
                      "Largest article accepted, in bytes (default 1 MiB)");
    batch->add_flag("-q,--quiet", batch_options.quiet, "No notices or progress line on stderr");
    add_panel_flags(*batch, batch_options.overrides);
    add_cache_flags(*batch, batch_options.cache);
    // Issue 11: the providers' batch APIs (half price, apart from the per-minute limits).
    batch->add_flag("--provider-batch", batch_options.provider_batch,
                    "Send the calls as the providers' batch jobs (cheaper; hours, not seconds)");
    batch->add_flag("--finish-sync", batch_options.finish_sync,
                    "With --provider-batch: call directly what still fails in a job");
    batch->add_option("--poll", batch_options.poll_seconds,
                      "With --provider-batch: seconds between polls of a job (default 30)");

    // Issue 14: `roundtable extract`, what the panel would read.
    roundtable::commands::ExtractOptions extract_options;
    auto* extract = app.add_subcommand(
        "extract", "Print what the panel would read: title, byline, date, site, article body");
    extract->add_option("input", extract_options.input,
                        "A file, - for stdin, or an http(s) URL (default: stdin)");
    extract->add_option("-f,--format", extract_options.format, "Output: text or json")
        ->capture_default_str();
    extract->add_option("--max-bytes", extract_options.max_bytes,
                        "Largest input accepted, in bytes (default 1 MiB)");

    roundtable::commands::LogsOptions logs_options;
    auto* logs = app.add_subcommand("logs", "List recently logged cards, or show one again");
    logs->add_option("-n,--limit", logs_options.limit, "How many cards to list")
        ->capture_default_str();
    logs->add_flag("--json", logs_options.json, "Print the list as JSON");
    auto* logs_show = logs->add_subcommand("show", "Render a logged card again");
    logs_show
        ->add_option("id", logs_options.show,
                     "Row number, article id, or an id prefix (6+ characters)")
        ->required();
    logs_show
        ->add_option("-f,--format", logs_options.format, "Output: text, markdown, json or html")
        ->capture_default_str();
    logs_show->add_option("--color", logs_options.color, "Colour: auto, always or never")
        ->capture_default_str();

    // roundtable cache [prune|clear]: the store's size, entries and hit rate; shrink it.
    roundtable::commands::CacheOptions cache_options;
    auto* cache = app.add_subcommand(
        "cache", "Show the reply cache and card log: path, size, entries, hit rate");
    cache->footer(R"(Examples:
  roundtable cache                                   path, size, replies and cards, hit rate
  roundtable cache prune                             apply the [store] limits of config.toml now
  roundtable cache prune --older-than 7d --max-size 200M
  roundtable cache clear --yes                       remove every reply and card, without asking

Exit codes: 0 done (or a declined clear), 2 bad flag, 4 bad config or unusable store.)");
    cache->add_flag("--json", cache_options.json, "Print one JSON object");
    auto* cache_prune =
        cache->add_subcommand("prune", "Remove what is over the limits now (config [store])");
    cache_prune
        ->add_option("--older-than", cache_options.older_than,
                     "Remove replies older than this: 7d, 12h, 2w (default cache_max_age_days)")
        ->type_name("DURATION");
    cache_prune
        ->add_option("--max-size", cache_options.max_size,
                     "Remove the oldest entries until the data fits: 200M, 1G (default "
                     "cache_max_mb)")
        ->type_name("SIZE");
    auto* cache_clear = cache->add_subcommand("clear", "Remove every cached reply and logged card");
    cache_clear->add_flag("-y,--yes", cache_options.yes, "Do not ask, even on a terminal");
    for (auto* command : {cache, cache_prune, cache_clear}) {
        command->add_option("--config", cache_options.overrides.config_path,
                            "TOML config file (its [store] limits)");
    }
    roundtable::commands::ScoreOptions score_options;
    auto* score = app.add_subcommand(
        "score", "Score each seat and the panel against outcomes: accuracy, Brier, calibration");
    score->footer(R"(Examples:
  roundtable score cards.jsonl --outcomes outcomes.csv             text table
  roundtable score cards.jsonl --outcomes returns.jsonl --band 0.02 --format html -o score.html
  roundtable score --from-log --outcomes outcomes.csv              the newest logged card of each id
  roundtable score cards.jsonl --outcomes o.csv --fail-on 'accuracy<0.6' --fail-on 'seat:gpt:brier>0.5'

Outcomes: CSV (header with id and label or return) or JSONL ({"id", "label"|"return"}); a return
is a fraction (0.023 is +2.3%): above +band bullish, below -band bearish, else neutral.
Exit codes: 0 scored, 1 a --fail-on threshold was crossed, 2 usage or a bad file, line or row.)");
    score->add_option("cards", score_options.cards,
                      "JSONL of roundtable batch (- for stdin); with --from-log, logged card ids");
    score
        ->add_option("--outcomes", score_options.outcomes, "CSV or JSONL of id and label or return")
        ->required();
    score->add_option("--band", score_options.band, "Returns within +-B are neutral")
        ->capture_default_str();
    score->add_flag("--from-log", score_options.from_log,
                    "Score logged cards (roundtable logs): the ids given, else every id's newest");
    score->add_option("-f,--format", score_options.format, "Output: text, json or html")
        ->capture_default_str();
    score->add_option("-o,--output", score_options.output, "Write to FILE (atomically)");
    score
        ->add_option("--fail-on", score_options.fail_on,
                     "Exit 1 when a figure crosses: accuracy<0.6, accuracy-round1<0.6, brier>0.5, "
                     "seat:NAME:accuracy<0.5 (repeatable, comma-separated)")
        ->type_name("EXPR")
        ->allow_extra_args(false); // one expression per flag, repeatable
    score->add_flag("-v,--verbose", score_options.verbose,
                    "List the ids without an outcome or without a card");
    score->add_flag("-q,--quiet", score_options.quiet, "No notices on stderr");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "roundtable: error: " << e.what() << " (see --help)\n";
        return static_cast<int>(Exit::usage);
    }

    install_interrupt_handler();
    try {
        int code = 0;
        if (*schema) {
            code = *schema_score ? roundtable::commands::run_score_schema(std::cout)
                                 : roundtable::commands::run_schema(std::cout);
        } else if (*score) {
            code = roundtable::commands::run_score(score_options, std::cout, std::cerr);
        } else if (*prompts) {
            code = roundtable::commands::run_prompts(prompts_dir, std::cout);
        } else if (*batch) {
            batch_options.rebuttal = !batch_no_rebuttal;
            batch_options.prompts_dir = prompts_dir;
            batch_options.stderr_is_tty = ::isatty(STDERR_FILENO) != 0;
            code = roundtable::commands::run_batch(batch_options, std::cout, std::cerr);
        } else if (*extract) {
            code = roundtable::commands::run_extract(extract_options, std::cout, std::cerr);
        } else if (*logs) {
            logs_options.stdout_is_tty = ::isatty(STDOUT_FILENO) != 0;
            code = roundtable::commands::run_logs(logs_options, std::cout, std::cerr);
        } else if (*models) {
            code = roundtable::commands::run_models(models_options, std::cout);
        } else if (*cache) {
            using Action = roundtable::commands::CacheOptions::Action;
            cache_options.action = *cache_prune   ? Action::prune
                                   : *cache_clear ? Action::clear
                                                  : Action::show;
            cache_options.stdin_is_tty = ::isatty(STDIN_FILENO) != 0;
            code = roundtable::commands::run_cache(cache_options, std::cin, std::cout, std::cerr);
        } else if (*providers) {
            code = roundtable::commands::run_providers(providers_options, std::cout, std::cerr);
        } else {
            if (run.input.empty() && ::isatty(STDIN_FILENO)) {
                std::cerr << app.help()
                          << "\nroundtable: error: no article given: pass a file, - for "
                             "stdin, or a URL\n";
                return static_cast<int>(Exit::usage);
            }
            run.rebuttal = !no_rebuttal;
            run.prompts_dir = prompts_dir;
            run.stdout_is_tty = ::isatty(STDOUT_FILENO) != 0;
            code = roundtable::commands::run_card_cached(run, run_cache, std::cout, std::cerr);
        }
        if (roundtable::http::abort_requested()) {
            std::cerr << "roundtable: interrupted\n";
            return static_cast<int>(Exit::interrupted);
        }
        return code;
    } catch (const Error& e) {
        if (e.code() == Exit::interrupted || roundtable::http::abort_requested()) {
            std::cerr << "roundtable: interrupted\n";
            return static_cast<int>(Exit::interrupted);
        }
        std::cerr << "roundtable: error: " << e.what() << '\n';
        return static_cast<int>(e.code());
    } catch (const std::exception& e) {
        std::cerr << "roundtable: error: " << e.what() << '\n';
        return static_cast<int>(Exit::usage);
    }
}
