#include <chrono>
#include <ctime>
#include <fmt/format.h>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <roundtable/commands/logs.hpp>
#include <roundtable/panel/card.hpp>
#include <roundtable/providers/defaults.hpp>
#include <roundtable/render/render.hpp>
#include <roundtable/render/terminal.hpp>
#include <roundtable/store/store.hpp>
#include <roundtable/util/error.hpp>

namespace roundtable::commands {

namespace {

std::mutex g_err_mutex; // diagnostics from worker threads go out whole

std::string format_time(std::int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

std::string clip(std::string_view s, std::size_t n) {
    if (s.size() <= n) {
        return std::string(s);
    }
    std::size_t cut = n - 3;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
        --cut; // never split a UTF-8 sequence
    }
    return std::string(s.substr(0, cut)) + "...";
}

} // namespace

std::function<void(const std::string&)> warning_sink(std::ostream& err) {
    return [&err](const std::string& message) {
        const std::lock_guard lock(g_err_mutex);
        err << "roundtable: warning: " << message << '\n';
    };
}

store::Limits store_limits(const config::StoreSettings& settings) {
    constexpr std::int64_t k_mib = 1024 * 1024;
    constexpr std::int64_t k_day = 86400;
    store::Limits limits;
    limits.max_bytes = settings.cache_max_mb * k_mib;
    limits.reply_max_age_s = settings.cache_max_age_days * k_day;
    limits.card_max_age_s = settings.log_max_age_days * k_day;
    return limits;
}

RunStore open_run_store(const CacheFlags& flags, std::ostream& err, const StoreSetup& setup) {
    RunStore rs;
    rs.warning = std::make_shared<providers::CacheWarning>(warning_sink(err));
    rs.stats = std::make_shared<providers::CacheStats>();
    rs.settings = setup.settings;
    rs.mode = flags.no_cache  ? providers::CacheMode::off
              : flags.refresh ? providers::CacheMode::refresh
                              : providers::CacheMode::read_write;
    rs.log = flags.log;
    if (rs.mode == providers::CacheMode::off && !rs.log) {
        return rs;
    }
    store::OpenOptions open_options;
    open_options.clock = setup.clock;
    open_options.notify = warning_sink(err);
    open_options.reply_max_age_s = store_limits(setup.settings).reply_max_age_s;
    auto opened = store::Store::open(setup.path.empty() ? store::Store::default_path() : setup.path,
                                     open_options);
    if (!opened) {
        rs.warning->warn(opened.error());
        return rs;
    }
    rs.store = std::make_shared<store::Store>(std::move(*opened));
    return rs;
}

void finish_run_store(const RunStore& run_store) {
    if (!run_store.store) {
        return;
    }
    const auto warn = [&run_store](const std::string& reason) {
        if (run_store.warning) {
            run_store.warning->warn(reason);
        }
    };
    if (run_store.stats) {
        const std::int64_t hits = run_store.stats->hits.load();
        const std::int64_t misses = run_store.stats->misses.load();
        if (hits + misses > 0) {
            if (auto recorded = run_store.store->record_run(hits, misses); !recorded) {
                warn(recorded.error());
            }
        }
    }
    auto enforced =
        run_store.store->enforce(store_limits(run_store.settings), store::Effort::incremental);
    if (!enforced) {
        warn(enforced.error());
    }
}

std::vector<panel::Seat> wrap_seats(std::vector<panel::Seat> seats, const RunStore& run_store,
                                    const SeatLimiter& limit) {
    for (auto& seat : seats) {
        if (seat.config.provider == "offline" || seat.provider->kind() == "offline") {
            continue;
        }
        if (limit) {
            seat.provider = limit(seat.config, seat.provider);
        }
        if (run_store.store && run_store.mode != providers::CacheMode::off) {
            std::string base_url =
                seat.config.base_url.empty()
                    ? std::string(providers::default_base_url(seat.config.provider))
                    : seat.config.base_url;
            seat.provider = std::make_shared<providers::CachingProvider>(
                seat.provider, run_store.store, base_url, run_store.mode, run_store.warning,
                run_store.stats);
        }
    }
    return seats;
}

void log_card(const RunStore& run_store, const std::string& id, const panel::Card& card) {
    if (!run_store.store || !run_store.log) {
        return;
    }
    store::CardLogEntry entry;
    entry.id = id;
    entry.title = card.article.title;
    entry.source = card.article.source;
    entry.stance = card.consensus.stance_label();
    entry.vote = card.consensus.vote_label();
    entry.cost_usd = card.usage.cost_usd;
    entry.created_at = run_store.store->now();
    entry.card_json = panel::to_json_text(card, -1);
    auto logged = run_store.store->log_card(entry);
    if (!logged && run_store.warning) {
        run_store.warning->warn(logged.error());
    }
}

int run_logs(const LogsOptions& options, std::ostream& out, std::ostream& err) {
    auto format = render::parse_format(options.format);
    if (!format) {
        throw Error(
            Exit::usage,
            fmt::format("--format: unknown format '{}' (expected text, markdown, json or html)",
                        options.format));
    }
    store::OpenOptions open_options;
    open_options.notify = warning_sink(err);
    auto opened = store::Store::open(store::Store::default_path(), open_options);
    if (!opened) {
        throw Error(Exit::config, opened.error());
    }
    if (!options.show.empty()) {
        auto entry = opened->find_card(options.show);
        if (!entry) {
            throw Error(Exit::usage, entry.error());
        }
        panel::Card card;
        try {
            card = panel::card_from_json_text(entry->card_json);
        } catch (const std::exception& e) {
            throw Error(Exit::config,
                        fmt::format("logged card '{}' cannot be read: {}", entry->id, e.what()));
        }
        render::RenderOptions ro;
        ro.format = *format;
        ro.color = render::want_color(options.color, options.stdout_is_tty);
        ro.width = options.stdout_is_tty ? render::terminal_width(80) : 80;
        out << render::render(card, ro);
        return 0;
    }
    auto entries = opened->recent_cards(options.limit);
    if (!entries) {
        throw Error(Exit::config, entries.error());
    }
    if (options.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& e : *entries) {
            list.push_back({{"row", e.row_id},
                            {"id", e.id},
                            {"time", e.created_at},
                            {"title", e.title},
                            {"source", e.source},
                            {"stance", e.stance},
                            {"vote", e.vote},
                            {"cost_usd", e.cost_usd}});
        }
        out << list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        return 0;
    }
    if (entries->empty()) {
        out << "no cards logged yet\n";
        return 0;
    }
    out << fmt::format("{:<6} {:<16} {:<8} {:<7} {:>9}  {}\n", "ROW", "TIME (UTC)", "STANCE",
                       "VOTE", "COST", "TITLE");
    for (const auto& e : *entries) {
        out << fmt::format("{:<6} {:<16} {:<8} {:<7} {:>9}  {}\n", e.row_id,
                           format_time(e.created_at), e.stance, e.vote,
                           fmt::format("${:.4f}", e.cost_usd),
                           clip(e.title.empty() ? e.source : e.title, 60));
    }
    return 0;
}

} // namespace roundtable::commands
