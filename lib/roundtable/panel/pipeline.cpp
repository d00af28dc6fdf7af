#include <algorithm>
#include <cctype>
#include <chrono>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <roundtable/article/encoding.hpp>
#include <roundtable/article/sentences.hpp>
#include <roundtable/guard/extract.hpp>
#include <roundtable/guard/grounding.hpp>
#include <roundtable/guard/injection.hpp>
#include <roundtable/guard/validate.hpp>
#include <roundtable/http/abort.hpp>
#include <roundtable/http/retry.hpp>
#include <roundtable/panel/pipeline.hpp>
#include <roundtable/panel/vote.hpp>
#include <roundtable/providers/budget.hpp>
#include <roundtable/util/error.hpp>
#include <roundtable/util/json_text.hpp>
#include <roundtable/util/pool.hpp>
#include <stdexcept>
#include <tuple>

namespace roundtable::panel {

using nlohmann::json;
using providers::Reply;
using providers::Request;
using providers::Round;
using providers::TokenUsage;

namespace {

// What the pipeline knows of one call (or a call and its repair).
struct CallResult {
    std::optional<json> object; // the validated reply object
    std::string error;          // why the seat failed this round
    TokenUsage usage;
    int calls = 0;
    int cache_hits = 0;
    double cost = 0.0;
    std::vector<std::string> notes; // for the seat on the card, e.g. a budget retry
};

struct Rendered {
    std::string token;
    std::string system;
    std::string article_block;
};

Rendered render_fixed(const PromptSet& prompts, const article::Article& article) {
    Rendered r;
    r.token = fence_token(article.text, article.title);
    std::map<std::string, std::string> values{
        {"boundary", r.token},
        {"title", article.title.empty() ? "(untitled)" : article.title},
        {"article", article.text}};
    r.system = render_template(prompts.system, values);
    r.article_block = render_template(prompts.article, values);
    return r;
}

Request make_request(const Rendered& fixed, Round round, std::string task) {
    Request request;
    request.round = round;
    request.system = fixed.system;
    request.user = fixed.article_block + task;
    request.cacheable_prefix = fixed.article_block.size();
    request.schema_name = std::string(guard::round_name(round));
    request.json_schema = std::string(guard::round_schema(round));
    return request;
}

void check_abort() {
    if (http::abort_requested()) {
        throw Error(Exit::interrupted, "interrupted");
    }
}

// Raises the budget of `request` after a reply was cut: doubles max_tokens (at most the model's
// max output), or, when it is already there, lowers the effort one level. Returns the note for
// the card, or nullopt when neither is possible.
std::optional<std::string> raise_budget(const providers::SeatConfig& seat, Request& request) {
    const std::int64_t before = request.max_tokens;
    std::int64_t raised = 2 * before;
    if (seat.traits.max_output > 0) {
        raised = std::min(raised, seat.traits.max_output);
    }
    if (raised > before && !seat.max_tokens) {
        request.max_tokens = static_cast<int>(raised);
        return fmt::format("retried: the budget went to reasoning ({}: max_tokens {} -> {})",
                           guard::round_name(request.round), before, raised);
    }
    if (seat.traits.control != providers::ReasoningControl::none) {
        if (const auto lower = providers::lower_effort(request.effort)) {
            const providers::Effort from = request.effort;
            request.effort = *lower;
            return fmt::format("retried: the budget went to reasoning ({}: effort {} -> {})",
                               guard::round_name(request.round), providers::effort_name(from),
                               providers::effort_name(*lower));
        }
    }
    return std::nullopt;
}

// One seat's chain of calls in one stage: the request, then a retry with a larger budget when a
// reply was cut at its output budget (the budget went to reasoning), never twice, and a repair
// when a reply was not valid (DESIGN §5.1), once.
struct SeatCall {
    Request request;
    CallResult result;
    std::string validation_error;
    int attempt = 0;             // 1 once the repair was asked
    bool budget_retried = false; // the budget was raised once
    bool in_budget_retry = false;
    bool settled = false;

    // Starts the chain of `seat` with `request` (effort, budget and temperature from the seat).
    SeatCall(const Seat& seat, Request base) : request(std::move(base)) {
        request.effort = seat.config.effort;
        request.max_tokens = providers::output_budget(seat.config, request.round, request.effort);
        request.temperature = seat.config.temperature;
    }

    // Adds a call's usage and cost: what the provider said it billed when it did (xAI), else
    // the catalogue's price of its tokens.
    void bill(const Seat& seat, const PanelOptions& options, const TokenUsage& usage, bool batch) {
        result.usage += usage;
        if (usage.billed_ticks >= 0) {
            result.cost += static_cast<double>(usage.billed_ticks) / providers::k_ticks_per_usd;
        } else if (options.cost) {
            result.cost += options.cost(seat.config, usage, batch);
        }
    }

    // Records `reply`, with what one seat's reply can do kept to that seat: a JSON library
    // exception becomes the seat's failure (without its "[json.exception...]" prefix), and the
    // error and notes that go onto the card are valid UTF-8 (DESIGN §5.1).
    void answer(const Seat& seat, const PanelOptions& options,
                std::expected<Reply, providers::Failure> reply) {
        try {
            answer_unguarded(seat, options, std::move(reply));
        } catch (const json::exception& e) {
            result.object.reset();
            result.error = fmt::format("unreadable {} reply: {}", guard::round_name(request.round),
                                       guard::json_error_message(e));
            settled = true;
        }
        if (settled) {
            result.error = article::repair_utf8(result.error).text;
            for (auto& note : result.notes) {
                note = article::repair_utf8(note).text;
            }
        }
    }

    void answer_unguarded(const Seat& seat, const PanelOptions& options,
                          std::expected<Reply, providers::Failure> reply) {
        ++result.calls;
        if (!reply) {
            std::string why_no_retry;
            if (reply.error().type == "max_tokens") {
                if (in_budget_retry) {
                    why_no_retry = "; cut again after one retry with a larger budget: lower this "
                                   "seat's effort or raise its max_tokens";
                } else if (!budget_retried) {
                    budget_retried = true;
                    if (auto note = raise_budget(seat.config, request)) {
                        bill(seat, options, reply.error().usage, reply.error().batch);
                        result.notes.push_back(std::move(*note));
                        in_budget_retry = true;
                        return; // the raised request is the next call
                    }
                    why_no_retry = seat.config.max_tokens
                                       ? "; max_tokens is fixed for this seat: raise it or leave "
                                         "it out"
                                       : "; the budget is at the model's max output: lower this "
                                         "seat's effort";
                }
            }
            bill(seat, options, reply.error().usage, reply.error().batch);
            result.error = reply.error().describe() + why_no_retry;
            settled = true;
            return;
        }
        in_budget_retry = false;
        bill(seat, options, reply->usage, reply->batch);
        result.cache_hits += reply->cached ? 1 : 0;
        auto clean = guard::validate_reply(request.round, reply->text);
        if (clean) {
            result.object = json::parse(*clean);
            settled = true;
            return;
        }
        validation_error = clean.error();
        if (attempt == 0) {
            attempt = 1;
            request.user += "\n" + guard::repair_instruction(request.round, validation_error);
            return; // the repair is the next call
        }
        result.error = fmt::format("invalid {} reply after one repair: {}",
                                   guard::round_name(request.round), validation_error);
        settled = true;
    }
};

// The article's instruction-like sentences (`instructions`), each with the seats that echo it: a
// take or rebuttal headline that repeats it, or a final stance that it names ("... reply only
// with bullish").
std::vector<Injection> injections_of(const std::vector<std::string>& instructions,
                                     const Card& card) {
    std::vector<Injection> out;
    for (const std::string& sentence : instructions) {
        Injection injection;
        injection.text = sentence;
        std::string lower = injection.text;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::vector<std::string_view> asked; // the stances it names
        for (const Stance stance : {Stance::bearish, Stance::neutral, Stance::bullish}) {
            if (lower.find(stance_name(stance)) != std::string::npos) {
                asked.push_back(stance_name(stance));
            }
        }
        for (const Take& take : card.takes) {
            Stance final_stance = take.stance;
            bool echoed = guard::echoes(take.headline, injection.text);
            for (const Rebuttal& rebuttal : card.rebuttals) {
                if (rebuttal.seat == take.seat) {
                    final_stance = rebuttal.stance_after;
                    echoed = echoed || guard::echoes(rebuttal.headline, injection.text);
                }
            }
            const bool stance_asked =
                asked.size() == 1 && asked.front() == stance_name(final_stance);
            if (echoed || stance_asked) {
                injection.echoed_by.push_back(take.seat);
            }
        }
        out.push_back(std::move(injection));
    }
    return out;
}

// Sends `request` through `provider`; a JSON library exception (a request body that could not
// be written) becomes that call's failure instead of ending the run.
std::expected<Reply, providers::Failure> complete_guarded(providers::Provider& provider,
                                                          const Request& request) {
    try {
        return provider.complete(request);
    } catch (const json::exception& e) {
        providers::Failure failure;
        failure.provider = std::string(provider.kind());
        failure.type = "invalid_request";
        failure.message = article::repair_utf8(e.what()).text;
        return std::unexpected(std::move(failure));
    }
}

// Tells the observer, if any, what `seat` is doing in `round` (issue 10: live progress).
class SeatReporter {
public:
    SeatReporter(const Seat& seat, Round round, const PanelOptions& options)
        : m_observer(options.observer.get()), m_started(std::chrono::steady_clock::now()) {
        m_event.seat = seat.config.name;
        m_event.model = seat.provider->model();
        m_event.round = round == Round::consensus ? "chair" : guard::round_name(round);
    }

    void report(SeatState state, std::string reason = {}) {
        if (m_observer == nullptr) {
            return;
        }
        SeatEvent event = m_event;
        event.state = state;
        event.reason = std::move(reason);
        event.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - m_started);
        m_observer->on_event(event);
    }

    void retrying(int status, std::chrono::milliseconds wait) {
        m_event.status = status;
        m_event.wait = wait;
        report(SeatState::retrying);
        m_event.status = 0;
        m_event.wait = {};
    }

    void done(const TokenUsage& usage) {
        m_event.input_tokens = usage.input_tokens;
        m_event.output_tokens = usage.output_tokens;
        report(SeatState::done);
    }

    bool active() const { return m_observer != nullptr; }

private:
    PanelObserver* m_observer;
    std::chrono::steady_clock::time_point m_started;
    SeatEvent m_event;
};

// Returns why a call failed in a few words: "timeout", "HTTP 529 overloaded_error", ...
std::string short_reason(const providers::Failure& failure) {
    std::string reason = failure.http_status != 0
                             ? fmt::format("HTTP {} {}", failure.http_status, failure.type)
                             : failure.type;
    if (failure.message.find("deadline") != std::string::npos) {
        reason += " (--timeout)";
    }
    return reason;
}

// Makes one seat's chain of calls in this stage, telling the observer (if any) as it goes:
// answering, a retry's wait, a repair, then done or failed.
void run_chain(PanelRun& run, const Seat& seat, std::size_t index, const PanelOptions& options) {
    std::optional<Request> request = run.next_call(index);
    if (!request) {
        return;
    }
    SeatReporter reporter(seat, request->round, options);
    std::optional<http::ScopedRetryListener> listen;
    if (reporter.active()) {
        listen.emplace([&reporter](int status, std::chrono::milliseconds wait) {
            reporter.retrying(status, wait);
        });
    }
    reporter.report(SeatState::answering);
    const std::string first_user = request->user;
    TokenUsage usage;
    std::optional<providers::Failure> failure;
    for (; request; request = run.next_call(index)) {
        if (request->user != first_user) {
            reporter.report(SeatState::repaired); // asked again with the validation error
        }
        auto outcome = complete_guarded(*seat.provider, *request);
        if (reporter.active()) {
            usage += outcome ? outcome->usage : outcome.error().usage;
            failure = outcome ? std::nullopt : std::optional(outcome.error());
        }
        run.answer(index, std::move(outcome));
    }
    if (failure) {
        reporter.report(SeatState::failed, short_reason(*failure));
    } else if (!run.answered_valid(index)) {
        reporter.report(SeatState::failed, "invalid reply after one repair");
    } else {
        reporter.done(usage);
    }
}

// Returns the seat's effort as the card shows it: "" when its model has no reasoning control.
std::string effort_label(const providers::SeatConfig& seat) {
    if (seat.provider == "offline" || seat.traits.control == providers::ReasoningControl::none) {
        return "";
    }
    return std::string(providers::effort_name(seat.effort));
}

void append(std::vector<std::string>& to, const std::vector<std::string>& more) {
    to.insert(to.end(), more.begin(), more.end());
}

std::vector<std::string> string_list(const json& j) {
    std::vector<std::string> out;
    for (const auto& item : j) {
        out.push_back(item.get<std::string>());
    }
    return out;
}

std::string join_lines(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (auto p : parts) {
        out.append(p);
        out.push_back('\n');
    }
    return out;
}

json take_for_prompt(const Take& take, const std::string& name) {
    return json{{"panelist", name},
                {"stance", stance_name(take.stance)},
                {"confidence", take.confidence},
                {"headline", take.headline},
                {"analysis", take.analysis},
                {"counterpoint", take.counterpoint},
                {"evidence", take.evidence}};
}

// What the grounding guard found in one output: the claims not in the
// article, how many were looked up, and how each one matched.
struct Grounded {
    std::vector<std::string> ungrounded;
    std::size_t checked = 0;
    std::vector<CheckedClaim> claims;

    // Copies the three into `target` (a Take, Rebuttal or Consensus).
    template <typename T> void into(T& target) && {
        target.ungrounded = std::move(ungrounded);
        target.claims_checked = checked;
        target.claims = std::move(claims);
    }
};

// Returns what the guard found in `text` and `evidence`; never fails.
Grounded ground(const guard::GroundingIndex& index, const std::string& text,
                const std::vector<std::string>& evidence) {
    guard::GroundingReport report = index.check(text, evidence);
    Grounded grounded;
    grounded.checked = report.checked;
    for (auto& claim : report.ungrounded) {
        grounded.ungrounded.push_back(std::move(claim.text));
    }
    for (auto& finding : report.findings) {
        grounded.claims.push_back(
            {std::move(finding.claim.text), std::string(guard::kind_name(finding.claim.kind)),
             std::string(guard::match_name(finding.match)), std::move(finding.article)});
    }
    return grounded;
}

std::string panelist_letter(std::size_t index) {
    return fmt::format("Panelist {}", static_cast<char>('A' + index % 26));
}

std::string quorum_message(std::string_view round, int answered, std::size_t asked, int quorum,
                           const std::vector<SeatStatus>& statuses) {
    std::string why;
    for (const auto& s : statuses) {
        if (!s.ok) {
            why += fmt::format("; {}: {}", s.seat, s.error);
        }
    }
    return fmt::format("{}: only {} of {} seats answered (quorum {}){}", round, answered, asked,
                       quorum, why);
}

// Returns the evidence item cited by the most takes of `side` (first seen wins a
// tie), else the headline of its most confident take, else "".
std::string most_cited(const std::vector<Take>& takes, Stance side) {
    std::vector<std::pair<std::string, int>> counts;
    const Take* best = nullptr;
    for (const auto& t : takes) {
        if (t.stance != side) {
            continue;
        }
        if (!best || t.confidence > best->confidence) {
            best = &t;
        }
        for (const auto& item : t.evidence) {
            auto it = std::find_if(counts.begin(), counts.end(),
                                   [&](const auto& c) { return c.first == item; });
            if (it == counts.end()) {
                counts.emplace_back(item, 1);
            } else {
                ++it->second;
            }
        }
    }
    auto top = std::max_element(counts.begin(), counts.end(),
                                [](const auto& a, const auto& b) { return a.second < b.second; });
    if (top != counts.end() && top->second > 1) {
        return top->first;
    }
    return best ? best->headline : std::string();
}

// Fills summary, risk and opportunity from the takes when the chair could not
// (the card labels them as not synthesized).
void fill_from_takes(Consensus& consensus, const std::vector<Take>& takes) {
    consensus.synthesized = false;
    consensus.risk = most_cited(takes, Stance::bearish);
    consensus.opportunity = most_cited(takes, Stance::bullish);
    for (const auto& t : takes) { // one-sided panels: the other side's strongest counterpoint
        if (consensus.risk.empty() && t.stance == Stance::bullish) {
            consensus.risk = t.counterpoint;
        }
        if (consensus.opportunity.empty() && t.stance == Stance::bearish) {
            consensus.opportunity = t.counterpoint;
        }
    }
    std::string summary; // the majority's headlines, each once (seats often quote the same)
    std::vector<std::string_view> said;
    for (const auto& t : takes) {
        if (consensus.stance && t.stance == *consensus.stance &&
            std::find(said.begin(), said.end(), t.headline) == said.end()) {
            said.push_back(t.headline);
            summary += (summary.empty() ? "" : " ") + t.headline;
        }
    }
    consensus.summary = summary;
    consensus.ungrounded.clear();
    consensus.claims.clear();
}

// Returns whether `rebuttal` quotes the article with something its own take did
// not already cite: a quoted phrase or a sentence of 20+ bytes found in the article.
bool cites_new_evidence(const Rebuttal& rebuttal, const Take& own,
                        const guard::GroundingIndex& index) {
    std::vector<std::string> fragments;
    for (const auto& claim : guard::extract_claims(rebuttal.text)) {
        if (claim.kind == guard::Claim::Kind::quote) {
            fragments.push_back(claim.text);
        }
    }
    for (const auto& s : article::split_sentences(rebuttal.text)) {
        fragments.push_back(rebuttal.text.substr(s.begin, s.end - s.begin));
    }
    auto already_cited = [&](const std::string& f) {
        auto in = [&](const std::string& field) { return field.find(f) != std::string::npos; };
        return in(own.analysis) || in(own.headline) || in(own.counterpoint) ||
               std::any_of(own.evidence.begin(), own.evidence.end(), in);
    };
    for (auto& f : fragments) {
        // Trim quote marks (straight or curly) that a quoted-phrase claim keeps.
        while (!f.empty() && (f.front() == '"' || f.front() == '\'')) {
            f.erase(0, 1);
        }
        for (std::string_view mark : {"\u201c", "\u201d"}) {
            if (f.starts_with(mark)) {
                f.erase(0, mark.size());
            }
            if (f.ends_with(mark)) {
                f.erase(f.size() - mark.size());
            }
        }
        while (!f.empty() && (f.back() == '"' || f.back() == '\'')) {
            f.pop_back();
        }
        if (f.size() >= 20 && index.contains_quote(f) && !already_cited(f)) {
            return true;
        }
    }
    return false;
}

} // namespace

CostFunction cost_function(config::Catalogue catalogue) {
    return [catalogue = std::move(catalogue)](const providers::SeatConfig& seat,
                                              const TokenUsage& usage, bool batch) {
        return catalogue.cost(seat.provider, seat.model,
                              config::BilledTokens{usage.input_tokens, usage.output_tokens,
                                                   usage.cached_tokens, usage.cache_write_tokens},
                              batch);
    };
}

providers::Request take_request(const PromptSet& prompts, const article::Article& article) {
    Rendered fixed = render_fixed(prompts, article);
    return make_request(fixed, Round::take,
                        render_template(prompts.take, {{"boundary", fixed.token}}));
}

struct PanelRun::Impl {
    const std::vector<Seat>& seats;
    const PanelOptions& options;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    Rendered fixed;
    guard::GroundingIndex index; // claims are looked up in what the seats read: title and body
    std::vector<std::string> instructions; // the article's instruction-like sentences
    Card card;
    Stage stage = Stage::take;
    std::vector<std::optional<SeatCall>> calls; // this stage's chain per seat (none: no call)
    std::vector<std::optional<Take>> takes;
    std::vector<std::optional<Rebuttal>> rebuttals;
    int answered = 0;
    std::optional<std::size_t> chair;

    Impl(const article::Article& article, const std::vector<Seat>& s, const PanelOptions& o)
        : seats(s), options(o), fixed(render_fixed(o.prompts, article)),
          index(article::grounding_text(article)),
          instructions(guard::find_instructions(article.text)), calls(s.size()), takes(s.size()),
          rebuttals(s.size()) {
        card.article = {article.title, article.source, article.sha256,    article.chars,
                        article.bytes, article.byline, article.published, article.site};
        card.offline = options.offline;
        // Round 1: every seat gets the same request text.
        const Request take = make_request(
            fixed, Round::take, render_template(options.prompts.take, {{"boundary", fixed.token}}));
        for (std::size_t i = 0; i < seats.size(); ++i) {
            calls[i].emplace(seats[i], take);
        }
    }

    void tally(const CallResult& r) {
        Usage& usage = card.usage;
        usage.calls += r.calls;
        usage.cache_hits += r.cache_hits;
        usage.input_tokens += r.usage.input_tokens;
        usage.output_tokens += r.usage.output_tokens;
        usage.cached_tokens += r.usage.cached_tokens;
        usage.reasoning_tokens += r.usage.reasoning_tokens;
        usage.cost_usd += r.cost;
    }

    std::string display_name(std::size_t i) const {
        return options.anonymize ? panelist_letter(i) : seats[i].config.name;
    }

    void finish_takes() {
        for (std::size_t i = 0; i < seats.size(); ++i) {
            const auto& seat = seats[i];
            const CallResult& result = calls[i]->result;
            tally(result);
            SeatStatus status{
                seat.config.name,          seat.config.provider, seat.provider->model(), true, "",
                effort_label(seat.config), result.notes};
            if (result.object) {
                const json& o = *result.object;
                Take t;
                t.seat = seat.config.name;
                t.stance =
                    parse_stance(o.at("stance").get<std::string>()).value_or(Stance::neutral);
                t.confidence = o.at("confidence").get<double>();
                t.headline = o.at("headline").get<std::string>();
                t.analysis = o.at("analysis").get<std::string>();
                t.counterpoint = o.at("counterpoint").get<std::string>();
                t.evidence = string_list(o.at("evidence"));
                ground(index, join_lines({t.headline, t.analysis, t.counterpoint}), t.evidence)
                    .into(t);
                takes[i] = std::move(t);
                ++answered;
            } else {
                status.ok = false;
                status.error = result.error;
            }
            card.seats.push_back(std::move(status));
        }
        if (answered < options.quorum) {
            throw Error(Exit::quorum, quorum_message("round 1", answered, seats.size(),
                                                     options.quorum, card.seats));
        }
        for (const auto& t : takes) {
            if (t) {
                card.takes.push_back(*t);
                card.consensus.initial_votes.add(t->stance);
            }
        }
    }

    // Round 2: each seat answers the others' takes (never its own).
    void start_rebuttals() {
        std::vector<std::string> take_texts(seats.size());
        for (std::size_t i = 0; i < seats.size(); ++i) {
            calls[i].reset();
            if (!takes[i]) {
                continue;
            }
            // The array of the others' takes as an indented dump of it reads, built from each
            // take's text, written once for all the seats that see it.
            std::string others = "[";
            for (std::size_t j = 0; j < seats.size(); ++j) {
                if (j != i && takes[j]) {
                    if (take_texts[j].empty()) {
                        take_texts[j] =
                            util::dump_json(take_for_prompt(*takes[j], display_name(j)), 2, 1);
                    }
                    others += others.size() == 1 ? "\n  " : ",\n  ";
                    others += take_texts[j];
                }
            }
            others += others.size() == 1 ? "]" : "\n]";
            std::string task =
                render_template(options.prompts.rebuttal,
                                {{"boundary", fixed.token},
                                 {"others", std::move(others)},
                                 {"own_stance", std::string(stance_name(takes[i]->stance))},
                                 {"own_confidence", fmt::format("{:.2f}", takes[i]->confidence)},
                                 {"own_headline", takes[i]->headline}});
            calls[i].emplace(seats[i], make_request(fixed, Round::rebuttal, std::move(task)));
        }
        stage = Stage::rebuttal;
    }

    void finish_rebuttals() {
        for (std::size_t i = 0; i < seats.size(); ++i) {
            if (!takes[i]) {
                continue;
            }
            const CallResult& result = calls[i]->result;
            tally(result);
            append(card.seats[i].notes, result.notes);
            if (!result.object) {
                card.seats[i].ok = false;
                card.seats[i].error = "rebuttal: " + result.error;
                --answered;
                continue;
            }
            const json& o = *result.object;
            Rebuttal r;
            r.seat = seats[i].config.name;
            for (const auto& name : string_list(o.at("responds_to"))) {
                for (std::size_t j = 0; j < seats.size(); ++j) {
                    bool match = name == display_name(j) || name == seats[j].config.name;
                    if (match && j != i && takes[j] &&
                        std::find(r.responds_to.begin(), r.responds_to.end(),
                                  seats[j].config.name) == r.responds_to.end()) {
                        r.responds_to.push_back(seats[j].config.name);
                    }
                }
            }
            r.headline = o.at("headline").get<std::string>();
            r.text = o.at("text").get<std::string>();
            r.stance_after =
                parse_stance(o.at("stance_after").get<std::string>()).value_or(takes[i]->stance);
            r.confidence_after = o.at("confidence_after").get<double>();
            ground(index, join_lines({r.headline, r.text}), {}).into(r);
            if (r.stance_after != takes[i]->stance) {
                card.consensus.shifts.push_back({r.seat, takes[i]->stance, r.stance_after,
                                                 cites_new_evidence(r, *takes[i], index)});
            }
            rebuttals[i] = std::move(r);
        }
        if (answered < options.quorum) {
            throw Error(Exit::quorum, quorum_message("round 2", answered, seats.size(),
                                                     options.quorum, card.seats));
        }
        for (const auto& r : rebuttals) {
            if (r) {
                card.rebuttals.push_back(*r);
            }
        }
    }

    // The vote (final stances of the seats still standing), then the chair: the configured
    // seat if it is standing, else the first that is; with none, the card is finished.
    void start_consensus() {
        std::fill(calls.begin(), calls.end(), std::nullopt);
        std::vector<Ballot> ballots;
        for (std::size_t i = 0; i < seats.size(); ++i) {
            if (!takes[i] || !card.seats[i].ok) {
                continue;
            }
            if (rebuttals[i]) {
                ballots.push_back({seats[i].config.name, rebuttals[i]->stance_after,
                                   rebuttals[i]->confidence_after});
            } else {
                ballots.push_back({seats[i].config.name, takes[i]->stance, takes[i]->confidence});
            }
        }
        VoteResult vote = count_votes(ballots);
        Consensus& consensus = card.consensus;
        consensus.stance = vote.stance;
        consensus.votes = vote.votes;
        consensus.agreement = vote.agreement;

        for (std::size_t i = 0; i < seats.size(); ++i) {
            if (card.seats[i].ok &&
                (seats[i].config.name == options.chair || options.chair.empty())) {
                chair = i;
                break;
            }
        }
        if (!chair) {
            for (std::size_t i = 0; i < seats.size() && !chair; ++i) {
                if (card.seats[i].ok) {
                    chair = i;
                }
            }
        }
        if (!chair) {
            fill_from_takes(consensus, card.takes);
            finish();
            return;
        }
        consensus.chair = seats[*chair].config.name;
        json debate{{"takes", json::array()}, {"rebuttals", json::array()}};
        for (std::size_t i = 0; i < seats.size(); ++i) {
            if (takes[i]) {
                debate["takes"].push_back(take_for_prompt(*takes[i], seats[i].config.name));
            }
            if (rebuttals[i]) {
                debate["rebuttals"].push_back(
                    {{"panelist", rebuttals[i]->seat},
                     {"responds_to", rebuttals[i]->responds_to},
                     {"headline", rebuttals[i]->headline},
                     {"text", rebuttals[i]->text},
                     {"stance_after", stance_name(rebuttals[i]->stance_after)},
                     {"confidence_after", rebuttals[i]->confidence_after}});
            }
        }
        std::string task =
            render_template(options.prompts.consensus, {{"boundary", fixed.token},
                                                        {"debate", util::dump_json(debate, 2)},
                                                        {"stance", consensus.stance_label()},
                                                        {"vote", consensus.vote_label()}});
        calls[*chair].emplace(seats[*chair],
                              make_request(fixed, Round::consensus, std::move(task)));
        stage = Stage::consensus;
    }

    void finish_consensus() {
        Consensus& consensus = card.consensus;
        const CallResult& synthesis = calls[*chair]->result;
        tally(synthesis);
        append(card.seats[*chair].notes, synthesis.notes);
        if (synthesis.object &&
            contradicts_stance(synthesis.object->at("summary").get<std::string>(),
                               consensus.stance)) {
            consensus.chair_error =
                fmt::format("the chair's summary contradicts the computed stance ({})",
                            consensus.stance_label());
            fill_from_takes(consensus, card.takes);
        } else if (synthesis.object) {
            consensus.summary = synthesis.object->at("summary").get<std::string>();
            consensus.risk = synthesis.object->at("risk").get<std::string>();
            consensus.opportunity = synthesis.object->at("opportunity").get<std::string>();
            ground(index, join_lines({consensus.summary, consensus.risk, consensus.opportunity}),
                   {})
                .into(consensus);
        } else {
            consensus.chair_error = synthesis.error;
            fill_from_takes(consensus, card.takes);
        }
        finish();
    }

    void finish() {
        std::fill(calls.begin(), calls.end(), std::nullopt);
        card.methodology =
            options.offline
                ? "Offline analysts, no language model: four extractive lenses read the same "
                  "article; every sentence they write is quoted from it. The stance is counted "
                  "from their final votes."
                : "Every seat received byte-identical prompts; replies were schema-checked and "
                  "every figure and quotation was looked up in the article. The stance is "
                  "counted from the seats' final votes.";
        card.injections = injections_of(instructions, card);
        card.usage.wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - started)
                                 .count();
        stage = Stage::done;
    }
};

PanelRun::PanelRun(const article::Article& article, const std::vector<Seat>& seats,
                   const PanelOptions& options)
    : m_impl(std::make_unique<Impl>(article, seats, options)) {}

PanelRun::~PanelRun() = default;

PanelRun::Stage PanelRun::stage() const {
    return m_impl->stage;
}

std::vector<std::size_t> PanelRun::active_seats() const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < m_impl->calls.size(); ++i) {
        if (m_impl->calls[i]) {
            out.push_back(i);
        }
    }
    return out;
}

std::optional<Request> PanelRun::next_call(std::size_t seat) const {
    const auto& call = m_impl->calls.at(seat);
    if (!call || call->settled) {
        return std::nullopt;
    }
    return call->request;
}

void PanelRun::answer(std::size_t seat, std::expected<Reply, providers::Failure> outcome) {
    auto& call = m_impl->calls.at(seat);
    if (call && !call->settled) {
        call->answer(m_impl->seats[seat], m_impl->options, std::move(outcome));
    }
}

bool PanelRun::answered_valid(std::size_t seat) const {
    const auto& call = m_impl->calls.at(seat);
    return call && call->settled && call->result.object.has_value();
}

bool PanelRun::stage_settled() const {
    return std::all_of(m_impl->calls.begin(), m_impl->calls.end(),
                       [](const auto& call) { return !call || call->settled; });
}

void PanelRun::advance() {
    Impl& impl = *m_impl;
    switch (impl.stage) {
    case Stage::take:
        impl.finish_takes();
        if (impl.options.rebuttal) {
            impl.start_rebuttals();
        } else {
            impl.start_consensus();
        }
        break;
    case Stage::rebuttal:
        impl.finish_rebuttals();
        impl.start_consensus();
        break;
    case Stage::consensus:
        impl.finish_consensus();
        break;
    case Stage::done:
        break;
    }
}

Card PanelRun::take_card() {
    if (m_impl->stage != Stage::done) {
        throw std::logic_error("PanelRun::take_card before the panel is done");
    }
    return std::move(m_impl->card);
}

Card run_panel(const article::Article& article, const std::vector<Seat>& seats,
               const PanelOptions& options) {
    PanelRun run(article, seats, options);
    if (options.observer) {
        for (const Seat& seat : seats) {
            SeatEvent waiting;
            waiting.seat = seat.config.name;
            waiting.model = seat.provider->model();
            options.observer->on_event(waiting);
        }
    }
    while (run.stage() != PanelRun::Stage::done) {
        check_abort();
        const std::vector<std::size_t> active = run.active_seats();
        // The seats' chains (call, budget retry, repair) run side by side, each touching only its
        // own seat's state: on the process's kept threads (util::ThreadPool), or one after
        // another for the offline analysts (a few milliseconds of CPU each, less than handing
        // them over costs).
        const auto chain = [&](std::size_t k) {
            run_chain(run, seats[active[k]], active[k], options);
        };
        if (options.offline || active.size() < 2) {
            for (std::size_t k = 0; k < active.size(); ++k) {
                chain(k);
            }
        } else {
            util::ThreadPool::shared().run_all(active.size(), chain);
        }
        if (run.stage() != PanelRun::Stage::consensus) {
            check_abort(); // a chair reply that came back is used, as before the refactor
        }
        run.advance();
    }
    return run.take_card();
}

} // namespace roundtable::panel
