// The corpus runner (DESIGN §7): streams InputItems, keeps the articles of the
// shard that are not done yet, runs their panels on `jobs` worker threads and
// writes one JSON line per finished article as soon as it finishes:
//   {"id": ..., "card": {...}}   or   {"id": ..., "error": "...", "exit": 2|3|4}
//
// Memory stays flat: at most 2 x jobs items wait in a queue, a card is dropped
// once its line is written, and only small per-article facts are kept. Ctrl-C
// (http::abort_requested()) stops the launching of new articles; an article
// whose panel was interrupted writes no line, so a --resume rerun redoes it.
//
// run_corpus() blocks until every launched article finished; the callbacks it
// is given are called from worker threads and must be thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <roundtable/article/article.hpp>
#include <roundtable/batch/inputs.hpp>
#include <roundtable/batch/output.hpp>
#include <roundtable/batch/policy.hpp>
#include <roundtable/batch/shard.hpp>
#include <roundtable/panel/card.hpp>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

namespace roundtable::batch {

// What the report keeps of one finished card.
struct ArticleFacts {
    std::string id;
    std::string title;
    std::string vote;
    CardFacts facts;
    double cost_usd = 0.0;
    std::vector<std::pair<std::string, std::string>>
        seat_stances; // seat -> final stance ("" failed)
};

struct BatchTotals {
    std::size_t seen = 0;          // items read from the inputs
    std::size_t skipped_shard = 0; // in another shard
    std::size_t skipped_done = 0;  // already in the output (--resume)
    std::size_t duplicates = 0;    // an id seen before in this run
    std::size_t cards = 0;
    std::size_t failed = 0;
    std::size_t interrupted = 0;                 // launched but stopped by Ctrl-C (no line written)
    std::size_t deferred = 0;                    // waiting for later answers (no line written)
    std::map<std::string, std::size_t> stances;  // "bearish" -> n, ..., "split" -> n
    std::map<std::string, std::size_t> failures; // "input" | "quorum" | "config" | "other" -> n
    int worst_exit = 0;                          // highest exit code of a failed article
    std::int64_t calls = 0;
    std::int64_t cache_hits = 0;
    std::int64_t input_tokens = 0;
    std::int64_t output_tokens = 0;
    double cost_usd = 0.0;
    std::int64_t wall_ms = 0;
    std::vector<std::pair<std::string, std::string>> policy_matches; // (policy text, id)
};

// Where a corpus run stands, for a progress display (commands/batch_progress.hpp).
struct RunnerProgress {
    std::size_t planned = 0; // articles this run will run (0: not counted)
    std::size_t cards = 0;
    std::size_t failed = 0;
    double cost_usd = 0.0;
};

struct RunnerOptions {
    std::vector<std::string> inputs;
    std::size_t jobs = 4;
    std::optional<Shard> shard;
    std::set<std::string> done; // ids to skip (--resume)
    std::vector<Policy> policies;
    bool count_planned = false; // read the inputs once first to count the articles to run
    // When set, only these ids run (a later sweep of --provider-batch); the others are passed
    // over without being counted anywhere.
    const std::unordered_set<std::string>* only = nullptr;
};

// Thrown by RunnerHooks::run when the article's panel waits for answers that come later (a
// sweep of --provider-batch, jobs/sweep.hpp): no line is written and the article counts as
// deferred.
struct Deferred final : std::exception {
    const char* what() const noexcept override { return "deferred"; }
};

struct RunnerHooks {
    // Reads the article of a file/text/url item; throws roundtable::Error.
    std::function<article::Article(const InputItem&)> read;
    // Runs the panel of the item's article; throws roundtable::Error (quorum, interrupted, ...).
    std::function<panel::Card(const InputItem&, const article::Article&)> run;
    // Called after a card's line was written (logging, report), with the card as the line's
    // JSON text holds it; may be empty.
    std::function<void(const InputItem&, const panel::Card&, const std::string& card_json)> on_card;
    // Called with each finished card's facts (report); may be empty.
    std::function<void(ArticleFacts)> on_facts;
    // Called once the articles are counted (count_planned) and after each article ends, one call
    // at a time; may be empty.
    std::function<void(const RunnerProgress&)> on_progress;
};

// Returns the facts policies look at: stance label, agreement, ungrounded claims
// of takes, rebuttals and synthesis, failed seats; never fails.
CardFacts card_facts(const panel::Card& card);

// Returns what the report keeps of the card of article `id`: its facts, and each
// seat's final stance ("" for a seat that failed); never fails.
ArticleFacts article_facts(const std::string& id, const panel::Card& card);

// Returns the JSON line of a finished card: {"id": id, "card": {...}}; never fails.
std::string card_line(const std::string& id, const panel::Card& card);

// Returns the same line from the card's JSON text (panel::to_json_text(card, -1)); never fails.
std::string card_line_json(const std::string& id, const std::string& card_json);

// Returns the JSON line of a failed article: {"id", "error", "exit"}; never fails.
std::string error_line(const std::string& id, const std::string& message, int exit_code);

// Runs the corpus as described above, writing lines to `writer` and warnings to `err`;
// returns the totals. Throws only what the hooks throw outside
// the documented Errors (never for one article's failure).
BatchTotals run_corpus(const RunnerOptions& options, const RunnerHooks& hooks, LineWriter& writer,
                       std::ostream& err);

// Returns the end-of-run summary lines (counts by stance, failures by reason,
// calls, cache hits, tokens, cost, wall time), each prefixed "roundtable: "; never fails.
std::string format_summary(const BatchTotals& totals);

} // namespace roundtable::batch
