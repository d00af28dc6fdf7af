#include <algorithm>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <limits>
#include <roundtable/commands/score.hpp>
#include <roundtable/panel/card.hpp>
#include <roundtable/score/cards.hpp>
#include <roundtable/score/outcomes.hpp>
#include <roundtable/score/policy.hpp>
#include <roundtable/score/render.hpp>
#include <roundtable/store/store.hpp>
#include <roundtable/util/atomic_file.hpp>
#include <roundtable/util/error.hpp>
#include <roundtable/util/file.hpp>
#include <unordered_set>

namespace roundtable::commands {

namespace {

void read_card_file(const std::string& path, score::CardLines& into) {
    if (path == "-") {
        auto read = score::read_card_lines(std::cin, "stdin", into);
        if (!read) {
            throw Error(Exit::usage, read.error());
        }
        return;
    }
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw Error(Exit::usage, fmt::format("{}: is a directory (expected the JSONL of "
                                             "roundtable batch)",
                                             path));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(Exit::usage, fmt::format("{}: {}", path, util::describe_errno(errno)));
    }
    auto read = score::read_card_lines(in, path, into);
    if (!read) {
        throw Error(Exit::usage, read.error());
    }
    if (in.bad()) {
        throw Error(Exit::usage, fmt::format("{}: cannot be read", path));
    }
}

panel::Card logged_card(const store::CardLogEntry& entry) {
    try {
        return panel::card_from_json_text(entry.card_json);
    } catch (const std::exception& e) {
        throw Error(Exit::config,
                    fmt::format("logged card '{}' cannot be read: {}", entry.id, e.what()));
    }
}

// Reads the logged cards named by `ids` (row, id or id prefix), or, with none, the
// newest card of every id in the log, oldest first.
void read_log(const std::vector<std::string>& ids, score::CardLines& into) {
    auto opened = store::Store::open(store::Store::default_path());
    if (!opened) {
        throw Error(Exit::config, opened.error());
    }
    if (!ids.empty()) {
        for (const auto& id : ids) {
            auto entry = opened->find_card(id);
            if (!entry) {
                throw Error(Exit::usage, entry.error());
            }
            into.cards.push_back(score::record_of(entry->id, logged_card(*entry)));
        }
        return;
    }
    auto entries = opened->recent_cards(std::numeric_limits<std::size_t>::max(), true);
    if (!entries) {
        throw Error(Exit::config, entries.error());
    }
    std::unordered_set<std::string> seen;
    std::vector<const store::CardLogEntry*> newest; // newest first, one per id
    for (const auto& entry : *entries) {
        if (seen.insert(entry.id).second) {
            newest.push_back(&entry);
        }
    }
    for (auto it = newest.rbegin(); it != newest.rend(); ++it) {
        into.cards.push_back(score::record_of((*it)->id, logged_card(**it)));
    }
}

std::string comparison(const score::PolicyCheck& check) {
    return fmt::format("{:.4f}", *check.value);
}

} // namespace

int run_score(const ScoreOptions& options, std::ostream& out, std::ostream& err) {
    if (options.format != "text" && options.format != "json" && options.format != "html") {
        throw Error(Exit::usage, fmt::format("--format: unknown format '{}' (expected text, json "
                                             "or html)",
                                             options.format));
    }
    if (!std::isfinite(options.band) || options.band < 0.0) {
        throw Error(Exit::usage,
                    fmt::format("--band: expected a fraction of at least 0 (0.01 is 1%), got {}",
                                options.band));
    }
    if (options.outcomes.empty()) {
        throw Error(Exit::usage, "--outcomes FILE is required (CSV or JSONL: id and label or "
                                 "return)");
    }
    if (options.cards.empty() && !options.from_log) {
        throw Error(Exit::usage, "score: no cards given (the JSONL of roundtable batch, or "
                                 "--from-log)");
    }
    auto policies = score::parse_score_policies(options.fail_on);
    if (!policies) {
        throw Error(Exit::usage, policies.error());
    }

    auto outcomes = score::read_outcomes(options.outcomes, options.band);
    if (!outcomes) {
        throw Error(Exit::usage, outcomes.error());
    }
    score::CardLines lines;
    if (options.from_log) {
        read_log(options.cards, lines);
    } else {
        for (const auto& path : options.cards) {
            read_card_file(path, lines);
        }
    }
    score::Score result = score::compute(lines.cards, *outcomes, options.band);
    result.articles.failed = lines.error_lines;

    auto checks = score::check_policies(*policies, result);
    if (!checks) {
        throw Error(Exit::usage, checks.error());
    }

    const score::ArticleCounts& a = result.articles;
    if (options.verbose) {
        for (const auto& id : a.no_outcome_ids) {
            err << "roundtable: no outcome for card: " << id << '\n';
        }
        for (const auto& id : a.no_card_ids) {
            err << "roundtable: no card for outcome: " << id << '\n';
        }
        for (const auto& id : a.duplicate_ids) {
            err << "roundtable: card id given again (the last card is scored): " << id << '\n';
        }
    } else if (!options.quiet && (a.no_outcome > 0 || a.no_card > 0 || a.duplicates > 0)) {
        err << fmt::format("roundtable: not scored: {} card{} without an outcome, {} outcome{} "
                           "without a card; {} duplicate card id{} (--verbose lists the ids)\n",
                           a.no_outcome, a.no_outcome == 1 ? "" : "s", a.no_card,
                           a.no_card == 1 ? "" : "s", a.duplicates, a.duplicates == 1 ? "" : "s");
    }
    if (a.scored == 0 && !options.quiet) {
        err << "roundtable: warning: no card has an outcome, nothing was scored (do the ids of "
               "the cards and the outcomes match?)\n";
    }

    std::string text = options.format == "json"   ? score::render_json(result, options.verbose)
                       : options.format == "html" ? score::render_html(result)
                                                  : score::render_text(result);
    if (options.output.empty()) {
        out << text;
        out.flush();
    } else {
        util::write_file_atomic(options.output, text);
    }

    bool matched = false;
    for (const auto& check : *checks) {
        if (!check.value) {
            err << fmt::format("roundtable: warning: --fail-on {}: nothing scored, not checked\n",
                               check.text);
        } else if (check.matched) {
            matched = true;
            err << fmt::format("roundtable: --fail-on {} matched: the figure is {}\n", check.text,
                               comparison(check));
        }
    }
    return matched ? static_cast<int>(Exit::policy) : 0;
}

int run_score_schema(std::ostream& out) {
    out << score::score_json_schema();
    return 0;
}

} // namespace roundtable::commands
