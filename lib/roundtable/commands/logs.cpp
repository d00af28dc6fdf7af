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
#include <roundtable/session/session.hpp>
#include <roundtable/store/store.hpp>
#include <roundtable/util/error.hpp>

namespace roundtable::commands {

namespace {

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

int run_logs(const LogsOptions& options, std::ostream& out, std::ostream& err) {
    auto format = render::parse_format(options.format);
    if (!format) {
        throw Error(
            Exit::usage,
            fmt::format("--format: unknown format '{}' (expected text, markdown, json or html)",
                        options.format));
    }
    store::OpenOptions open_options;
    open_options.notify = session::warning_sink(err);
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
