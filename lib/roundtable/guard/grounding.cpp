#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <optional>
#include <roundtable/guard/figures.hpp>
#include <roundtable/guard/grounding.hpp>
#include <unordered_set>

namespace roundtable::guard {

namespace {

constexpr std::size_t k_npos = std::string_view::npos;
constexpr double k_trivial_max = 10;
// Entries looked at for the best label among those with one value; the
// first one found already proves the claim, so the bound costs no recall.
constexpr std::size_t k_max_candidates = 16;
constexpr std::size_t k_max_snippet = 200;
// The currencies of figures.hpp, unknown first: the slots of m_by_currency.
constexpr std::string_view k_currency_slots{"\0$ELYFRIK", 9};

std::size_t slot(char currency) {
    const std::size_t at = k_currency_slots.find(currency);
    return at == k_npos ? 0 : at;
}

// FNV-1a: sorting and finding figures' texts by a hash compares integers, not strings.
std::uint64_t hash_of(std::string_view text) {
    std::uint64_t hash = 14695981039346656037ULL;
    for (const char c : text) {
        hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    }
    return hash;
}

bool is_ascii_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_alnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string_view trim_space(std::string_view s) {
    while (!s.empty() && is_ascii_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_ascii_space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

bool is_trivial(const Mention& m) {
    return m.kind == FigureKind::plain && m.unit == Unit::none && !m.magnitude && m.decimals == 0 &&
           m.raw <= k_trivial_max;
}

bool is_year(const Mention& m) {
    return m.kind == FigureKind::plain && m.unit == Unit::none && !m.magnitude && m.decimals == 0 &&
           m.raw >= 1900 && m.raw <= 2099 && m.raw == std::floor(m.raw);
}

bool is_trivial(const Token& token) {
    switch (token.type) {
    case TokenType::figure:
        return is_trivial(token.first);
    case TokenType::range:
        return is_trivial(token.first) && is_trivial(token.second);
    case TokenType::date:
    case TokenType::quote:
    case TokenType::identifier:
        return false;
    }
    return false;
}

Claim::Kind claim_kind(const Token& token) {
    switch (token.type) {
    case TokenType::range:
        return Claim::Kind::range;
    case TokenType::date:
        return Claim::Kind::date;
    case TokenType::quote:
        return Claim::Kind::quote;
    case TokenType::identifier:
        return Claim::Kind::identifier;
    case TokenType::figure:
        break;
    }
    switch (token.first.kind) {
    case FigureKind::percent:
        return Claim::Kind::percent;
    case FigureKind::money:
        return Claim::Kind::money;
    case FigureKind::plain:
        break;
    }
    return is_year(token.first) ? Claim::Kind::year : Claim::Kind::number;
}

struct Scanned {
    Token token;
    Claim claim;
    std::string normalized; // the claim's normalized text
};

// The non-trivial tokens of `output_text` with their claims.
std::vector<Scanned> scan_output(std::string_view output_text) {
    SourceMap map;
    std::vector<std::uint32_t> line_starts;
    const std::string normalized = normalize(output_text, &map, &line_starts);
    std::vector<Scanned> found;
    const ScanOptions options{.quotes = true, .words = false, .line_starts = &line_starts};
    scan(normalized, options, [&](const Token& token) {
        if (is_trivial(token)) {
            return;
        }
        const std::size_t from = map.source(token.begin);
        const std::size_t to = map.source(token.end);
        found.push_back(
            {token,
             Claim{claim_kind(token), std::string(trim_space(output_text.substr(from, to - from)))},
             normalized.substr(token.begin, token.end - token.begin)});
    });
    return found;
}

// ---------------------------------------------------------------------------
// Quotes

bool is_edge_punctuation(char c) {
    return is_ascii_space(c) || c == '"' || c == '\'' || c == '.' || c == ',' || c == ';' ||
           c == ':' || c == '!' || c == '?' || c == '(' || c == ')' || c == '[' || c == ']' ||
           c == '-';
}

std::string_view trim_punctuation(std::string_view s) {
    while (!s.empty() && is_edge_punctuation(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_edge_punctuation(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

// The fragments of the normalized quote `q` between ellipses, edges trimmed,
// empty ones left out.
std::vector<std::string_view> fragments(std::string_view q) {
    std::vector<std::string_view> parts;
    std::size_t pos = 0;
    while (pos <= q.size()) {
        std::size_t dots = q.find("...", pos);
        if (dots == k_npos) {
            dots = q.size();
        }
        const std::string_view part = trim_punctuation(q.substr(pos, dots - pos));
        if (std::any_of(part.begin(), part.end(), [](char c) {
                return is_alnum(c) || static_cast<unsigned char>(c) >= 0x80U;
            })) {
            parts.push_back(part);
        }
        pos = dots + 3;
        while (pos < q.size() && q[pos] == '.') {
            ++pos;
        }
    }
    return parts;
}

// Whether every needle occurs in `haystack`, each after the previous one.
bool find_in_order(std::string_view haystack, const std::vector<std::string>& needles) {
    if (needles.empty()) {
        return false;
    }
    auto from = haystack.begin();
    for (const std::string& needle : needles) {
        const auto hit = std::search(
            from, haystack.end(), std::boyer_moore_horspool_searcher(needle.begin(), needle.end()));
        if (hit == haystack.end()) {
            return false;
        }
        from = hit + static_cast<std::ptrdiff_t>(needle.size());
    }
    return true;
}

// ---------------------------------------------------------------------------
// Numeric look-ups

struct Window {
    double low;
    double high;
};

double noise(double v) {
    return 1e-9 * std::max(1.0, std::fabs(v));
}

Window exact_window(double v) {
    return {v - noise(v), v + noise(v)};
}

// The values a claim rounds from: within half a unit of its last digit when
// it has two or more significant digits ("$2.5 million" for $2,450,000),
// else exact.
Window rounded_window(const Mention& m) {
    const double v = m.value();
    if (m.significant < 2) {
        return exact_window(v);
    }
    const double half = 0.5 * std::pow(10.0, -m.decimals) * m.scale * m.factor;
    return {v - half - noise(v), v + half + noise(v)};
}

bool is_converted(Unit unit) {
    return unit == Unit::basis_points || unit == Unit::fraction || unit == Unit::minor;
}

// How a claim in `claim` units matches an article value in `entry` units.
Match unit_match(Unit claim, Unit entry, bool exact) {
    if (is_converted(claim) != is_converted(entry) || (is_converted(claim) && claim != entry)) {
        return Match::equivalent_unit;
    }
    if (!exact) {
        return Match::rounded_number;
    }
    if (claim == entry) {
        return Match::normalized_number;
    }
    return claim == Unit::none ? Match::without_unit : Match::normalized_number;
}

// A match and the article's span it matched.
struct Found {
    Match match = Match::not_found;
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
};

// The weaker of two matches (a range is as good as its weaker end).
Match weaker(Match a, Match b) {
    return static_cast<int>(a) > static_cast<int>(b) ? a : b;
}

} // namespace

std::string_view kind_name(Claim::Kind kind) {
    switch (kind) {
    case Claim::Kind::number:
        return "number";
    case Claim::Kind::percent:
        return "percent";
    case Claim::Kind::money:
        return "money";
    case Claim::Kind::date:
        return "date";
    case Claim::Kind::year:
        return "year";
    case Claim::Kind::range:
        return "range";
    case Claim::Kind::quote:
        return "quote";
    case Claim::Kind::evidence:
        return "evidence";
    case Claim::Kind::identifier:
        return "identifier";
    }
    return "number";
}

std::string_view match_name(Match match) {
    switch (match) {
    case Match::not_found:
        return "not_found";
    case Match::exact_text:
        return "exact_text";
    case Match::normalized_number:
        return "normalized_number";
    case Match::normalized_date:
        return "normalized_date";
    case Match::without_unit:
        return "without_unit";
    case Match::equivalent_unit:
        return "equivalent_unit";
    case Match::rounded_number:
        return "rounded_number";
    case Match::date_part:
        return "date_part";
    case Match::identifier:
        return "identifier";
    case Match::loose_text:
        return "loose_text";
    }
    return "not_found";
}

// The index's tables: how they are filled, and how a token is looked up.
struct IndexAccess {
    using Entry = GroundingIndex::Entry;
    using Table = std::vector<Entry>;

    // --- Building

    struct Builder {
        GroundingIndex& index;
        const SourceMap& map;

        std::uint32_t source(std::size_t normalized) const {
            return static_cast<std::uint32_t>(map.source(normalized));
        }

        Entry entry(double value, std::size_t begin, std::size_t end, Unit unit = Unit::none,
                    bool part = false) const {
            const std::uint32_t from = source(begin);
            const std::uint32_t to = std::max(from, source(end));
            return Entry{value, from,
                         static_cast<std::uint16_t>(std::min<std::uint32_t>(to - from, 0xFFFFU)),
                         static_cast<std::uint8_t>(unit), part};
        }

        void text(std::size_t begin, std::size_t end) const {
            index.m_texts.push_back(
                {hash_of(std::string_view(index.m_text).substr(begin, end - begin)),
                 static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end), source(begin),
                 source(end)});
        }

        void values(const Mention& m, double times) const {
            index.m_raw.push_back(entry(m.raw * times, m.begin, m.end, m.unit));
            const Entry value = entry(m.value() * times, m.begin, m.end, m.unit);
            if (m.kind == FigureKind::percent) {
                index.m_percents.push_back(value);
            } else {
                index.m_by_currency[slot(m.currency)].push_back(value);
            }
        }

        void mention(const Mention& m) const {
            values(m, 1);
            // "12.480" is 12.48 in English and 12,480 with a dot grouping
            // thousands (euro area): the article is taken to say either.
            if (!m.spelled && m.decimals == 3 && m.raw < 1000) {
                values(m, 1000);
            }
            if (!m.spelled) {
                text(m.begin, m.end);
            }
        }

        void date(const Date& d, std::size_t begin, std::size_t end) const {
            const double month = d.year * 10000.0 + d.month * 100.0;
            if (d.year != 0) {
                index.m_date_parts.push_back(entry(d.year, begin, end, Unit::none, true));
                index.m_dates.push_back(entry(month, begin, end, Unit::none, d.day != 0));
            }
            if (d.day != 0) {
                index.m_date_parts.push_back(entry(d.day, begin, end, Unit::none, true));
                index.m_month_days.push_back(
                    entry(d.month * 100.0 + d.day, begin, end, Unit::none, d.year != 0));
                if (d.year != 0) {
                    index.m_dates.push_back(entry(month + d.day, begin, end));
                }
            }
        }

        void add(const Token& token) const {
            switch (token.type) {
            case TokenType::figure:
                mention(token.first);
                return;
            case TokenType::range:
                mention(token.first);
                mention(token.second);
                text(token.begin, token.end);
                return;
            case TokenType::date:
                date(token.date, token.begin, token.end);
                if (token.alternative.month != 0) {
                    date(token.alternative, token.begin, token.end);
                }
                text(token.begin, token.end);
                return;
            case TokenType::identifier:
                index.m_identifiers.push_back({token.key, source(token.begin), source(token.end)});
                if (const std::string_view family =
                        std::string_view(token.key).substr(0, token.family);
                    index.m_families.empty() || index.m_families.back() != family) {
                    index.m_families.emplace_back(family); // a storm of one family stays one
                }
                if (token.first.end != 0) {
                    index.m_identifier_parts.push_back(
                        entry(token.first.raw, token.begin, token.end));
                }
                text(token.begin, token.end);
                return;
            case TokenType::quote:
                return;
            }
        }
    };

    // What entries with one value may differ in: whole dates sort before their parts.
    static std::uint32_t kind_key(const Entry& e) {
        return (static_cast<std::uint32_t>(e.part) << 8U) | e.unit;
    }

    // Sorts `table` by value, then kind, then first occurrence, and keeps one
    // entry per value and kind (the first in the article).
    static void finish(Table& table) {
        std::sort(table.begin(), table.end(), [](const Entry& a, const Entry& b) {
            if (a.value != b.value) {
                return a.value < b.value;
            }
            const std::uint32_t ka = kind_key(a);
            const std::uint32_t kb = kind_key(b);
            return ka != kb ? ka < kb : a.begin < b.begin;
        });
        table.erase(std::unique(table.begin(), table.end(),
                                [](const Entry& a, const Entry& b) {
                                    return a.value == b.value && kind_key(a) == kind_key(b);
                                }),
                    table.end());
    }

    static void finish(GroundingIndex& index) {
        for (Table* table : {&index.m_raw, &index.m_percents, &index.m_date_parts,
                             &index.m_identifier_parts, &index.m_dates, &index.m_month_days}) {
            finish(*table);
        }
        for (Table& table : index.m_by_currency) {
            finish(table);
        }
        const std::string_view text = index.m_text;
        const auto view = [text](const GroundingIndex::Text& t) {
            return text.substr(t.begin, t.end - t.begin);
        };
        std::sort(index.m_texts.begin(), index.m_texts.end(), [](const auto& a, const auto& b) {
            return a.hash != b.hash ? a.hash < b.hash : a.begin < b.begin;
        });
        index.m_texts.erase(std::unique(index.m_texts.begin(), index.m_texts.end(),
                                        [&](const auto& a, const auto& b) {
                                            return a.hash == b.hash && view(a) == view(b);
                                        }),
                            index.m_texts.end());
        std::sort(index.m_identifiers.begin(), index.m_identifiers.end(),
                  [](const auto& a, const auto& b) {
                      return a.key != b.key ? a.key < b.key : a.begin < b.begin;
                  });
        index.m_identifiers.erase(
            std::unique(index.m_identifiers.begin(), index.m_identifiers.end(),
                        [](const auto& a, const auto& b) { return a.key == b.key; }),
            index.m_identifiers.end());
        std::sort(index.m_families.begin(), index.m_families.end());
        index.m_families.erase(std::unique(index.m_families.begin(), index.m_families.end()),
                               index.m_families.end());
    }

    // --- Looking up

    // The entry within `w` of `table` whose unit is `unit`, else the first
    // within `w`; nullptr when none is.
    static const Entry* in(const Table& table, Window w, Unit unit) {
        auto it = std::lower_bound(table.begin(), table.end(), w.low,
                                   [](const Entry& e, double v) { return e.value < v; });
        const Entry* first = nullptr;
        for (std::size_t n = 0; it != table.end() && it->value <= w.high && n < k_max_candidates;
             ++it, ++n) {
            if (it->unit == static_cast<std::uint8_t>(unit)) {
                return &*it;
            }
            first = first != nullptr ? first : &*it;
        }
        return first;
    }

    static Found found(Match match, const Entry& e) { return {match, e.begin, e.begin + e.length}; }

    // The amounts of every currency, unknown first.
    static std::array<const Table*, k_currency_slots.size()> all(const GroundingIndex& x) {
        std::array<const Table*, k_currency_slots.size()> tables{};
        for (std::size_t i = 0; i < tables.size(); ++i) {
            tables[i] = &x.m_by_currency[i];
        }
        return tables;
    }

    // Looks `m` up in `tables`, exact values first, then rounded ones.
    template <typename Tables>
    static std::optional<Found> amounts(const Tables& tables, const Mention& m) {
        for (const bool exact : {true, false}) {
            const Window w = exact ? exact_window(m.value()) : rounded_window(m);
            for (const Table* table : tables) {
                if (const Entry* e = in(*table, w, m.unit)) {
                    return found(unit_match(m.unit, static_cast<Unit>(e->unit), exact), *e);
                }
            }
        }
        return std::nullopt;
    }

    static std::optional<Found> mention(const GroundingIndex& x, const Mention& m) {
        switch (m.kind) {
        case FigureKind::percent:
            return amounts(std::array{&x.m_percents}, m);
        case FigureKind::money:
            if (m.currency == 0) {
                return amounts(all(x), m);
            }
            return amounts(std::array{&x.m_by_currency[slot(m.currency)], &x.m_by_currency[0]}, m);
        case FigureKind::plain:
            break;
        }
        if (m.magnitude) {
            return amounts(all(x), m);
        }
        const Window exact = exact_window(m.raw);
        if (const Entry* e = in(x.m_raw, exact, Unit::none)) {
            return found(e->unit == static_cast<std::uint8_t>(Unit::none) ? Match::normalized_number
                                                                          : Match::without_unit,
                         *e);
        }
        for (const Table* table : all(x)) {
            if (const Entry* e = in(*table, exact, Unit::none)) {
                return found(unit_match(Unit::none, static_cast<Unit>(e->unit), true), *e);
            }
        }
        if (const Entry* e = in(x.m_date_parts, exact, Unit::none)) {
            return found(Match::date_part, *e);
        }
        if (const Entry* e = in(x.m_identifier_parts, exact, Unit::none)) {
            return found(Match::identifier, *e);
        }
        if (const Entry* e = in(x.m_raw, rounded_window(m), Unit::none)) {
            return found(Match::rounded_number, *e);
        }
        return amounts(all(x), m);
    }

    static std::optional<Found> date(const GroundingIndex& x, const Date& d) {
        const Table& table = d.year == 0 ? x.m_month_days : x.m_dates;
        const double key =
            d.year == 0 ? d.month * 100.0 + d.day : d.year * 10000.0 + d.month * 100.0 + d.day;
        const Entry* e = in(table, exact_window(key), Unit::none);
        if (e == nullptr) {
            return std::nullopt;
        }
        return found(e->part ? Match::date_part : Match::normalized_date, *e);
    }

    static std::optional<Found> identifier(const GroundingIndex& x, const std::string& key) {
        const auto it =
            std::lower_bound(x.m_identifiers.begin(), x.m_identifiers.end(), key,
                             [](const auto& a, const std::string& k) { return a.key < k; });
        if (it == x.m_identifiers.end() || it->key != key) {
            return std::nullopt;
        }
        return Found{Match::identifier, it->begin, it->end};
    }

    static bool family_known(const GroundingIndex& x, const Token& token) {
        return std::binary_search(x.m_families.begin(), x.m_families.end(),
                                  token.key.substr(0, token.family));
    }

    static std::optional<Found> exact_text(const GroundingIndex& x, std::string_view text) {
        const std::string_view all = x.m_text;
        const std::uint64_t hash = hash_of(text);
        auto it = std::lower_bound(
            x.m_texts.begin(), x.m_texts.end(), hash,
            [](const GroundingIndex::Text& t, std::uint64_t h) { return t.hash < h; });
        for (std::size_t n = 0; it != x.m_texts.end() && it->hash == hash && n < k_max_candidates;
             ++it, ++n) {
            if (all.substr(it->begin, it->end - it->begin) == text) {
                return Found{Match::exact_text, it->source_begin, it->source_end};
            }
        }
        return std::nullopt;
    }

    static std::string snippet(const GroundingIndex& x, const Found& f) {
        std::string_view text = trim_space(
            std::string_view(x.m_source).substr(f.begin, std::max(f.begin, f.end) - f.begin));
        if (text.size() > k_max_snippet) {
            std::size_t cut = k_max_snippet;
            while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) {
                --cut; // never inside a UTF-8 sequence
            }
            text = text.substr(0, cut);
        }
        return std::string(text);
    }

    // How the figure, range, date or identifier `token` (whose normalized
    // text is `text`) is in the article; not_found when it is not.
    static Finding token(const GroundingIndex& x, const Token& token, std::string_view text,
                         Claim claim) {
        Finding finding{std::move(claim), Match::not_found, {}};
        if (token.type == TokenType::quote) {
            finding.match =
                x.contains_quote(finding.claim.text) ? Match::exact_text : Match::not_found;
            return finding;
        }
        if (const auto hit = exact_text(x, text)) {
            finding.match = hit->match;
            finding.article = snippet(x, *hit);
            return finding;
        }
        std::optional<Found> hit;
        std::optional<Found> other;
        switch (token.type) {
        case TokenType::figure:
            hit = mention(x, token.first);
            break;
        case TokenType::range:
            hit = mention(x, token.first);
            other = mention(x, token.second);
            if (!other) {
                hit.reset();
            }
            break;
        case TokenType::date:
            hit = date(x, token.date);
            if (token.alternative.month != 0) {
                if (const auto alternative = date(x, token.alternative);
                    alternative && (!hit || alternative->match < hit->match)) {
                    hit = alternative;
                }
            }
            break;
        case TokenType::identifier:
            hit = identifier(x, token.key);
            break;
        case TokenType::quote:
            break;
        }
        if (!hit) {
            return finding;
        }
        finding.match = hit->match;
        finding.article = snippet(x, *hit);
        if (other) {
            finding.match = weaker(hit->match, other->match);
            if (other->begin != hit->begin) {
                finding.article += " / " + snippet(x, *other);
            }
        }
        return finding;
    }

    // Whether `token` of an output is a claim against this article: an
    // identifier whose family the article never uses is not.
    static bool checkable(const GroundingIndex& x, const Token& token) {
        return token.type != TokenType::identifier || family_known(x, token) ||
               identifier(x, token.key).has_value();
    }
};

std::vector<Claim> extract_claims(std::string_view output_text) {
    std::vector<Claim> claims;
    for (Scanned& scanned : scan_output(output_text)) {
        claims.push_back(std::move(scanned.claim));
    }
    return claims;
}

GroundingIndex::GroundingIndex(std::string_view article) : m_source(article) {
    SourceMap map;
    m_text = normalize(article, &map);
    m_loose = loosen(m_text);
    const IndexAccess::Builder builder{*this, map};
    scan(m_text, ScanOptions{.quotes = false, .words = true},
         [&](const Token& token) { builder.add(token); });
    IndexAccess::finish(*this);
}

bool GroundingIndex::contains_number(std::string_view figure) const {
    return find(Claim{Claim::Kind::number, std::string(figure)}).match != Match::not_found;
}

bool GroundingIndex::contains_quote(std::string_view quote) const {
    const std::string normalized = normalize(quote);
    std::vector<std::string> needles;
    for (const std::string_view part : fragments(normalized)) {
        needles.emplace_back(part);
    }
    return find_in_order(m_text, needles);
}

bool GroundingIndex::contains_evidence(std::string_view quote) const {
    if (contains_quote(quote)) {
        return true;
    }
    const std::string normalized = normalize(quote);
    std::vector<std::string> needles;
    for (const std::string_view part : fragments(normalized)) {
        needles.push_back(loosen(part));
    }
    return find_in_order(m_loose, needles);
}

bool GroundingIndex::contains(const Claim& claim) const {
    return find(claim).match != Match::not_found;
}

Finding GroundingIndex::find(const Claim& claim) const {
    switch (claim.kind) {
    case Claim::Kind::quote:
        return {claim, contains_quote(claim.text) ? Match::exact_text : Match::not_found, {}};
    case Claim::Kind::evidence:
        if (contains_quote(claim.text)) {
            return {claim, Match::exact_text, {}};
        }
        return {claim, contains_evidence(claim.text) ? Match::loose_text : Match::not_found, {}};
    default:
        break;
    }
    // Every figure the text holds must be found; the finding is the weakest.
    const std::string normalized = normalize(claim.text);
    Finding result{claim, Match::not_found, {}};
    bool any = false;
    bool all = true;
    scan(normalized, ScanOptions{}, [&](const Token& token) {
        if (!all || !IndexAccess::checkable(*this, token)) {
            return;
        }
        const Finding one = IndexAccess::token(
            *this, token, std::string_view(normalized).substr(token.begin, token.end - token.begin),
            claim);
        if (one.match == Match::not_found) {
            all = false;
            return;
        }
        if (!any || weaker(result.match, one.match) != result.match) {
            result.match = one.match;
            result.article = one.article;
        }
        any = true;
    });
    if (!any || !all) {
        return {claim, Match::not_found, {}};
    }
    return result;
}

GroundingReport GroundingIndex::check(std::string_view output_text,
                                      const std::vector<std::string>& evidence) const {
    GroundingReport report;
    std::unordered_set<std::string> seen;
    const auto full = [&] {
        if (report.checked < k_max_claims_checked) {
            return false;
        }
        ++report.skipped;
        return true;
    };
    const auto record = [&](Finding finding) {
        ++report.checked;
        if (!seen.insert(finding.claim.text).second) {
            return;
        }
        if (finding.match == Match::not_found) {
            report.ungrounded.push_back(finding.claim);
        }
        report.findings.push_back(std::move(finding));
    };
    for (Scanned& scanned : scan_output(output_text)) {
        if (IndexAccess::checkable(*this, scanned.token) && !full()) {
            record(IndexAccess::token(*this, scanned.token, scanned.normalized,
                                      std::move(scanned.claim)));
        }
    }
    for (const std::string& quote : evidence) {
        const std::string_view text = trim_space(quote);
        if (!text.empty() && !full()) {
            record(find(Claim{Claim::Kind::evidence, std::string(text)}));
        }
    }
    return report;
}

std::vector<std::string>
GroundingIndex::ungrounded(std::string_view output_text,
                           const std::vector<std::string>& evidence) const {
    std::vector<std::string> texts;
    for (Claim& claim : check(output_text, evidence).ungrounded) {
        texts.push_back(std::move(claim.text));
    }
    return texts;
}

} // namespace roundtable::guard
