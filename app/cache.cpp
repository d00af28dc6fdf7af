// `roundtable cache [prune|clear]`: the store's size, entries and hit rate; shrink it.
#include "cli.hpp"

#include <iostream>
#include <memory>
#include <roundtable/commands/cache.hpp>
#include <unistd.h>

namespace roundtable::app {

Command setup_cache(CLI::App& app) {
    auto options = std::make_shared<commands::CacheOptions>();
    auto* cache = app.add_subcommand(
        "cache", "Show the reply cache and card log: path, size, entries, hit rate");
    cache->footer(R"(Examples:
  roundtable cache                                   path, size, replies and cards, hit rate
  roundtable cache prune                             apply the [store] limits of config.toml now
  roundtable cache prune --older-than 7d --max-size 200M
  roundtable cache clear --yes                       remove every reply and card, without asking

Exit codes: 0 done (or a declined clear), 2 bad flag, 4 bad config or unusable store.)");
    cache->add_flag("--json", options->json, "Print one JSON object");
    auto* prune =
        cache->add_subcommand("prune", "Remove what is over the limits now (config [store])");
    prune
        ->add_option("--older-than", options->older_than,
                     "Remove replies older than this: 7d, 12h, 2w (default cache_max_age_days)")
        ->type_name("DURATION");
    prune
        ->add_option("--max-size", options->max_size,
                     "Remove the oldest entries until the data fits: 200M, 1G (default "
                     "cache_max_mb)")
        ->type_name("SIZE");
    auto* clear = cache->add_subcommand("clear", "Remove every cached reply and logged card");
    clear->add_flag("-y,--yes", options->yes, "Do not ask, even on a terminal");
    Command command;
    command.app = cache;
    command.run = [options, prune, clear](GlobalOptions& g) {
        using Action = commands::CacheOptions::Action;
        options->action = *prune ? Action::prune : *clear ? Action::clear : Action::show;
        options->overrides.config_path = g.overrides.config_path;
        options->stdin_is_tty = ::isatty(STDIN_FILENO) != 0;
        return commands::run_cache(*options, std::cin, std::cout, std::cerr);
    };
    return command;
}

} // namespace roundtable::app
