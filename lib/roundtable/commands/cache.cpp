#include <ctime>
#include <fmt/format.h>
#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <roundtable/commands/cache.hpp>
#include <roundtable/session/session.hpp>
#include <roundtable/store/store.hpp>
#include <roundtable/util/error.hpp>
#include <roundtable/util/units.hpp>
#include <unistd.h>

namespace roundtable::commands {

namespace {

constexpr std::size_t k_recent_runs = 20;

std::string format_time(std::optional<std::int64_t> t) {
    if (!t) {
        return "-";
    }
    const auto tt = static_cast<std::time_t>(*t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &tm);
    return buffer;
}

std::string size(std::int64_t bytes) {
    return util::format_size(static_cast<std::uint64_t>(std::max<std::int64_t>(bytes, 0)));
}

std::string plural(std::int64_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string limit_days(std::int64_t days) {
    return days == 0 ? std::string("kept until the size cap") : fmt::format("kept {} days", days);
}

store::OpenOptions open_options(const CacheOptions& options, std::ostream& err) {
    store::OpenOptions open;
    open.clock = options.clock;
    open.notify = session::warning_sink(err);
    open.create = false;
    return open;
}

int show(const CacheOptions& options, const std::string& path,
         const config::StoreSettings& settings, std::ostream& out, std::ostream& err) {
    if (::access(path.c_str(), F_OK) != 0) {
        if (options.json) {
            out << nlohmann::json{{"path", path}, {"exists", false}}.dump(2) << '\n';
        } else {
            out << fmt::format("store     {}\n          none yet (the first card creates it)\n",
                               path);
        }
        return 0;
    }
    auto opened = store::Store::open(path, open_options(options, err));
    if (!opened) {
        throw Error(Exit::config, opened.error());
    }
    auto summary = opened->summary();
    if (!summary) {
        throw Error(Exit::config, fmt::format("cannot read {}: {}", path, summary.error()));
    }
    auto runs = opened->recent_runs(k_recent_runs);
    if (!runs) {
        throw Error(Exit::config, fmt::format("cannot read {}: {}", path, runs.error()));
    }
    std::int64_t hits = 0;
    std::int64_t lookups = 0;
    for (const auto& run : *runs) {
        hits += run.hits;
        lookups += run.hits + run.misses;
    }
    if (options.json) {
        const auto optional = [](std::optional<std::int64_t> t) {
            return t ? nlohmann::json(*t) : nlohmann::json(nullptr);
        };
        nlohmann::json doc{{"path", path},
                           {"exists", true},
                           {"file_bytes", summary->file_bytes},
                           {"data_bytes", summary->data_bytes},
                           {"replies", summary->replies},
                           {"cards", summary->cards},
                           {"oldest_reply", optional(summary->oldest_reply)},
                           {"newest_reply", optional(summary->newest_reply)},
                           {"oldest_card", optional(summary->oldest_card)},
                           {"newest_card", optional(summary->newest_card)},
                           {"runs", runs->size()},
                           {"hits", hits},
                           {"lookups", lookups},
                           {"hit_rate", lookups > 0 ? nlohmann::json(static_cast<double>(hits) /
                                                                     static_cast<double>(lookups))
                                                    : nlohmann::json(nullptr)},
                           {"limits",
                            {{"cache_max_mb", settings.cache_max_mb},
                             {"cache_max_age_days", settings.cache_max_age_days},
                             {"log_max_age_days", settings.log_max_age_days}}}};
        out << doc.dump(2) << '\n';
        return 0;
    }
    const std::string cap = settings.cache_max_mb == 0
                                ? std::string("no cap")
                                : "cap " + size(settings.cache_max_mb * 1024 * 1024);
    out << fmt::format("store     {}\n", path);
    out << fmt::format("size      {} on disk ({} of data; {})\n", size(summary->file_bytes),
                       size(summary->data_bytes), cap);
    const auto entries = [](std::int64_t n, std::optional<std::int64_t> oldest,
                            std::optional<std::int64_t> newest, std::int64_t days) {
        if (n == 0) {
            return fmt::format("0 ({})", limit_days(days));
        }
        return fmt::format("{} (oldest {}, newest {}; {})", n, format_time(oldest),
                           format_time(newest), limit_days(days));
    };
    out << fmt::format("replies   {}\n",
                       entries(summary->replies, summary->oldest_reply, summary->newest_reply,
                               settings.cache_max_age_days));
    out << fmt::format("cards     {}\n", entries(summary->cards, summary->oldest_card,
                                                 summary->newest_card, settings.log_max_age_days));
    if (lookups == 0) {
        out << "hit rate  no cached lookups recorded yet\n";
    } else {
        const auto& last = runs->front();
        const std::int64_t last_lookups = last.hits + last.misses;
        out << fmt::format(
            "hit rate  {:.0f}% over the last {} ({} of {} lookups); last run {:.0f}% ({} of {})\n",
            100.0 * static_cast<double>(hits) / static_cast<double>(lookups),
            plural(static_cast<std::int64_t>(runs->size()), "run", "runs"), hits, lookups,
            100.0 * static_cast<double>(last.hits) / static_cast<double>(last_lookups), last.hits,
            last_lookups);
    }
    return 0;
}

int prune(const CacheOptions& options, const std::string& path,
          const config::StoreSettings& settings, std::ostream& out, std::ostream& err) {
    store::Limits limits = session::store_limits(settings);
    if (options.older_than) {
        auto seconds = util::parse_duration(*options.older_than);
        if (!seconds) {
            throw Error(Exit::usage, "--older-than: " + seconds.error());
        }
        if (*seconds == 0) {
            throw Error(Exit::usage, "--older-than: expected a duration above 0 (roundtable "
                                     "cache clear empties the store)");
        }
        limits.reply_max_age_s = *seconds;
    }
    if (options.max_size) {
        auto bytes = util::parse_size(*options.max_size);
        if (!bytes) {
            throw Error(Exit::usage, "--max-size: " + bytes.error());
        }
        if (*bytes == 0) {
            throw Error(Exit::usage, "--max-size: expected a size above 0 (roundtable cache "
                                     "clear empties the store)");
        }
        limits.max_bytes = static_cast<std::int64_t>(*bytes);
    }
    if (::access(path.c_str(), F_OK) != 0) {
        out << fmt::format("no store at {}: nothing to prune\n", path);
        return 0;
    }
    auto opened = store::Store::open(path, open_options(options, err));
    if (!opened) {
        throw Error(Exit::config, opened.error());
    }
    auto report = opened->enforce(limits, store::Effort::full);
    if (!report) {
        throw Error(Exit::config, fmt::format("cannot prune {}: {}", path, report.error()));
    }
    out << fmt::format("removed {} and {}; {} went from {} to {}\n",
                       plural(report->replies_removed, "reply", "replies"),
                       plural(report->cards_removed, "card", "cards"), path,
                       size(report->file_bytes_before), size(report->file_bytes_after));
    return 0;
}

int clear(const CacheOptions& options, const std::string& path, std::istream& in, std::ostream& out,
          std::ostream& err) {
    if (::access(path.c_str(), F_OK) != 0) {
        out << fmt::format("no store at {}: nothing to clear\n", path);
        return 0;
    }
    auto opened = store::Store::open(path, open_options(options, err));
    if (!opened) {
        throw Error(Exit::config, opened.error());
    }
    if (options.stdin_is_tty && !options.yes) {
        auto summary = opened->summary();
        if (!summary) {
            throw Error(Exit::config, fmt::format("cannot read {}: {}", path, summary.error()));
        }
        err << fmt::format("Remove every cached reply and logged card in {} ({}, {}, {})? [y/N] ",
                           path, plural(summary->replies, "reply", "replies"),
                           plural(summary->cards, "card", "cards"), size(summary->file_bytes));
        err.flush();
        std::string answer;
        std::getline(in, answer);
        if (answer != "y" && answer != "Y" && answer != "yes" && answer != "YES" &&
            answer != "Yes") {
            out << "nothing removed\n";
            return 0;
        }
    }
    auto report = opened->clear();
    if (!report) {
        throw Error(Exit::config, fmt::format("cannot clear {}: {}", path, report.error()));
    }
    out << fmt::format("removed {} and {}; {} went from {} to {}\n",
                       plural(report->replies_removed, "reply", "replies"),
                       plural(report->cards_removed, "card", "cards"), path,
                       size(report->file_bytes_before), size(report->file_bytes_after));
    return 0;
}

} // namespace

int run_cache(const CacheOptions& options, std::istream& in, std::ostream& out, std::ostream& err) {
    const config::StoreSettings settings = config::load_store_settings(options.overrides);
    const std::string path = options.path.empty() ? store::Store::default_path() : options.path;
    switch (options.action) {
    case CacheOptions::Action::prune:
        return prune(options, path, settings, out, err);
    case CacheOptions::Action::clear:
        return clear(options, path, in, out, err);
    case CacheOptions::Action::show:
        break;
    }
    return show(options, path, settings, out, err);
}

} // namespace roundtable::commands
