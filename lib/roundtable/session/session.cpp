#include <mutex>
#include <ostream>
#include <roundtable/panel/card.hpp>
#include <roundtable/providers/defaults.hpp>
#include <roundtable/session/session.hpp>
#include <roundtable/store/store.hpp>

namespace roundtable::session {

namespace {

std::mutex g_err_mutex; // diagnostics from worker threads go out whole

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

void log_card(const RunStore& run_store, const std::string& id, const panel::Card& card,
              const std::string& card_json) {
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
    entry.card_json = card_json.empty() ? panel::to_json_text(card, -1) : card_json;
    auto logged = run_store.store->log_card(entry);
    if (!logged && run_store.warning) {
        run_store.warning->warn(logged.error());
    }
}

} // namespace roundtable::session
