#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <functional>
#include <nlohmann/json.hpp>
#include <numeric>
#include <roundtable/offline/analysis.hpp>
#include <roundtable/offline/analysts.hpp>

namespace roundtable::offline {

namespace {

using Json = nlohmann::ordered_json;

// Stance from the lens-weighted sentiment margin: |margin| below the band is neutral.
constexpr double k_neutral_band = 0.15;
// A rebuttal shifts one step toward the panel only when at least two others lie
// on that side and their evidence outweighs ours by this factor.
constexpr double k_shift_margin = 1.25;
constexpr std::size_t npos = std::string::npos;

std::string_view stance_name(int direction) {
    return direction > 0 ? "bullish" : (direction < 0 ? "bearish" : "neutral");
}

int stance_direction(std::string_view stance) {
    if (stance == "bullish") {
        return 1;
    }
    if (stance == "bearish") {
        return -1;
    }
    return 0;
}

int sign(double x) {
    return x > 0 ? 1 : (x < 0 ? -1 : 0);
}

double round2(double x) {
    return std::round(x * 100.0) / 100.0;
}

// How much a lens cares about a sentence at all.
double lens_weight(Lens lens, const SentenceFeatures& s) {
    switch (lens) {
    case Lens::bull:
    case Lens::bear:
        return 1.0;
    case Lens::skeptic: {
        double w = s.cues.hedge > 0 ? 0.35 : 1.0; // claims and forecasts count for little
        if (s.cues.figures > 0 && s.cues.hedge == 0) {
            w *= 1.4; // numbers reported as fact
        }
        return w;
    }
    case Lens::quant:
        return s.cues.figures > 0 ? 1.0 + 0.25 * std::min(s.cues.figures, 3) : 0.25;
    }
    return 1.0;
}

// The lens's signed reading of a sentence, and its magnitude.
std::pair<double, double> lens_signal(Lens lens, const SentenceFeatures& s) {
    double up = s.cues.opportunity;
    double down = s.cues.risk;
    if (lens == Lens::bull) {
        up *= 1.6;
        down *= 0.8;
    } else if (lens == Lens::bear) {
        up *= 0.8;
        down *= 1.6;
    }
    double w = lens_weight(lens, s);
    return {w * (up - down), w * (up + down)};
}

// Penalizes fragments (headings) and run-on sentences as quotations.
double length_factor(const SentenceFeatures& s) {
    if (s.cues.words < 5) {
        return 0.3;
    }
    return s.cues.words > 60 ? 0.6 : 1.0;
}

double base(const SentenceFeatures& s) {
    return (0.25 + s.salience) * length_factor(s);
}

struct View {
    std::vector<double> signal;
    int direction = 0;
    double confidence = 0.5;
    double margin = 0;
};

View lens_view(Lens lens, const Analysis& a) {
    View v;
    double num = 0;
    double den = 0;
    for (const auto& s : a.sentences) {
        auto [signal, magnitude] = lens_signal(lens, s);
        v.signal.push_back(signal);
        num += (0.5 + s.salience) * signal;
        den += (0.5 + s.salience) * magnitude;
    }
    v.margin = den > 0 ? num / den : 0.0;
    double m = std::abs(v.margin);
    if (m < k_neutral_band) {
        v.direction = 0;
        v.confidence = 0.5 + 0.3 * (1.0 - m / k_neutral_band);
    } else {
        v.direction = sign(v.margin);
        v.confidence = 0.5 + 0.45 * std::min(1.0, (m - k_neutral_band) / 0.6);
    }
    v.confidence = std::clamp(round2(v.confidence), 0.5, 0.95);
    return v;
}

// Returns the indices of the best `count` sentences by `score` (score <= 0 excluded),
// highest first, ties by article order.
std::vector<std::size_t> top(const Analysis& a, std::size_t count,
                             const std::function<double(std::size_t)>& score) {
    // The best `count` so far, best first; a later sentence enters only by scoring higher,
    // so one pass with no allocation per sentence (an article may hold 100,000 sentences).
    std::vector<std::pair<double, std::size_t>> kept;
    kept.reserve(count + 1);
    for (std::size_t i = 0; i < a.sentences.size() && count > 0; ++i) {
        const double s = score(i);
        if (s <= 0 || (kept.size() == count && s <= kept.back().first)) {
            continue;
        }
        auto at =
            std::find_if(kept.begin(), kept.end(), [&](const auto& k) { return s > k.first; });
        kept.insert(at, {s, i});
        if (kept.size() > count) {
            kept.pop_back();
        }
    }
    std::vector<std::size_t> out;
    out.reserve(kept.size());
    for (const auto& k : kept) {
        out.push_back(k.second);
    }
    return out;
}

std::size_t best(const Analysis& a, const std::function<double(std::size_t)>& score) {
    auto picked = top(a, 1, score);
    return picked.empty() ? npos : picked.front();
}

std::string join(const Analysis& a, std::vector<std::size_t> indices) {
    std::sort(indices.begin(), indices.end());
    std::string out;
    for (std::size_t i : indices) {
        if (!out.empty()) {
            out += ' ';
        }
        out += a.sentence_text(i);
    }
    return out;
}

bool contains(const std::vector<std::size_t>& v, std::size_t x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

bool quotable(const Analysis& a, std::size_t i) {
    return !a.sentences[i].heading && !a.sentences[i].instruction;
}

struct Take {
    int direction = 0;
    double confidence = 0.5;
    std::size_t headline = npos;
    std::vector<std::size_t> analysis;
    std::size_t counterpoint = npos;
    std::vector<std::size_t> evidence;
};

constexpr Lens k_lenses[] = {Lens::bull, Lens::bear, Lens::skeptic, Lens::quant};
// How many of its best headline candidates a lens offers to the headline assignment.
constexpr std::size_t k_headline_candidates = 6;
// A title or heading may be a headline, at this discount; it is never quoted elsewhere.
constexpr double k_heading_headline_factor = 0.6;

// How well sentence `i` serves as a quote for `lens` holding the view `v`.
double take_score(Lens lens, const Analysis& a, const View& v, std::size_t i) {
    const auto& s = a.sentences[i];
    int s_sign = sign(v.signal[i]);
    double align =
        v.direction == 0 ? 1.0 : (s_sign == v.direction ? 1.5 : (s_sign == 0 ? 0.6 : 0.3));
    return base(s) * lens_weight(lens, s) * (0.4 + std::min(1.0, std::abs(v.signal[i]) / 2.0)) *
           align;
}

// Gives each lens a headline: its own top sentence where the article allows it,
// so that two lenses share a headline only when one has no other candidate.
// Greedy on each lens's scores relative to its best; ties by lens order, then
// article order. Deterministic. Returns them in k_lenses order.
std::vector<std::size_t> assign_headlines(const Analysis& a) {
    struct Candidate {
        double relative;
        std::size_t lens;
        std::size_t sentence;
    };
    std::vector<Candidate> candidates;
    std::vector<std::size_t> first_choice(std::size(k_lenses), npos);
    for (std::size_t l = 0; l < std::size(k_lenses); ++l) {
        View v = lens_view(k_lenses[l], a);
        auto ranked = top(a, k_headline_candidates, [&](std::size_t i) {
            if (a.sentences[i].instruction) {
                return 0.0; // text addressed to the models never leads a take
            }
            double score = take_score(k_lenses[l], a, v, i);
            return a.sentences[i].heading ? score * k_heading_headline_factor : score;
        });
        if (ranked.empty()) {
            continue;
        }
        first_choice[l] = ranked.front();
        double best_score = take_score(k_lenses[l], a, v, ranked.front()) *
                            (a.sentences[ranked.front()].heading ? k_heading_headline_factor : 1.0);
        for (std::size_t i : ranked) {
            double score = take_score(k_lenses[l], a, v, i) *
                           (a.sentences[i].heading ? k_heading_headline_factor : 1.0);
            candidates.push_back({best_score > 0 ? score / best_score : 0.0, l, i});
        }
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& x, const Candidate& y) {
                         if (x.relative != y.relative) {
                             return x.relative > y.relative;
                         }
                         return x.lens != y.lens ? x.lens < y.lens : x.sentence < y.sentence;
                     });
    std::vector<std::size_t> assigned(std::size(k_lenses), npos);
    std::vector<std::size_t> used;
    for (const auto& c : candidates) {
        if (assigned[c.lens] == npos && !contains(used, c.sentence)) {
            assigned[c.lens] = c.sentence;
            used.push_back(c.sentence);
        }
    }
    for (std::size_t l = 0; l < assigned.size(); ++l) {
        assigned[l] = assigned[l] != npos ? assigned[l] : first_choice[l];
    }
    return assigned;
}

// Returns the headline of `lens`: every seat needs all four, so they are assigned once per
// analysis.
std::size_t assign_headline(Lens lens, const Analysis& a) {
    std::call_once(a.derived->headlines_once, [&] { a.derived->headlines = assign_headlines(a); });
    const auto me = static_cast<std::size_t>(
        std::find(std::begin(k_lenses), std::end(k_lenses), lens) - std::begin(k_lenses));
    return a.derived->headlines[me];
}

Take make_take(Lens lens, const Analysis& a) {
    View v = lens_view(lens, a);
    Take t;
    t.direction = v.direction;
    t.confidence = v.confidence;
    auto score = [&](std::size_t i) { return quotable(a, i) ? take_score(lens, a, v, i) : 0.0; };
    t.headline = assign_headline(lens, a);
    // Analysis: the lens's best sentences but the headline, read in article order.
    t.analysis = top(a, 4, [&](std::size_t i) { return i == t.headline ? 0.0 : score(i); });
    for (std::size_t i : top(a, 4, [&](std::size_t k) {
             return quotable(a, k) && k != t.headline ? base(a.sentences[k]) : 0.0;
         })) {
        if (t.analysis.size() >= 3) {
            break;
        }
        if (!contains(t.analysis, i)) {
            t.analysis.push_back(i);
        }
    }
    if (t.analysis.size() < 3 && t.headline != npos && !contains(t.analysis, t.headline)) {
        t.analysis.push_back(t.headline);
    }
    if (t.analysis.empty()) {
        t.analysis.push_back(t.headline);
    }
    // Counterpoint: the strongest sentence against the stance (by the plain
    // reading), else the most hedged claim, else the most central other sentence.
    int against = v.direction != 0 ? -v.direction : -sign(v.margin);
    if (against != 0) {
        t.counterpoint = best(a, [&](std::size_t i) {
            const auto& s = a.sentences[i];
            return quotable(a, i) && sign(s.net()) == against ? std::abs(s.net()) * base(s) : 0.0;
        });
    }
    if (t.counterpoint == npos) {
        t.counterpoint = best(a, [&](std::size_t i) {
            return quotable(a, i) && i != t.headline
                       ? a.sentences[i].cues.hedge * base(a.sentences[i])
                       : 0.0;
        });
    }
    if (t.counterpoint == npos) {
        t.counterpoint = best(a, [&](std::size_t i) {
            return quotable(a, i) && i != t.headline ? base(a.sentences[i]) : 0.0;
        });
    }
    if (t.counterpoint == npos) {
        t.counterpoint = t.headline;
    }
    // Evidence: sentences that carry the stance, filled up with the lens's top sentences.
    if (v.direction != 0) {
        t.evidence = top(a, 4, [&](std::size_t i) {
            return quotable(a, i) && sign(v.signal[i]) == v.direction
                       ? std::abs(v.signal[i]) * base(a.sentences[i])
                       : 0.0;
        });
    }
    if (t.evidence.size() < 2) {
        for (std::size_t i : top(a, 4, score)) {
            if (t.evidence.size() >= (v.direction == 0 ? 4u : 2u)) {
                break;
            }
            if (!contains(t.evidence, i)) {
                t.evidence.push_back(i);
            }
        }
    }
    if (t.evidence.size() < 2 && t.headline != npos && !contains(t.evidence, t.headline)) {
        t.evidence.push_back(t.headline);
    }
    std::sort(t.evidence.begin(), t.evidence.end());
    return t;
}

struct Fenced {
    std::string_view body;
    std::size_t after = 0; // offset just past the closing line
};

std::expected<Fenced, std::string> find_fenced(std::string_view user, std::string_view kind,
                                               std::size_t from, std::string_view what) {
    std::string open = fmt::format("<<<{} ", kind);
    std::size_t pos = from;
    while (true) {
        pos = user.find(open, pos);
        if (pos == npos) {
            return std::unexpected(
                fmt::format("missing the line \"<<<{} TOKEN>>>\" that opens the {}", kind, what));
        }
        if (pos == 0 || user[pos - 1] == '\n') {
            break;
        }
        pos += open.size();
    }
    std::size_t line_end = user.find('\n', pos);
    std::string_view line = user.substr(pos, line_end == npos ? npos : line_end - pos);
    if (!line.ends_with(">>>") || line.size() <= open.size() + 3 || line_end == npos) {
        return std::unexpected(
            fmt::format("missing the line \"<<<{} TOKEN>>>\" that opens the {}", kind, what));
    }
    std::string_view token = line.substr(open.size(), line.size() - open.size() - 3);
    std::string close = fmt::format("<<<END {} {}>>>", kind, token);
    std::size_t body_begin = line_end + 1;
    std::size_t close_pos = user.find(close, body_begin);
    while (close_pos != npos && close_pos != body_begin && user[close_pos - 1] != '\n') {
        close_pos = user.find(close, close_pos + 1);
    }
    if (close_pos == npos) {
        return std::unexpected(
            fmt::format("missing the line \"{}\" that closes the {}", close, what));
    }
    std::size_t body_end = close_pos;
    if (body_end > body_begin && user[body_end - 1] == '\n') {
        --body_end;
    }
    return Fenced{user.substr(body_begin, body_end - body_begin), close_pos + close.size()};
}

std::string_view article_of(std::string_view body) {
    if (body.starts_with("Title:")) {
        std::size_t nl = body.find('\n');
        body = nl == npos ? std::string_view{} : body.substr(nl + 1);
        if (body.starts_with('\n')) {
            body.remove_prefix(1);
        }
    }
    return body;
}

std::string text_field(const Json& object, const char* key) {
    if (object.is_object()) {
        auto it = object.find(key);
        if (it != object.end() && it->is_string()) {
            return it->get<std::string>();
        }
    }
    return {};
}

std::vector<std::string> quotes_of(const Json& take) {
    std::vector<std::string> out;
    if (take.is_object()) {
        auto it = take.find("evidence");
        if (it != take.end() && it->is_array()) {
            for (const auto& item : *it) {
                if (item.is_string()) {
                    out.push_back(item.get<std::string>());
                }
            }
        }
    }
    return out;
}

// Weight of quoted evidence: the plain cue strength of the sentences it quotes.
double evidence_weight(const Analysis& a, const std::vector<std::string>& quotes) {
    double total = 0;
    for (const auto& q : quotes) {
        std::size_t i = a.locate(q);
        if (i != npos) {
            total += std::abs(a.sentences[i].net());
        }
    }
    return total;
}

struct Other {
    std::string name;
    int direction = 0;
    double confidence = 0.5;
    Json take;
};

// The sentences, best first (at most 3), with which `lens` answers `target`:
// on a disagreement, those that best contradict the target's take from this
// lens's viewpoint; on an agreement, what the target did not cite from this
// lens's angle (the bull the upside, the bear the downside, the skeptic the
// hedged claims, the quant the figures). The target's own evidence and
// headline are left out; this seat's headline, the target's counterpoint and
// the other `headlines` are discounted.
std::vector<std::size_t> rebuttal_sentences(Lens lens, const Analysis& a, const Take& mine,
                                            const Other& target,
                                            const std::vector<std::size_t>& headlines) {
    // The target's claims; its counterpoint is a concession already made, so it counts little.
    std::string topic =
        text_field(target.take, "headline") + " " + text_field(target.take, "analysis");
    std::size_t conceded = a.locate(text_field(target.take, "counterpoint"));
    std::vector<std::size_t> cited;
    for (const auto& q : quotes_of(target.take)) {
        topic += " " + q;
        if (std::size_t i = a.locate(q); i != npos) {
            cited.push_back(i);
        }
    }
    if (std::size_t i = a.locate(text_field(target.take, "headline")); i != npos) {
        cited.push_back(i);
    }
    std::vector<std::uint32_t> topic_terms = a.terms_of(topic);
    auto overlap = [&](std::size_t i) {
        const auto& terms = a.sentences[i].terms;
        std::size_t common = 0;
        for (auto t : terms) {
            common += std::binary_search(topic_terms.begin(), topic_terms.end(), t) ? 1 : 0;
        }
        return static_cast<double>(common) /
               static_cast<double>(std::max<std::size_t>(1, terms.size()));
    };
    auto usable = [&](std::size_t i) { return quotable(a, i) && !contains(cited, i); };
    auto own = [&](std::size_t i) {
        if (i == mine.headline) {
            return 0.1;
        }
        if (i == conceded) {
            return 0.5;
        }
        return contains(headlines, i) ? 0.6 : 1.0;
    };
    std::function<double(std::size_t)> score;
    if (target.direction != mine.direction) {
        int want = mine.direction != 0 ? mine.direction : -target.direction;
        score = [&, want](std::size_t i) {
            const auto& s = a.sentences[i];
            auto [signal, magnitude] = lens_signal(lens, s);
            (void)magnitude;
            return usable(i) && sign(signal) == want
                       ? std::abs(signal) * base(s) * (0.3 + overlap(i)) * own(i)
                       : 0.0;
        };
    } else {
        int side = target.direction;
        score = [&, side](std::size_t i) {
            const auto& s = a.sentences[i];
            if (!usable(i)) {
                return 0.0;
            }
            double value = 0.0;
            switch (lens) {
            case Lens::bull:
                value = s.cues.opportunity > s.cues.risk ? s.cues.opportunity : 0.0;
                break;
            case Lens::bear:
                value = s.cues.risk > s.cues.opportunity ? s.cues.risk : 0.0;
                break;
            case Lens::skeptic:
                value = s.cues.hedge * (0.5 + std::abs(s.net()));
                break;
            case Lens::quant:
                value = s.cues.figures > 0 && (side == 0 || sign(s.net()) != -side)
                            ? std::min(s.cues.figures, 4) * (0.5 + std::abs(s.net()))
                            : 0.0;
                break;
            }
            return value * base(s) * own(i);
        };
    }
    auto ranked = top(a, 3, score);
    if (ranked.empty()) {
        // Nothing new from this angle: the target's own counterpoint, then the lens's best unquoted
        // sentence.
        if (std::size_t i = a.locate(text_field(target.take, "counterpoint"));
            i != npos && quotable(a, i)) {
            ranked.push_back(i);
        }
        for (std::size_t i : top(a, 3, [&](std::size_t k) {
                 return usable(k) ? base(a.sentences[k]) * own(k) : 0.0;
             })) {
            if (ranked.size() >= 3) {
                break;
            }
            if (!contains(ranked, i)) {
                ranked.push_back(i);
            }
        }
    }
    return ranked;
}

Json rebuttal_reply(Lens lens, const Analysis& a, const Json& panel) {
    Take mine = make_take(lens, a);
    std::vector<Other> others;
    for (const auto& item : panel) {
        if (!item.is_object()) {
            continue;
        }
        Other o;
        o.name = text_field(item, "panelist");
        o.direction = stance_direction(text_field(item, "stance"));
        auto c = item.find("confidence");
        o.confidence = (c != item.end() && c->is_number()) ? c->get<double>() : 0.5;
        o.take = item;
        others.push_back(std::move(o));
    }
    Json reply;
    // The panelist whose stance differs most from ours; ties: highest confidence, then name.
    const Other* target = nullptr;
    for (const auto& o : others) {
        if (target == nullptr) {
            target = &o;
            continue;
        }
        int d = std::abs(o.direction - mine.direction);
        int td = std::abs(target->direction - mine.direction);
        if (d != td ? d > td
                    : (o.confidence != target->confidence ? o.confidence > target->confidence
                                                          : o.name < target->name)) {
            target = &o;
        }
    }
    reply["responds_to"] = Json::array();
    std::size_t headline = npos;
    std::vector<std::size_t> text;
    if (target != nullptr) {
        reply["responds_to"].push_back(target->name);
        // The others' headlines: a rebuttal prefers sentences nobody led with.
        std::vector<std::size_t> headlines;
        for (const auto& o : others) {
            if (std::size_t i = a.locate(text_field(o.take, "headline")); i != npos) {
                headlines.push_back(i);
            }
        }
        auto ranked = rebuttal_sentences(lens, a, mine, *target, headlines);
        if (!ranked.empty()) {
            headline = ranked.front();
            text.assign(ranked.begin() + 1, ranked.end());
        }
    }
    if (headline == npos) {
        headline = mine.headline;
        text = mine.analysis;
    }
    if (text.empty()) {
        // One sentence from this angle: add the claims the target took at face value.
        text = top(a, 2, [&](std::size_t i) {
            const auto& s = a.sentences[i];
            return quotable(a, i) && i != headline && i != mine.headline && s.cues.hedge > 0
                       ? s.cues.hedge * base(s)
                       : 0.0;
        });
    }
    if (text.empty()) {
        text = mine.analysis;
        std::erase(text, headline);
        if (text.size() > 2) {
            text.resize(2);
        }
    }
    if (text.empty()) {
        text.push_back(headline);
    }
    reply["headline"] = headline == npos ? std::string() : std::string(a.sentence_text(headline));
    reply["text"] = join(a, text);

    // Stance after the debate: one step toward the others only on a clear margin.
    int after = mine.direction;
    double confidence = mine.confidence;
    int toward = 0;
    for (const auto& o : others) {
        toward += o.direction - mine.direction;
    }
    toward = sign(toward);
    std::size_t agreeing = 0;
    std::size_t on_side = 0;
    double side_weight = 0;
    for (const auto& o : others) {
        if (o.direction == mine.direction) {
            ++agreeing;
        } else if (toward != 0 && sign(o.direction - mine.direction) == toward) {
            ++on_side;
            side_weight += evidence_weight(a, quotes_of(o.take));
        }
    }
    std::vector<std::string> my_quotes;
    for (std::size_t i : mine.evidence) {
        my_quotes.emplace_back(a.sentence_text(i));
    }
    double my_weight = evidence_weight(a, my_quotes);
    if (on_side >= 2 && side_weight / static_cast<double>(on_side) > k_shift_margin * my_weight) {
        after = std::clamp(mine.direction + toward, -1, 1);
        confidence = 0.5 + (mine.confidence - 0.5) * 0.5;
    } else if (!others.empty() && agreeing == others.size()) {
        confidence = mine.confidence + 0.05;
    } else if (on_side > 0) {
        confidence = mine.confidence - 0.05;
    }
    reply["stance_after"] = stance_name(after);
    reply["confidence_after"] = std::clamp(round2(confidence), 0.5, 0.95);
    return reply;
}

Json consensus_reply(const Analysis& a, const Json& panel, std::string_view stance) {
    std::vector<int> citations(a.sentences.size(), 0);
    auto cite = [&](const std::string& quote) {
        if (std::size_t i = a.locate(quote); i != npos) {
            ++citations[i];
        }
    };
    if (panel.is_object()) {
        if (auto takes = panel.find("takes"); takes != panel.end() && takes->is_array()) {
            for (const auto& t : *takes) {
                for (const auto& q : quotes_of(t)) {
                    cite(q);
                }
            }
        }
    }
    int direction = stance_direction(stance);
    std::vector<std::size_t> summary;
    if (direction != 0) {
        summary = top(a, 3, [&](std::size_t i) {
            const auto& s = a.sentences[i];
            int n = sign(s.net());
            return n == -direction || !quotable(a, i) ? 0.0
                                                      : base(s) * (n == direction ? 1.5 : 1.0);
        });
    } else {
        // Neutral or split: the most central sentence and the best of each side.
        auto central =
            best(a, [&](std::size_t i) { return quotable(a, i) ? base(a.sentences[i]) : 0.0; });
        for (int side : {1, -1}) {
            auto pick = best(a, [&](std::size_t i) {
                const auto& s = a.sentences[i];
                return quotable(a, i) && i != central && sign(s.net()) == side
                           ? base(s) * std::abs(s.net())
                           : 0.0;
            });
            if (pick != npos) {
                summary.push_back(pick);
            }
        }
        if (central != npos) {
            summary.push_back(central);
        }
    }
    if (summary.size() < 2) {
        for (std::size_t i : top(a, 3, [&](std::size_t k) {
                 return quotable(a, k) ? base(a.sentences[k]) : 0.0;
             })) {
            if (summary.size() >= 2) {
                break;
            }
            if (!contains(summary, i)) {
                summary.push_back(i);
            }
        }
    }
    // Risk: among risk-cued sentences, the one the takes cite most as evidence;
    // ties by cue strength and salience.
    auto risk_cued = [&](std::size_t i) {
        const auto& s = a.sentences[i];
        return quotable(a, i) && s.cues.risk > s.cues.opportunity;
    };
    int most_cited = 0;
    for (std::size_t i = 0; i < a.sentences.size(); ++i) {
        if (risk_cued(i)) {
            most_cited = std::max(most_cited, citations[i]);
        }
    }
    std::size_t risk = best(a, [&](std::size_t i) {
        const auto& s = a.sentences[i];
        return risk_cued(i) && citations[i] == most_cited ? s.cues.risk * base(s) : 0.0;
    });
    if (risk == npos) {
        risk = best(a, [&](std::size_t i) {
            return quotable(a, i) ? a.sentences[i].cues.risk * base(a.sentences[i]) : 0.0;
        });
    }
    // Opportunity: the strongest opportunity-cued sentence, whatever the stance.
    std::size_t opportunity = best(a, [&](std::size_t i) {
        const auto& s = a.sentences[i];
        return quotable(a, i) && i != risk && s.cues.opportunity > s.cues.risk
                   ? (s.cues.opportunity - 0.5 * s.cues.risk) * base(s)
                   : 0.0;
    });
    if (opportunity == npos) {
        opportunity = best(a, [&](std::size_t i) {
            const auto& s = a.sentences[i];
            return quotable(a, i) && i != risk ? s.cues.opportunity * base(s) : 0.0;
        });
    }
    if (risk == npos) {
        risk = best(a, [&](std::size_t i) {
            return quotable(a, i) && i != opportunity
                       ? (0.1 + a.sentences[i].cues.hedge) * base(a.sentences[i])
                       : 0.0;
        });
    }
    if (opportunity == npos) {
        opportunity = best(a, [&](std::size_t i) {
            const auto& s = a.sentences[i];
            return quotable(a, i) && i != risk
                       ? (0.1 + s.cues.hedge + std::max(0.0, s.net())) * base(s)
                       : 0.0;
        });
    }
    if (risk == npos) {
        risk =
            best(a, [&](std::size_t i) { return i != opportunity ? base(a.sentences[i]) : 0.0; });
    }
    if (opportunity == npos) {
        opportunity =
            best(a, [&](std::size_t i) { return i != risk ? base(a.sentences[i]) : 0.0; });
    }
    if (opportunity == npos) { // a one-sentence article: that sentence is both
        opportunity = risk;
    }
    Json reply;
    reply["summary"] = join(a, summary);
    reply["risk"] = risk == npos ? std::string() : std::string(a.sentence_text(risk));
    reply["opportunity"] =
        opportunity == npos ? std::string() : std::string(a.sentence_text(opportunity));
    return reply;
}

Json take_reply(Lens lens, const Analysis& a) {
    Take t = make_take(lens, a);
    Json reply;
    reply["stance"] = stance_name(t.direction);
    reply["confidence"] = t.confidence;
    reply["headline"] = std::string(a.sentence_text(t.headline));
    reply["analysis"] = join(a, t.analysis);
    reply["counterpoint"] = std::string(a.sentence_text(t.counterpoint));
    reply["evidence"] = Json::array();
    for (std::size_t i : t.evidence) {
        reply["evidence"].push_back(std::string(a.sentence_text(i)));
    }
    return reply;
}

// The stance the chair is told, from "the consensus stance is X (vote)"; the
// majority of the takes when the sentence is missing.
std::string chair_stance(std::string_view task, const Json& panel) {
    constexpr std::string_view k_phrase = "the consensus stance is ";
    if (std::size_t pos = task.find(k_phrase); pos != npos) {
        std::string_view rest = task.substr(pos + k_phrase.size());
        std::size_t end = 0;
        while (end < rest.size() && rest[end] >= 'a' && rest[end] <= 'z') {
            ++end;
        }
        return std::string(rest.substr(0, end));
    }
    int total = 0;
    if (panel.is_object()) {
        if (auto takes = panel.find("takes"); takes != panel.end() && takes->is_array()) {
            for (const auto& t : *takes) {
                total += stance_direction(text_field(t, "stance"));
            }
        }
    }
    return std::string(stance_name(sign(total)));
}

} // namespace

std::string_view lens_name(Lens lens) {
    switch (lens) {
    case Lens::bull:
        return "bull";
    case Lens::bear:
        return "bear";
    case Lens::skeptic:
        return "skeptic";
    case Lens::quant:
        return "quant";
    }
    return "bull";
}

std::optional<Lens> parse_lens(std::string_view name) {
    for (Lens lens : k_lenses) {
        if (name == lens_name(lens)) {
            return lens;
        }
    }
    return std::nullopt;
}

std::expected<std::string, std::string> answer(Lens lens, guard::Round round,
                                               std::string_view user) {
    auto fenced = find_fenced(user, "ARTICLE", 0, "article");
    if (!fenced) {
        return std::unexpected(fenced.error());
    }
    std::string_view article_text = article_of(fenced->body);
    Json panel;
    std::string_view task = user.substr(fenced->after);
    if (round != guard::Round::take) {
        auto fenced_panel = find_fenced(user, "PANEL", fenced->after, "panel data");
        if (!fenced_panel) {
            return std::unexpected(fenced_panel.error());
        }
        panel = Json::parse(fenced_panel->body, nullptr, false);
        if (panel.is_discarded()) {
            return std::unexpected("the panel data is not valid JSON");
        }
        task = user.substr(fenced_panel->after);
    }
    std::shared_ptr<const Analysis> analysis = analyze(article_text);
    if (analysis->sentences.empty()) {
        return std::unexpected("the article has no sentences");
    }
    Json reply;
    switch (round) {
    case guard::Round::take:
        reply = take_reply(lens, *analysis);
        break;
    case guard::Round::rebuttal:
        if (!panel.is_array()) {
            return std::unexpected("the panel data of a rebuttal is not a JSON array of takes");
        }
        reply = rebuttal_reply(lens, *analysis, panel);
        break;
    case guard::Round::consensus:
        reply = consensus_reply(*analysis, panel, chair_stance(task, panel));
        break;
    }
    return reply.dump(-1, ' ', false, Json::error_handler_t::replace);
}

} // namespace roundtable::offline
