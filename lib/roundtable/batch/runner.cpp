#include <chrono>
#include <condition_variable>
#include <deque>
#include <fmt/format.h>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <roundtable/batch/runner.hpp>
#include <roundtable/http/abort.hpp>
#include <roundtable/util/error.hpp>
#include <roundtable/util/json_text.hpp>
#include <thread>
#include <unordered_set>

namespace roundtable::batch {

namespace {

using Clock = std::chrono::steady_clock;

std::string failure_reason(int code) {
    switch (code) {
    case static_cast<int>(Exit::usage):
        return "input";
    case static_cast<int>(Exit::quorum):
        return "quorum";
    case static_cast<int>(Exit::config):
        return "config";
    default:
        return "other";
    }
}

// A bounded queue of items between the reading thread and the workers.
class Queue {
public:
    explicit Queue(std::size_t capacity) : m_capacity(capacity) {}

    void push(InputItem item) {
        std::unique_lock lock(m_mutex);
        m_not_full.wait(lock, [this] { return m_items.size() < m_capacity; });
        m_items.push_back(std::move(item));
        m_not_empty.notify_one();
    }

    std::optional<InputItem> pop() {
        std::unique_lock lock(m_mutex);
        m_not_empty.wait(lock, [this] { return !m_items.empty() || m_closed; });
        if (m_items.empty()) {
            return std::nullopt;
        }
        InputItem item = std::move(m_items.front());
        m_items.pop_front();
        m_not_full.notify_one();
        return item;
    }

    void close() {
        const std::lock_guard lock(m_mutex);
        m_closed = true;
        m_not_empty.notify_all();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_not_full;
    std::condition_variable m_not_empty;
    std::deque<InputItem> m_items;
    std::size_t m_capacity;
    bool m_closed = false;
};

// Returns `id` as a JSONL line reads back: what is not UTF-8 (a file name's bytes) as U+FFFD.
std::string as_written(const std::string& id) {
    std::string literal;
    util::append_json_string(literal, id);
    return nlohmann::json::parse(literal).get<std::string>();
}

// Applies the shard, resume and duplicate filters; returns whether the item runs.
class Filter {
public:
    Filter(const RunnerOptions& options, BatchTotals* totals)
        : m_options(options), m_totals(totals) {}

    bool keep(const InputItem& item) {
        if (m_options.only && !m_options.only->contains(item.id)) {
            return false;
        }
        if (m_options.shard && !in_shard(item.id, *m_options.shard)) {
            count(&BatchTotals::skipped_shard);
            return false;
        }
        if (!m_options.done.empty() &&
            (m_options.done.contains(item.id) || m_options.done.contains(as_written(item.id)))) {
            count(&BatchTotals::skipped_done);
            return false;
        }
        if (!m_seen.insert(item.id).second) {
            count(&BatchTotals::duplicates);
            return false;
        }
        return true;
    }

private:
    void count(std::size_t BatchTotals::*field) {
        if (m_totals) {
            ++(m_totals->*field);
        }
    }

    const RunnerOptions& m_options;
    BatchTotals* m_totals;
    std::unordered_set<std::string> m_seen;
};

} // namespace

ArticleFacts article_facts(const std::string& id, const panel::Card& card) {
    ArticleFacts af;
    af.id = id;
    af.title = card.article.title;
    af.vote = card.consensus.vote_label();
    af.facts = card_facts(card);
    af.cost_usd = card.usage.cost_usd;
    for (const auto& seat : card.seats) {
        std::string stance;
        for (const auto& t : card.takes) {
            if (t.seat == seat.seat) {
                stance = std::string(panel::stance_name(t.stance));
            }
        }
        for (const auto& r : card.rebuttals) {
            if (r.seat == seat.seat) {
                stance = std::string(panel::stance_name(r.stance_after));
            }
        }
        af.seat_stances.emplace_back(seat.seat, stance);
    }
    return af;
}

CardFacts card_facts(const panel::Card& card) {
    CardFacts facts;
    facts.stance = card.consensus.stance_label();
    facts.agreement = card.consensus.agreement;
    facts.ungrounded = card.consensus.ungrounded.size();
    for (const auto& t : card.takes) {
        facts.ungrounded += t.ungrounded.size();
    }
    for (const auto& r : card.rebuttals) {
        facts.ungrounded += r.ungrounded.size();
    }
    for (const auto& s : card.seats) {
        facts.failed_seats += s.ok ? 0 : 1;
    }
    return facts;
}

std::string card_line_json(const std::string& id, const std::string& card_json) {
    // An id is a file name, which on Linux need not be UTF-8: written with U+FFFD for what is
    // not, as error_line() writes it (a strict dump threw, and the card was lost).
    std::string line = "{\"id\":";
    util::append_json_string(line, id);
    line += ",\"card\":";
    line += card_json;
    line += '}';
    return line;
}

std::string card_line(const std::string& id, const panel::Card& card) {
    return card_line_json(id, panel::to_json_text(card, -1));
}

std::string error_line(const std::string& id, const std::string& message, int exit_code) {
    return nlohmann::json{{"id", id}, {"error", message}, {"exit", exit_code}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

BatchTotals run_corpus(const RunnerOptions& options, const RunnerHooks& hooks, LineWriter& writer,
                       std::ostream& err) {
    const auto start = Clock::now();
    BatchTotals totals;
    std::mutex totals_mutex; // guards totals and the progress line

    RunnerProgress progress;
    if (options.count_planned) {
        InputReader counter(options.inputs);
        Filter filter(options, nullptr);
        while (auto item = counter.next()) {
            progress.planned += filter.keep(*item) ? 1 : 0;
        }
    }

    auto report_progress = [&] { // called with totals_mutex held
        if (!hooks.on_progress) {
            return;
        }
        progress.cards = totals.cards;
        progress.failed = totals.failed;
        progress.cost_usd = totals.cost_usd;
        hooks.on_progress(progress);
    };
    if (options.count_planned) {
        const std::lock_guard lock(totals_mutex);
        report_progress();
    }

    auto write = [&](const std::string& line) {
        auto written = writer.write_line(line);
        if (!written) {
            const std::lock_guard lock(totals_mutex);
            err << "roundtable: warning: " << written.error() << '\n';
        }
    };

    auto record_failure = [&](const InputItem& item, const std::string& message, int code) {
        write(error_line(item.id, message, code));
        const std::lock_guard lock(totals_mutex);
        ++totals.failed;
        ++totals.failures[failure_reason(code)];
        totals.worst_exit = std::max(totals.worst_exit, code);
        report_progress();
    };

    auto process = [&](const InputItem& item) {
        if (item.kind == InputItem::Kind::error) {
            record_failure(item, item.value, static_cast<int>(Exit::usage));
            return;
        }
        try {
            article::Article article = hooks.read(item);
            if (!item.title.empty()) {
                article.title = item.title;
            }
            panel::Card card = hooks.run(item, article);
            const std::string card_json = panel::to_json_text(card, -1);
            write(card_line_json(item.id, card_json));
            if (hooks.on_card) {
                hooks.on_card(item, card, card_json);
            }
            CardFacts facts = card_facts(card);
            if (hooks.on_facts) {
                hooks.on_facts(article_facts(item.id, card));
            }
            const std::lock_guard lock(totals_mutex);
            ++totals.cards;
            ++totals.stances[facts.stance];
            totals.calls += card.usage.calls;
            totals.cache_hits += card.usage.cache_hits;
            totals.input_tokens += card.usage.input_tokens;
            totals.output_tokens += card.usage.output_tokens;
            totals.cost_usd += card.usage.cost_usd;
            for (const auto& policy : options.policies) {
                if (policy.matches(facts)) {
                    totals.policy_matches.emplace_back(policy.text, item.id);
                }
            }
            report_progress();
        } catch (const Deferred&) {
            const std::lock_guard lock(totals_mutex);
            ++totals.deferred;
        } catch (const Error& e) {
            if (e.code() == Exit::interrupted || http::abort_requested()) {
                const std::lock_guard lock(totals_mutex);
                ++totals.interrupted;
                return;
            }
            record_failure(item, e.what(), static_cast<int>(e.code()));
        } catch (const std::exception& e) {
            if (http::abort_requested()) {
                const std::lock_guard lock(totals_mutex);
                ++totals.interrupted;
                return;
            }
            record_failure(item, e.what(), static_cast<int>(Exit::usage));
        }
    };

    const std::size_t jobs = std::max<std::size_t>(1, options.jobs);
    Queue queue(jobs * 2);
    std::vector<std::thread> workers;
    workers.reserve(jobs);
    for (std::size_t i = 0; i < jobs; ++i) {
        workers.emplace_back([&] {
            while (auto item = queue.pop()) {
                if (http::abort_requested()) {
                    continue; // drain without launching
                }
                process(*item);
            }
        });
    }

    InputReader reader(options.inputs);
    Filter filter(options, &totals);
    while (!http::abort_requested()) {
        auto item = reader.next();
        if (!item) {
            break;
        }
        bool keep = false;
        {
            const std::lock_guard lock(totals_mutex);
            ++totals.seen;
            keep = filter.keep(*item);
        }
        if (keep) {
            queue.push(std::move(*item));
        }
    }
    queue.close();
    for (auto& w : workers) {
        w.join();
    }
    totals.wall_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    return totals;
}

std::string format_summary(const BatchTotals& t) {
    std::string out = fmt::format("roundtable: batch: {} cards, {} failed", t.cards, t.failed);
    if (t.skipped_done > 0) {
        out += fmt::format(", {} already done (--resume)", t.skipped_done);
    }
    if (t.skipped_shard > 0) {
        out += fmt::format(", {} in other shards", t.skipped_shard);
    }
    if (t.duplicates > 0) {
        out += fmt::format(", {} duplicate ids skipped", t.duplicates);
    }
    if (t.interrupted > 0) {
        out += fmt::format(", {} interrupted", t.interrupted);
    }
    out += "\n";
    out += fmt::format("roundtable: stances: bearish {}, neutral {}, bullish {}, split {}\n",
                       t.stances.contains("bearish") ? t.stances.at("bearish") : 0,
                       t.stances.contains("neutral") ? t.stances.at("neutral") : 0,
                       t.stances.contains("bullish") ? t.stances.at("bullish") : 0,
                       t.stances.contains("split") ? t.stances.at("split") : 0);
    if (!t.failures.empty()) {
        std::string parts;
        for (const auto& [reason, n] : t.failures) {
            parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", reason, n);
        }
        out += fmt::format("roundtable: failures: {}\n", parts);
    }
    out += fmt::format("roundtable: calls {} ({} from cache), tokens {} in / {} out, cost ${:.4f}, "
                       "wall {:.1f} s\n",
                       t.calls, t.cache_hits, t.input_tokens, t.output_tokens, t.cost_usd,
                       static_cast<double>(t.wall_ms) / 1000.0);
    return out;
}

} // namespace roundtable::batch
