#include <fmt/format.h>
#include <ostream>
#include <roundtable/article/article.hpp>
#include <roundtable/commands/fetch.hpp>
#include <roundtable/commands/progress.hpp>
#include <roundtable/commands/run.hpp>
#include <roundtable/panel/pipeline.hpp>
#include <roundtable/providers/budget.hpp>
#include <roundtable/providers/factory.hpp>
#include <roundtable/render/render.hpp>
#include <roundtable/render/terminal.hpp>
#include <roundtable/session/session.hpp>
#include <roundtable/util/atomic_file.hpp>
#include <roundtable/util/error.hpp>

namespace roundtable::commands {

namespace {

bool is_url(std::string_view input) {
    return input.starts_with("http://") || input.starts_with("https://");
}

article::Article read_input(const RunOptions& options) {
    article::ReadOptions read;
    read.max_bytes = options.max_bytes;
    read.size_flag = "--max-bytes";
    if (options.input.empty() || options.input == "-") {
        return article::read_stdin(read);
    }
    if (is_url(options.input)) {
        return fetch_article(options.input, read);
    }
    return article::read_file(options.input, read);
}

std::vector<panel::Seat> make_seats(const config::PanelConfig& config) {
    std::vector<panel::Seat> seats;
    for (const auto& seat : config.seats) {
        seats.push_back({seat, providers::make_provider(seat)});
    }
    return seats;
}

std::size_t count_ungrounded(const panel::Card& card) {
    std::size_t n = card.consensus.ungrounded.size();
    for (const auto& t : card.takes) {
        n += t.ungrounded.size();
    }
    for (const auto& r : card.rebuttals) {
        n += r.ungrounded.size();
    }
    return n;
}

} // namespace

int run_card(const RunOptions& options, std::ostream& out, std::ostream& err) {
    // The library default touches no store; the CLI passes its cache flags.
    session::CacheFlags flags;
    flags.no_cache = true;
    flags.log = false;
    return run_card_cached(options, flags, out, err);
}

int run_card_cached(const RunOptions& options, const session::CacheFlags& flags, std::ostream& out,
                    std::ostream& err) {
    auto format = render::parse_format(options.format);
    if (!format) {
        throw Error(Exit::usage,
                    fmt::format("--format: unknown format '{}' (expected text, markdown, "
                                "json or html)",
                                options.format));
    }
    if (options.color != "auto" && options.color != "always" && options.color != "never") {
        throw Error(Exit::usage, fmt::format("--color: expected auto, always or never (got '{}')",
                                             options.color));
    }
    const ProgressMode progress_kind =
        progress_mode(options.progress, options.stderr_is_tty, options.quiet, options.verbose);
    config::PanelConfig config = config::load(options.overrides);
    panel::PanelOptions panel_options;
    if (options.prompts_dir) {
        panel_options.prompts = panel::PromptSet::from_dir(*options.prompts_dir);
    }
    article::Article article = read_input(options);
    if (!options.quiet) {
        for (const auto& notice : config.notices) {
            err << "roundtable: " << notice << '\n';
        }
    }
    for (const auto& warning : article.warnings) {
        err << "roundtable: warning: " << warning << '\n';
    }
    std::vector<panel::Seat> seats = make_seats(config);

    if (options.dry_run) {
        auto request = panel::take_request(panel_options.prompts, article);
        out << "=== round 1 (take): system text, identical for every seat ===\n"
            << request.system << "\n=== round 1 (take): user text, identical for every seat ===\n"
            << request.user << "\n";
        for (const auto& seat : seats) {
            request.effort = seat.config.effort;
            request.max_tokens =
                providers::output_budget(seat.config, request.round, request.effort);
            request.temperature = seat.config.temperature;
            out << fmt::format("=== seat {} ({} {}) — round 1 (take) ===\n", seat.config.name,
                               seat.config.provider, seat.provider->model());
            out << seat.provider->describe_request(request) << "\n\n";
        }
        out << "Rounds 2 (rebuttal) and 3 (chair) are built from round 1's replies; their prompts "
               "are "
               "the same templates (roundtable prompts).\n";
        return 0;
    }

    panel_options.rebuttal = options.rebuttal;
    panel_options.anonymize = options.anonymize;
    panel_options.quorum = config.quorum;
    panel_options.chair = config.chair;
    panel_options.offline = config.offline;
    panel_options.cost = panel::cost_function(config.catalogue);
    session::StoreSetup store_setup;
    store_setup.settings = config.store;
    session::RunStore run_store = session::open_run_store(flags, err, store_setup);
    seats = session::wrap_seats(std::move(seats), run_store);
    // The offline analysts take milliseconds: lines drawn and erased at once would only flicker.
    auto progress = std::make_shared<ProgressDisplay>(
        err,
        config.offline && progress_kind == ProgressMode::live ? ProgressMode::off : progress_kind,
        render::want_color(options.color, options.stderr_is_tty));
    panel_options.observer = progress;
    panel::Card card = panel::run_panel(article, seats, panel_options);
    progress->clear(); // stderr's progress is gone before the card is out
    session::log_card(run_store, card.article.sha256, card);

    render::RenderOptions render_options;
    render_options.format = *format;
    bool to_terminal = options.output.empty() && options.stdout_is_tty;
    render_options.color = render::want_color(options.color, to_terminal);
    render_options.width = to_terminal ? render::terminal_width(80) : 80;
    std::string text = render::render(card, render_options);
    if (options.output.empty()) {
        out << text;
        out.flush();
    } else {
        util::write_file_atomic(options.output, text);
    }
    session::finish_run_store(run_store); // after the card is out: pruning never delays it

    if (options.max_ungrounded) {
        std::size_t found = count_ungrounded(card);
        if (found > static_cast<std::size_t>(*options.max_ungrounded)) {
            err << fmt::format("roundtable: {} ungrounded claims, over --max-ungrounded {}\n",
                               found, *options.max_ungrounded);
            return static_cast<int>(Exit::policy);
        }
    }
    return 0;
}

int run_schema(std::ostream& out) {
    out << render::card_json_schema() << '\n';
    return 0;
}

int run_prompts(const std::optional<std::string>& prompts_dir, std::ostream& out) {
    auto set =
        prompts_dir ? panel::PromptSet::from_dir(*prompts_dir) : panel::PromptSet::embedded();
    for (const auto& [name, text] : set.files()) {
        out << "==> " << name << " <==\n" << text;
        if (!text.empty() && text.back() != '\n') {
            out << '\n';
        }
        out << '\n';
    }
    return 0;
}

} // namespace roundtable::commands
