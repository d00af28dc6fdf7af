#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <roundtable/panel/card.hpp>
#include <roundtable/util/json_text.hpp>
#include <stdexcept>

namespace roundtable::panel {

using nlohmann::json;

NLOHMANN_JSON_SERIALIZE_ENUM(Stance, {
                                         {Stance::bearish, "bearish"},
                                         {Stance::neutral, "neutral"},
                                         {Stance::bullish, "bullish"},
                                     })

std::string_view stance_name(Stance stance) {
    switch (stance) {
    case Stance::bearish:
        return "bearish";
    case Stance::neutral:
        return "neutral";
    case Stance::bullish:
        return "bullish";
    }
    return "neutral";
}

std::optional<Stance> parse_stance(std::string_view name) {
    if (name == "bearish") {
        return Stance::bearish;
    }
    if (name == "neutral") {
        return Stance::neutral;
    }
    if (name == "bullish") {
        return Stance::bullish;
    }
    return std::nullopt;
}

int Votes::of(Stance stance) const {
    switch (stance) {
    case Stance::bearish:
        return bearish;
    case Stance::neutral:
        return neutral;
    case Stance::bullish:
        return bullish;
    }
    return 0;
}

void Votes::add(Stance stance) {
    switch (stance) {
    case Stance::bearish:
        ++bearish;
        break;
    case Stance::neutral:
        ++neutral;
        break;
    case Stance::bullish:
        ++bullish;
        break;
    }
}

std::string Consensus::stance_label() const {
    return stance ? std::string(stance_name(*stance)) : std::string("split");
}

std::string Consensus::vote_label() const {
    std::array<int, 3> counts{votes.bearish, votes.neutral, votes.bullish};
    std::sort(counts.begin(), counts.end(), std::greater<>());
    std::string out = fmt::format("{}", counts[0]);
    for (std::size_t i = 1; i < counts.size(); ++i) {
        if (counts[i] > 0) {
            out += fmt::format("-{}", counts[i]);
        }
    }
    if (counts[1] == 0) {
        out += "-0";
    }
    return out;
}

// --- JSON (free functions beside the types, as nlohmann/json advises) ---

void to_json(json& j, const ArticleMeta& a) {
    j = json{{"title", a.title},
             {"source", a.source},
             {"sha256", a.sha256},
             {"chars", a.chars},
             {"bytes", a.bytes}};
    for (const auto& [key, value] :
         {std::pair{"byline", &a.byline}, {"published", &a.published}, {"site", &a.site}}) {
        j[key] = value->empty() ? json(nullptr) : json(*value);
    }
}
void from_json(const json& j, ArticleMeta& a) {
    j.at("title").get_to(a.title);
    j.at("source").get_to(a.source);
    j.at("sha256").get_to(a.sha256);
    j.at("chars").get_to(a.chars);
    a.bytes = j.value("bytes", std::size_t{0});
    for (const auto& [key, value] :
         {std::pair{"byline", &a.byline}, {"published", &a.published}, {"site", &a.site}}) {
        const auto it = j.find(key);
        *value = it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    }
}

void to_json(json& j, const SeatStatus& s) {
    j = json{{"seat", s.seat},
             {"provider", s.provider},
             {"model", s.model},
             {"status", s.ok ? "ok" : "failed"},
             {"error", s.ok ? json(nullptr) : json(s.error)},
             {"effort", s.effort.empty() ? json(nullptr) : json(s.effort)},
             {"notes", s.notes}};
}
void from_json(const json& j, SeatStatus& s) {
    j.at("seat").get_to(s.seat);
    j.at("provider").get_to(s.provider);
    j.at("model").get_to(s.model);
    s.ok = j.at("status").get<std::string>() == "ok";
    s.error = j.at("error").is_string() ? j.at("error").get<std::string>() : std::string();
    s.effort = j.contains("effort") && j.at("effort").is_string()
                   ? j.at("effort").get<std::string>()
                   : std::string();
    s.notes = j.value("notes", std::vector<std::string>{});
}

void to_json(json& j, const CheckedClaim& c) {
    j = json{{"text", c.text},
             {"kind", c.kind},
             {"match", c.match},
             {"article", c.article.empty() ? json(nullptr) : json(c.article)}};
}
void from_json(const json& j, CheckedClaim& c) {
    j.at("text").get_to(c.text);
    j.at("kind").get_to(c.kind);
    j.at("match").get_to(c.match);
    c.article = j.contains("article") && j.at("article").is_string()
                    ? j.at("article").get<std::string>()
                    : std::string();
}

void to_json(json& j, const Take& t) {
    j = json{{"seat", t.seat},
             {"stance", t.stance},
             {"confidence", t.confidence},
             {"headline", t.headline},
             {"analysis", t.analysis},
             {"counterpoint", t.counterpoint},
             {"evidence", t.evidence},
             {"ungrounded", t.ungrounded},
             {"claims_checked", t.claims_checked},
             {"claims", t.claims}};
}
void from_json(const json& j, Take& t) {
    j.at("seat").get_to(t.seat);
    j.at("stance").get_to(t.stance);
    j.at("confidence").get_to(t.confidence);
    j.at("headline").get_to(t.headline);
    j.at("analysis").get_to(t.analysis);
    j.at("counterpoint").get_to(t.counterpoint);
    j.at("evidence").get_to(t.evidence);
    j.at("ungrounded").get_to(t.ungrounded);
    t.claims_checked = j.value("claims_checked", std::size_t{0});
    t.claims = j.value("claims", std::vector<CheckedClaim>{});
}

void to_json(json& j, const Rebuttal& r) {
    j = json{{"seat", r.seat},
             {"responds_to", r.responds_to},
             {"headline", r.headline},
             {"text", r.text},
             {"stance_after", r.stance_after},
             {"confidence_after", r.confidence_after},
             {"ungrounded", r.ungrounded},
             {"claims_checked", r.claims_checked},
             {"claims", r.claims}};
}
void from_json(const json& j, Rebuttal& r) {
    j.at("seat").get_to(r.seat);
    j.at("responds_to").get_to(r.responds_to);
    j.at("headline").get_to(r.headline);
    j.at("text").get_to(r.text);
    j.at("stance_after").get_to(r.stance_after);
    r.confidence_after = j.value("confidence_after", 0.5);
    r.ungrounded = j.value("ungrounded", std::vector<std::string>{});
    r.claims_checked = j.value("claims_checked", std::size_t{0});
    r.claims = j.value("claims", std::vector<CheckedClaim>{});
}

void to_json(json& j, const Votes& v) {
    j = json{{"bearish", v.bearish}, {"neutral", v.neutral}, {"bullish", v.bullish}};
}
void from_json(const json& j, Votes& v) {
    j.at("bearish").get_to(v.bearish);
    j.at("neutral").get_to(v.neutral);
    j.at("bullish").get_to(v.bullish);
}

void to_json(json& j, const Shift& s) {
    j = json{{"seat", s.seat}, {"from", s.from}, {"to", s.to}, {"new_evidence", s.new_evidence}};
}
void from_json(const json& j, Shift& s) {
    j.at("seat").get_to(s.seat);
    j.at("from").get_to(s.from);
    j.at("to").get_to(s.to);
    s.new_evidence = j.value("new_evidence", true);
}

void to_json(json& j, const Consensus& c) {
    j = json{{"stance", c.stance_label()},
             {"vote", c.vote_label()},
             {"votes", c.votes},
             {"initial_votes", c.initial_votes},
             {"agreement", c.agreement},
             {"summary", c.summary},
             {"risk", c.risk},
             {"opportunity", c.opportunity},
             {"chair", c.chair},
             {"synthesized", c.synthesized},
             {"shifts", c.shifts},
             {"ungrounded", c.ungrounded},
             {"claims_checked", c.claims_checked},
             {"claims", c.claims},
             {"chair_error", c.chair_error.empty() ? json(nullptr) : json(c.chair_error)}};
}
void from_json(const json& j, Consensus& c) {
    c.stance = parse_stance(j.at("stance").get<std::string>());
    j.at("votes").get_to(c.votes);
    c.initial_votes = j.value("initial_votes", Votes{});
    j.at("agreement").get_to(c.agreement);
    j.at("summary").get_to(c.summary);
    j.at("risk").get_to(c.risk);
    j.at("opportunity").get_to(c.opportunity);
    j.at("chair").get_to(c.chair);
    c.synthesized = j.value("synthesized", true);
    c.shifts = j.value("shifts", std::vector<Shift>{});
    c.ungrounded = j.value("ungrounded", std::vector<std::string>{});
    c.claims_checked = j.value("claims_checked", std::size_t{0});
    c.claims = j.value("claims", std::vector<CheckedClaim>{});
    c.chair_error = j.contains("chair_error") && j.at("chair_error").is_string()
                        ? j.at("chair_error").get<std::string>()
                        : std::string();
}

void to_json(json& j, const Usage& u) {
    j = json{{"calls", u.calls},
             {"cache_hits", u.cache_hits},
             {"input_tokens", u.input_tokens},
             {"output_tokens", u.output_tokens},
             {"cached_tokens", u.cached_tokens},
             {"reasoning_tokens", u.reasoning_tokens},
             {"cost_usd", u.cost_usd},
             {"wall_ms", u.wall_ms}};
}
void from_json(const json& j, Usage& u) {
    j.at("calls").get_to(u.calls);
    u.cache_hits = j.value("cache_hits", 0);
    j.at("input_tokens").get_to(u.input_tokens);
    j.at("output_tokens").get_to(u.output_tokens);
    j.at("cached_tokens").get_to(u.cached_tokens);
    u.reasoning_tokens = j.value("reasoning_tokens", std::int64_t{0});
    j.at("cost_usd").get_to(u.cost_usd);
    j.at("wall_ms").get_to(u.wall_ms);
}

void to_json(json& j, const Injection& i) {
    j = json{{"text", i.text}, {"echoed_by", i.echoed_by}};
}
void from_json(const json& j, Injection& i) {
    j.at("text").get_to(i.text);
    i.echoed_by = j.value("echoed_by", std::vector<std::string>{});
}

void to_json(json& j, const Card& c) {
    j = json{{"schema", k_card_schema},  {"article", c.article}, {"offline", c.offline},
             {"seats", c.seats},         {"takes", c.takes},     {"rebuttals", c.rebuttals},
             {"consensus", c.consensus}, {"usage", c.usage},     {"methodology", c.methodology}};
    j["injections"] = c.injections; // added within v1 (issue 12)
}
void from_json(const json& j, Card& c) {
    if (j.at("schema").get<std::string>() != k_card_schema) {
        throw std::runtime_error("not a " + std::string(k_card_schema) + " card");
    }
    j.at("article").get_to(c.article);
    c.offline = j.value("offline", false);
    j.at("seats").get_to(c.seats);
    j.at("takes").get_to(c.takes);
    j.at("rebuttals").get_to(c.rebuttals);
    j.at("consensus").get_to(c.consensus);
    j.at("usage").get_to(c.usage);
    c.methodology = j.value("methodology", std::string());
    c.injections = j.value("injections", std::vector<Injection>{});
}

std::string to_json_text(const Card& card, int indent) {
    return util::dump_json(json(card), indent);
}

Card card_from_json_text(std::string_view text) {
    try {
        return json::parse(text).get<Card>();
    } catch (const json::exception& e) {
        throw std::runtime_error(std::string("invalid card JSON: ") + e.what());
    }
}

} // namespace roundtable::panel
