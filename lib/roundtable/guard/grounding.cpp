#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <functional>
#include <optional>
#include <roundtable/guard/grounding.hpp>

namespace roundtable::guard {

namespace {

constexpr std::size_t k_npos = std::string_view::npos;
constexpr std::size_t k_max_quote_chars = 2000;
constexpr double k_trivial_max = 10;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_alnum(char c) {
    return is_digit(c) || is_alpha(c);
}
bool is_ascii_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
char at(std::string_view t, std::size_t i) {
    return i < t.size() ? t[i] : '\0';
}

// ---------------------------------------------------------------------------
// Normalization

enum class Unicode { keep, space, drop, apostrophe, quote, dash, ellipsis };

struct Special {
    std::string_view bytes;
    Unicode becomes;
};

constexpr std::array k_specials{
    Special{"\xC2\xA0", Unicode::space},          Special{"\xC2\xAD", Unicode::drop},
    Special{"\xC2\xAB", Unicode::quote},          Special{"\xC2\xBB", Unicode::quote},
    Special{"\xE2\x80\x8B", Unicode::drop},       Special{"\xE2\x80\x8C", Unicode::drop},
    Special{"\xE2\x80\x8D", Unicode::drop},       Special{"\xE2\x81\xA0", Unicode::drop},
    Special{"\xEF\xBB\xBF", Unicode::drop},       Special{"\xE2\x80\x98", Unicode::apostrophe},
    Special{"\xE2\x80\x99", Unicode::apostrophe}, Special{"\xE2\x80\x9A", Unicode::apostrophe},
    Special{"\xE2\x80\x9B", Unicode::apostrophe}, Special{"\xE2\x80\xB2", Unicode::apostrophe},
    Special{"\xE2\x80\x9C", Unicode::quote},      Special{"\xE2\x80\x9D", Unicode::quote},
    Special{"\xE2\x80\x9E", Unicode::quote},      Special{"\xE2\x80\x9F", Unicode::quote},
    Special{"\xE2\x80\xB3", Unicode::quote},      Special{"\xE2\x80\x90", Unicode::dash},
    Special{"\xE2\x80\x91", Unicode::dash},       Special{"\xE2\x80\x92", Unicode::dash},
    Special{"\xE2\x80\x93", Unicode::dash},       Special{"\xE2\x80\x94", Unicode::dash},
    Special{"\xE2\x80\x95", Unicode::dash},       Special{"\xE2\x88\x92", Unicode::dash},
    Special{"\xE2\x80\xA6", Unicode::ellipsis},   Special{"\xE2\x80\xAF", Unicode::space},
    Special{"\xE2\x81\x9F", Unicode::space},      Special{"\xE3\x80\x80", Unicode::space},
};

// What the UTF-8 sequence at `src[i]` becomes, and its length.
std::pair<Unicode, std::size_t> classify(std::string_view src, std::size_t i) {
    const auto lead = static_cast<unsigned char>(src[i]);
    if (lead < 0x80U) {
        return {Unicode::keep, 1};
    }
    // U+2000..U+200A: the typographic spaces.
    if (lead == 0xE2U && i + 2 < src.size() && static_cast<unsigned char>(src[i + 1]) == 0x80U) {
        const auto third = static_cast<unsigned char>(src[i + 2]);
        if (third >= 0x80U && third <= 0x8AU) {
            return {Unicode::space, 3};
        }
    }
    for (const Special& special : k_specials) {
        if (src.substr(i, special.bytes.size()) == special.bytes) {
            return {special.becomes, special.bytes.size()};
        }
    }
    return {Unicode::keep, 1};
}

// Returns `src` normalized for matching: ASCII lower case, whitespace runs as
// one space (or one '\n' when the run holds a line break and `keep_newlines`),
// no leading whitespace, curly quotes straight, dashes '-', "..." for the
// ellipsis, invisible characters dropped, thousands separators removed. When
// `map` is given, map[k] is the offset in `src` of what produced byte k, and
// map[size] == src.size().
std::string normalize(std::string_view src, bool keep_newlines, std::vector<std::size_t>* map) {
    // The output is never longer than the input: written through a cursor.
    std::string out(src.size(), '\0');
    std::size_t size = 0;
    if (map != nullptr) {
        map->assign(src.size() + 1, 0);
    }
    bool pending = false;
    bool pending_newline = false;
    std::size_t pending_at = 0;
    const auto put = [&](char c, std::size_t from) {
        if (map != nullptr) {
            (*map)[size] = from;
        }
        out[size++] = c;
    };
    const auto emit = [&](char c, std::size_t from) {
        if (pending) {
            if (size != 0) {
                put(pending_newline && keep_newlines ? '\n' : ' ', pending_at);
            }
            pending = false;
            pending_newline = false;
        }
        put(c, from);
    };
    const auto whitespace = [&](bool newline, std::size_t from) {
        if (!pending) {
            pending = true;
            pending_at = from;
        }
        pending_newline = pending_newline || newline;
    };
    std::size_t i = 0;
    while (i < src.size()) {
        const char c = src[i];
        if (static_cast<unsigned char>(c) < 0x80U) {
            if (is_alnum(c) || !(is_ascii_space(c) || c == ',')) {
                emit(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c, i);
            } else if (is_ascii_space(c)) {
                whitespace(c == '\n' || c == '\r', i);
            } else if (!pending && size != 0 && is_digit(out[size - 1]) &&
                       is_digit(at(src, i + 1)) && is_digit(at(src, i + 2)) &&
                       is_digit(at(src, i + 3)) && !is_digit(at(src, i + 4))) {
                // A thousands separator: dropped.
            } else {
                emit(c, i);
            }
            ++i;
            continue;
        }
        const auto [kind, length] = classify(src, i);
        switch (kind) {
        case Unicode::keep:
            emit(c, i);
            break;
        case Unicode::space:
            whitespace(false, i);
            break;
        case Unicode::drop:
            break;
        case Unicode::apostrophe:
            emit('\'', i);
            break;
        case Unicode::quote:
            emit('"', i);
            break;
        case Unicode::dash:
            emit('-', i);
            break;
        case Unicode::ellipsis:
            emit('.', i);
            emit('.', i);
            emit('.', i);
            break;
        }
        i += length;
    }
    out.resize(size);
    if (map != nullptr) {
        map->resize(size + 1);
        (*map)[size] = src.size();
    }
    return out;
}

// `normalized` with every ASCII character that is not a letter or digit as a
// space, runs collapsed, padded with one space on each side.
std::string loosen(std::string_view normalized) {
    std::string out(normalized.size() + 2, ' ');
    std::size_t size = 1;
    for (const char c : normalized) {
        if (is_alnum(c) || static_cast<unsigned char>(c) >= 0x80U) {
            out[size++] = c;
        } else if (out[size - 1] != ' ') {
            out[size++] = ' ';
        }
    }
    if (out[size - 1] != ' ') {
        out[size++] = ' ';
    }
    out.resize(size);
    return out;
}

// ---------------------------------------------------------------------------
// Scanning figures, dates and quotes

enum class FigureKind { plain, percent, money };

struct Mention {
    FigureKind kind = FigureKind::plain;
    double raw = 0;   // the number as written (36.6 in "$36.6M")
    double scale = 1; // its magnitude (1e6 in "$36.6M")
    bool magnitude = false;
    char currency = 0;
    int decimals = 0;
    int significant = 1;
};

struct Date {
    int year = 0; // 0 when not given
    int month = 0;
    int day = 0; // 0 when not given
};

enum class TokenType { figure, range, date, quote };

struct Token {
    TokenType type = TokenType::figure;
    Mention first;
    Mention second; // ranges only
    Date date;
    std::size_t begin = 0;
    std::size_t end = 0;
};

struct Word {
    std::string_view text;
    double scale;
};

constexpr std::array k_attached_magnitudes{
    Word{"k", 1e3}, Word{"m", 1e6},  Word{"mn", 1e6},  Word{"mln", 1e6},
    Word{"b", 1e9}, Word{"bn", 1e9}, Word{"tn", 1e12}, Word{"t", 1e12},
};
constexpr std::array k_spaced_magnitudes{
    Word{"thousand", 1e3}, Word{"million", 1e6}, Word{"mn", 1e6},        Word{"mln", 1e6},
    Word{"billion", 1e9},  Word{"bn", 1e9},      Word{"trillion", 1e12}, Word{"tn", 1e12},
};

struct CurrencyWord {
    std::string_view text;
    char currency;
};

constexpr std::array k_currency_words{
    CurrencyWord{"dollars", '$'}, CurrencyWord{"dollar", '$'}, CurrencyWord{"usd", '$'},
    CurrencyWord{"euros", 'E'},   CurrencyWord{"euro", 'E'},   CurrencyWord{"eur", 'E'},
    CurrencyWord{"pounds", 'L'},  CurrencyWord{"pound", 'L'},  CurrencyWord{"gbp", 'L'},
    CurrencyWord{"yen", 'Y'},
};
constexpr std::array k_currency_symbols{
    CurrencyWord{"$", '$'},
    CurrencyWord{"\xE2\x82\xAC", 'E'},
    CurrencyWord{"\xC2\xA3", 'L'},
    CurrencyWord{"\xC2\xA5", 'Y'},
};

constexpr std::array<std::string_view, 12> k_months{
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december",
};

std::string_view word_at(std::string_view t, std::size_t i) {
    std::size_t j = i;
    while (j < t.size() && is_alpha(t[j])) {
        ++j;
    }
    return t.substr(i, j - i);
}

std::size_t skip_token(std::string_view t, std::size_t i) {
    while (i < t.size() && (is_alnum(t[i]) || t[i] == '_' || t[i] == '.' || t[i] == ':')) {
        ++i;
    }
    return i;
}

// The month (1-12) named by `word` ("march", "mar", "sept"), or 0.
int month_of(std::string_view word) {
    if (word == "sept") {
        return 9;
    }
    for (std::size_t m = 0; m < k_months.size(); ++m) {
        if (word == k_months[m] || (word.size() == 3 && k_months[m].starts_with(word))) {
            return static_cast<int>(m) + 1;
        }
    }
    return 0;
}

// A run of `count` digits at `i` not followed by a digit, as an int; -1 otherwise.
int digits_at(std::string_view t, std::size_t i, std::size_t min_count, std::size_t max_count,
              std::size_t* end) {
    std::size_t j = i;
    while (j < t.size() && is_digit(t[j])) {
        ++j;
    }
    const std::size_t count = j - i;
    if (count < min_count || count > max_count) {
        return -1;
    }
    int value = 0;
    std::from_chars(t.data() + i, t.data() + j, value);
    *end = j;
    return value;
}

bool valid_year(int year) {
    return year >= 1900 && year <= 2099;
}

// A year at `i` followed by neither a letter nor a digit, or 0.
int year_at(std::string_view t, std::size_t i, std::size_t* end) {
    std::size_t j = 0;
    const int year = digits_at(t, i, 4, 4, &j);
    if (!valid_year(year) || is_alnum(at(t, j))) {
        return 0;
    }
    *end = j;
    return year;
}

// A day (1-31) at `i` with an optional ordinal suffix, or 0.
int day_at(std::string_view t, std::size_t i, std::size_t* end) {
    std::size_t j = 0;
    const int day = digits_at(t, i, 1, 2, &j);
    if (day < 1 || day > 31) {
        return 0;
    }
    const std::string_view suffix = word_at(t, j);
    if (suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th") {
        j += 2;
    } else if (!suffix.empty() || is_digit(at(t, j))) {
        return 0;
    }
    *end = j;
    return day;
}

// The month name at `i` (letters, optional '.'), or 0.
int month_at(std::string_view t, std::size_t i, std::size_t* end) {
    const std::string_view word = word_at(t, i);
    const int month = month_of(word);
    if (month == 0 || is_digit(at(t, i + word.size()))) {
        return 0;
    }
    std::size_t j = i + word.size();
    if (at(t, j) == '.' && word.size() <= 4) {
        ++j;
    }
    *end = j;
    return month;
}

// ", 2025" or " 2025" after a date part, or 0.
int trailing_year(std::string_view t, std::size_t i, std::size_t* end) {
    std::size_t j = i;
    if (at(t, j) == ',') {
        ++j;
    }
    if (at(t, j) != ' ') {
        return 0;
    }
    return year_at(t, j + 1, end);
}

// "March 3, 2025", "Mar. 3rd 2025", "March 3", "March 2025" at `i`.
std::optional<Token> month_first_date(std::string_view t, std::size_t i) {
    std::size_t j = 0;
    const int month = month_at(t, i, &j);
    if (month == 0 || at(t, j) != ' ' || !is_digit(at(t, j + 1))) {
        return std::nullopt;
    }
    Token token;
    token.type = TokenType::date;
    token.begin = i;
    token.date.month = month;
    std::size_t k = 0;
    if (const int year = year_at(t, j + 1, &k); year != 0) {
        token.date.year = year;
        token.end = k;
        return token;
    }
    const int day = day_at(t, j + 1, &k);
    if (day == 0) {
        return std::nullopt;
    }
    token.date.day = day;
    token.end = k;
    std::size_t y_end = 0;
    if (const int year = trailing_year(t, k, &y_end); year != 0) {
        token.date.year = year;
        token.end = y_end;
    }
    return token;
}

// "3 March 2025", "3rd of March, 2025", "3 March" at `i`.
std::optional<Token> day_first_date(std::string_view t, std::size_t i) {
    std::size_t j = 0;
    const int day = day_at(t, i, &j);
    if (day == 0 || at(t, j) != ' ') {
        return std::nullopt;
    }
    ++j;
    if (t.substr(j, 3) == "of ") {
        j += 3;
    }
    std::size_t k = 0;
    const int month = month_at(t, j, &k);
    if (month == 0) {
        return std::nullopt;
    }
    Token token;
    token.type = TokenType::date;
    token.begin = i;
    token.end = k;
    token.date = {0, month, day};
    std::size_t y_end = 0;
    if (const int year = trailing_year(t, k, &y_end); year != 0) {
        token.date.year = year;
        token.end = y_end;
    } else if (month == 5 && word_at(t, j) == "may") {
        return std::nullopt; // "5 may ..." is more likely the verb
    }
    return token;
}

// "2025-03-03" or "2025/03/03" at `i`.
std::optional<Token> iso_date(std::string_view t, std::size_t i) {
    std::size_t j = 0;
    const int year = digits_at(t, i, 4, 4, &j);
    if (!valid_year(year)) {
        return std::nullopt;
    }
    const char separator = at(t, j);
    if (separator != '-' && separator != '/') {
        return std::nullopt;
    }
    std::size_t k = 0;
    const int month = digits_at(t, j + 1, 2, 2, &k);
    if (month < 1 || month > 12 || at(t, k) != separator) {
        return std::nullopt;
    }
    std::size_t m = 0;
    const int day = digits_at(t, k + 1, 2, 2, &m);
    if (day < 1 || day > 31 || is_alnum(at(t, m))) {
        return std::nullopt;
    }
    Token token;
    token.type = TokenType::date;
    token.begin = i;
    token.end = m;
    token.date = {year, month, day};
    return token;
}

// The currency symbol or word at `i` (before a number), its code and length.
std::optional<std::pair<char, std::size_t>> currency_prefix(std::string_view t, std::size_t i) {
    for (const CurrencyWord& symbol : k_currency_symbols) {
        if (t.substr(i, symbol.text.size()) == symbol.text) {
            return std::pair{symbol.currency, symbol.text.size()};
        }
    }
    const std::string_view word = word_at(t, i);
    if (word == "usd" || word == "eur" || word == "gbp") {
        if (at(t, i + 3) == ' ' && is_digit(at(t, i + 4))) {
            return std::pair{word == "usd" ? '$' : (word == "eur" ? 'E' : 'L'), std::size_t{3}};
        }
    }
    return std::nullopt;
}

struct Parsed {
    std::optional<Mention> mention;
    std::size_t end = 0; // past the mention, or past the skipped token
};

// A number at `i` (a digit) with its magnitude, percent sign and currency word.
Parsed parse_number(std::string_view t, std::size_t i) {
    std::size_t j = i;
    while (is_digit(at(t, j))) {
        ++j;
    }
    int decimals = 0;
    if (at(t, j) == '.' && is_digit(at(t, j + 1))) {
        std::size_t k = j + 1;
        while (is_digit(at(t, k))) {
            ++k;
        }
        decimals = static_cast<int>(k - j - 1);
        j = k;
        if (at(t, j) == '.' && is_digit(at(t, j + 1))) {
            return {std::nullopt, skip_token(t, i)}; // a version or an address: 1.2.3
        }
    }
    if (at(t, j) == ':' && is_digit(at(t, j + 1))) {
        return {std::nullopt, skip_token(t, i)}; // a time: 10:30
    }
    Mention mention;
    std::from_chars(t.data() + i, t.data() + j, mention.raw);
    mention.decimals = decimals;
    int significant = 0;
    for (std::size_t k = i; k < j; ++k) {
        if (is_digit(t[k]) && (significant > 0 || t[k] != '0')) {
            ++significant;
        }
    }
    mention.significant = std::max(significant, 1);

    if (const std::string_view glued = word_at(t, j); !glued.empty()) {
        bool known = false;
        for (const Word& word : k_attached_magnitudes) {
            if (glued == word.text) {
                mention.scale = word.scale;
                mention.magnitude = true;
                known = true;
            }
        }
        if (glued == "pc") {
            mention.kind = FigureKind::percent;
            known = true;
        }
        if (!known) {
            return {std::nullopt, skip_token(t, i)}; // Q3-style identifiers, 5g, 2nd, 1990s
        }
        j += glued.size();
    }
    const auto spaced = [&](std::size_t from) { return at(t, from) == ' ' ? from + 1 : from; };
    if (!mention.magnitude && mention.kind == FigureKind::plain) {
        const std::size_t p = spaced(j);
        const std::string_view word = word_at(t, p);
        for (const Word& magnitude : k_spaced_magnitudes) {
            if (word == magnitude.text) {
                mention.scale = magnitude.scale;
                mention.magnitude = true;
                j = p + word.size();
            }
        }
    }
    if (mention.kind == FigureKind::plain) {
        const std::size_t p = spaced(j);
        const std::string_view word = word_at(t, p);
        if (at(t, p) == '%') {
            mention.kind = FigureKind::percent;
            j = p + 1;
        } else if (word == "percent" || word == "pct") {
            mention.kind = FigureKind::percent;
            j = p + word.size();
        } else if (word == "per" && t.substr(p, 8) == "per cent" && !is_alpha(at(t, p + 8))) {
            mention.kind = FigureKind::percent;
            j = p + 8;
        } else if (word == "percentage" && t.substr(p + word.size(), 6) == " point") {
            mention.kind = FigureKind::percent;
            j = p + word.size() + 6;
            if (at(t, j) == 's') {
                ++j;
            }
        }
    }
    if (mention.kind == FigureKind::plain) {
        const std::size_t p = spaced(j);
        const std::string_view word = word_at(t, p);
        for (const CurrencyWord& currency : k_currency_words) {
            if (word == currency.text) {
                mention.kind = FigureKind::money;
                mention.currency = currency.currency;
                j = p + word.size();
            }
        }
    }
    return {mention, j};
}

// A figure at `i`: an optional currency prefix and a number.
Parsed parse_mention(std::string_view t, std::size_t i) {
    char currency = 0;
    std::size_t j = i;
    if (const auto prefix = currency_prefix(t, i)) {
        currency = prefix->first;
        j = i + prefix->second;
        if (at(t, j) == ' ') {
            ++j;
        }
        if (!is_digit(at(t, j))) {
            return {std::nullopt, i + prefix->second};
        }
    }
    Parsed parsed = parse_number(t, j);
    if (parsed.mention && currency != 0 && parsed.mention->kind != FigureKind::percent) {
        parsed.mention->kind = FigureKind::money;
        parsed.mention->currency = currency;
    }
    return parsed;
}

bool starts_figure(std::string_view t, std::size_t i) {
    return is_digit(at(t, i)) || currency_prefix(t, i).has_value();
}

// Whether "a to b" / "a-b" reads as one range: both percentages (or a bare
// number before a percentage), both amounts of one currency, an amount before
// a bare number ("$3-4 billion"), or two bare numbers.
bool can_join(const Mention& a, const Mention& b) {
    if (b.kind == FigureKind::percent) {
        return a.kind == FigureKind::percent || (a.kind == FigureKind::plain && !a.magnitude);
    }
    switch (a.kind) {
    case FigureKind::percent:
        return false;
    case FigureKind::money:
        return b.kind == FigureKind::plain || b.currency == a.currency;
    case FigureKind::plain:
        return b.kind == FigureKind::plain;
    }
    return false;
}

// A figure at `i`, or a range of two ("18% to 22%", "$3-4 billion").
std::pair<std::optional<Token>, std::size_t> parse_figure(std::string_view t, std::size_t i) {
    const Parsed first = parse_mention(t, i);
    if (!first.mention) {
        return {std::nullopt, std::max(first.end, i + 1)};
    }
    Token token;
    token.type = TokenType::figure;
    token.first = *first.mention;
    token.begin = i;
    token.end = first.end;

    std::size_t p = first.end;
    if (at(t, p) == ' ') {
        ++p;
    }
    bool joined = false;
    if (at(t, p) == '-') {
        joined = true;
        ++p;
    } else if (t.substr(p, 3) == "to ") {
        joined = true;
        p += 2;
    }
    if (joined && at(t, p) == ' ') {
        ++p;
    }
    if (joined && starts_figure(t, p)) {
        const Parsed second = parse_mention(t, p);
        if (second.mention && can_join(*first.mention, *second.mention)) {
            Mention& a = token.first;
            Mention b = *second.mention;
            if (b.kind == FigureKind::percent && a.kind == FigureKind::plain && !a.magnitude) {
                a.kind = FigureKind::percent;
            }
            if (b.magnitude && !a.magnitude && a.kind != FigureKind::percent) {
                a.scale = b.scale;
                a.magnitude = true;
            }
            if (a.currency != 0 && b.kind == FigureKind::plain) {
                b.kind = FigureKind::money;
                b.currency = a.currency;
            } else if (b.currency != 0 && a.kind == FigureKind::plain) {
                a.kind = FigureKind::money;
                a.currency = b.currency;
            }
            token.type = TokenType::range;
            token.second = b;
            token.end = second.end;
        }
    }
    return {token, token.end};
}

// A list marker ("1." or "2)" followed by a space) at `i`; its end or 0.
std::size_t list_marker_end(std::string_view t, std::size_t i) {
    std::size_t j = 0;
    if (digits_at(t, i, 1, 3, &j) < 0) {
        return 0;
    }
    if ((at(t, j) == '.' || at(t, j) == ')') &&
        (j + 1 >= t.size() || t[j + 1] == ' ' || t[j + 1] == '\n')) {
        return j + 1;
    }
    return 0;
}

std::size_t word_count(std::string_view text) {
    std::size_t count = 0;
    bool in_word = false;
    for (const char c : text) {
        const bool word_char = !is_ascii_space(c);
        if (word_char && !in_word) {
            ++count;
        }
        in_word = word_char;
    }
    return count;
}

// Calls `on_token` for every figure, range, date and (when `quotes`) quoted
// phrase of 3+ words in the normalized text `t`, in order.
void scan(std::string_view t, bool quotes, const std::function<void(const Token&)>& on_token) {
    std::size_t i = 0;
    bool line_start = true;
    std::size_t not_an_opener = k_npos;
    while (i < t.size()) {
        const char c = t[i];
        if (c == '\n') {
            line_start = true;
            ++i;
            continue;
        }
        if (c == ' ') {
            ++i;
            continue;
        }
        const bool at_line_start = line_start;
        line_start = false;
        if (c == '"') {
            if (quotes && i != not_an_opener) {
                const std::size_t close = t.find('"', i + 1);
                if (close != k_npos && close - i <= k_max_quote_chars) {
                    if (word_count(t.substr(i + 1, close - i - 1)) >= 3) {
                        Token token;
                        token.type = TokenType::quote;
                        token.begin = i;
                        token.end = close + 1;
                        on_token(token);
                        i = close + 1;
                        continue;
                    }
                    not_an_opener = close;
                }
            }
            ++i;
            continue;
        }
        if (is_alpha(c)) {
            if (auto date = month_first_date(t, i)) {
                on_token(*date);
                i = date->end;
                continue;
            }
            if (currency_prefix(t, i)) {
                auto [token, end] = parse_figure(t, i);
                if (token) {
                    on_token(*token);
                }
                i = end;
                continue;
            }
            while (i < t.size() && (is_alnum(t[i]) || t[i] == '_')) {
                ++i;
            }
            continue;
        }
        if (is_digit(c)) {
            if (at_line_start) {
                if (const std::size_t end = list_marker_end(t, i); end != 0) {
                    i = end;
                    continue;
                }
            }
            std::optional<Token> date = iso_date(t, i);
            if (!date) {
                date = day_first_date(t, i);
            }
            if (date) {
                on_token(*date);
                i = date->end;
                continue;
            }
            auto [token, end] = parse_figure(t, i);
            if (token) {
                on_token(*token);
            }
            i = end;
            continue;
        }
        if (currency_prefix(t, i)) {
            auto [token, end] = parse_figure(t, i);
            if (token) {
                on_token(*token);
            }
            i = end;
            continue;
        }
        ++i;
    }
}

bool is_trivial(const Mention& m) {
    return m.kind == FigureKind::plain && !m.magnitude && m.decimals == 0 && m.raw <= k_trivial_max;
}

bool is_year(const Mention& m) {
    return m.kind == FigureKind::plain && !m.magnitude && m.decimals == 0 &&
           valid_year(static_cast<int>(m.raw));
}

bool is_trivial(const Token& token) {
    switch (token.type) {
    case TokenType::figure:
        return is_trivial(token.first);
    case TokenType::range:
        return is_trivial(token.first) && is_trivial(token.second);
    case TokenType::date:
    case TokenType::quote:
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

std::string_view trim_space(std::string_view s) {
    while (!s.empty() && is_ascii_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_ascii_space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

// The text of `src` that produced normalized bytes [begin, end).
std::string original_text(std::string_view src, const std::vector<std::size_t>& map,
                          std::size_t begin, std::size_t end) {
    const std::size_t from = map[begin];
    const std::size_t to = map[end];
    return std::string(trim_space(src.substr(from, to - from)));
}

struct Scanned {
    Token token;
    Claim claim;
};

// The non-trivial tokens of `output_text` with their claims.
std::vector<Scanned> scan_output(std::string_view output_text) {
    std::vector<std::size_t> map;
    const std::string normalized = normalize(output_text, true, &map);
    std::vector<Scanned> found;
    scan(normalized, true, [&](const Token& token) {
        if (!is_trivial(token)) {
            found.push_back(
                {token, Claim{claim_kind(token),
                              original_text(output_text, map, token.begin, token.end)}});
        }
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

// Whether a sorted range holds a value within the window of `v`: exact (up to
// floating-point noise), or within half a unit of the claim's last digit when
// the claim has two or more significant digits (a figure rounded half up or
// down: "$2.5 million" for $2,450,000).
struct Window {
    double low;
    double high;
};

Window window(double v, const Mention& m, double scale) {
    const double noise = 1e-9 * std::max(1.0, std::fabs(v));
    if (m.significant >= 2) {
        const double half = 0.5 * std::pow(10.0, -m.decimals) * scale;
        return {v - half - noise, v + half + noise};
    }
    return {v - noise, v + noise};
}

bool any_in(const std::vector<double>& sorted, Window w) {
    const auto it = std::lower_bound(sorted.begin(), sorted.end(), w.low);
    return it != sorted.end() && *it <= w.high;
}

} // namespace

// Access to the index's sorted look-up tables for the helpers below.
struct IndexAccess {
    static void add(GroundingIndex& index, const Mention& m) {
        index.m_raw.push_back(m.raw);
        if (m.kind == FigureKind::percent) {
            index.m_percents.push_back(m.raw);
        } else {
            index.m_scaled.push_back({m.raw * m.scale, m.currency});
        }
    }

    static void add(GroundingIndex& index, const Date& d) {
        if (d.year != 0) {
            index.m_raw.push_back(d.year);
            index.m_dates.push_back(d.year * 10000 + d.month * 100);
            if (d.day != 0) {
                index.m_dates.push_back(d.year * 10000 + d.month * 100 + d.day);
            }
        }
        if (d.day != 0) {
            index.m_month_days.push_back(d.month * 100 + d.day);
        }
    }

    static bool scaled(const GroundingIndex& index, const Mention& m, bool any_currency) {
        const double v = m.raw * m.scale;
        const Window w = window(v, m, m.scale);
        auto it =
            std::lower_bound(index.m_scaled.begin(), index.m_scaled.end(), w.low,
                             [](const GroundingIndex::Money& a, double b) { return a.value < b; });
        for (; it != index.m_scaled.end() && it->value <= w.high; ++it) {
            if (any_currency || it->currency == 0 || m.currency == 0 ||
                it->currency == m.currency) {
                return true;
            }
        }
        return false;
    }

    static bool grounded(const GroundingIndex& index, const Mention& m) {
        switch (m.kind) {
        case FigureKind::percent:
            return any_in(index.m_percents, window(m.raw, m, 1));
        case FigureKind::money:
            return scaled(index, m, false);
        case FigureKind::plain:
            break;
        }
        if (m.magnitude) {
            return scaled(index, m, true);
        }
        return any_in(index.m_raw, window(m.raw, m, 1)) || scaled(index, m, true);
    }

    static bool grounded(const GroundingIndex& index, const Date& d) {
        if (d.year == 0) {
            return std::binary_search(index.m_month_days.begin(), index.m_month_days.end(),
                                      d.month * 100 + d.day);
        }
        return std::binary_search(index.m_dates.begin(), index.m_dates.end(),
                                  d.year * 10000 + d.month * 100 + d.day);
    }

    static bool grounded(const GroundingIndex& index, const Token& token,
                         std::string_view claim_text) {
        switch (token.type) {
        case TokenType::figure:
            return grounded(index, token.first);
        case TokenType::range:
            return grounded(index, token.first) && grounded(index, token.second);
        case TokenType::date:
            return grounded(index, token.date);
        case TokenType::quote:
            return index.contains_quote(claim_text);
        }
        return false;
    }
};

std::vector<Claim> extract_claims(std::string_view output_text) {
    std::vector<Claim> claims;
    for (Scanned& scanned : scan_output(output_text)) {
        claims.push_back(std::move(scanned.claim));
    }
    return claims;
}

GroundingIndex::GroundingIndex(std::string_view article)
    : m_text(normalize(article, false, nullptr)) {
    m_loose = loosen(m_text);
    scan(m_text, false, [&](const Token& token) {
        switch (token.type) {
        case TokenType::figure:
            IndexAccess::add(*this, token.first);
            break;
        case TokenType::range:
            IndexAccess::add(*this, token.first);
            IndexAccess::add(*this, token.second);
            break;
        case TokenType::date:
            IndexAccess::add(*this, token.date);
            break;
        case TokenType::quote:
            break;
        }
    });
    std::sort(m_percents.begin(), m_percents.end());
    std::sort(m_raw.begin(), m_raw.end());
    std::sort(m_scaled.begin(), m_scaled.end(),
              [](const Money& a, const Money& b) { return a.value < b.value; });
    std::sort(m_dates.begin(), m_dates.end());
    std::sort(m_month_days.begin(), m_month_days.end());
}

bool GroundingIndex::contains_number(std::string_view figure) const {
    const std::string normalized = normalize(figure, false, nullptr);
    bool any = false;
    bool all = true;
    scan(normalized, false, [&](const Token& token) {
        any = true;
        all = all && IndexAccess::grounded(*this, token, {});
    });
    return any && all;
}

bool GroundingIndex::contains_quote(std::string_view quote) const {
    const std::string normalized = normalize(quote, false, nullptr);
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
    const std::string normalized = normalize(quote, false, nullptr);
    std::vector<std::string> needles;
    for (const std::string_view part : fragments(normalized)) {
        needles.push_back(loosen(part));
    }
    return find_in_order(m_loose, needles);
}

bool GroundingIndex::contains(const Claim& claim) const {
    switch (claim.kind) {
    case Claim::Kind::quote:
        return contains_quote(claim.text);
    case Claim::Kind::evidence:
        return contains_evidence(claim.text);
    default:
        return contains_number(claim.text);
    }
}

GroundingReport GroundingIndex::check(std::string_view output_text,
                                      const std::vector<std::string>& evidence) const {
    GroundingReport report;
    const auto flag = [&](Claim claim) {
        const bool seen = std::any_of(report.ungrounded.begin(), report.ungrounded.end(),
                                      [&](const Claim& other) { return other.text == claim.text; });
        if (!seen) {
            report.ungrounded.push_back(std::move(claim));
        }
    };
    for (Scanned& scanned : scan_output(output_text)) {
        ++report.checked;
        if (!IndexAccess::grounded(*this, scanned.token, scanned.claim.text)) {
            flag(std::move(scanned.claim));
        }
    }
    for (const std::string& quote : evidence) {
        const std::string_view text = trim_space(quote);
        if (text.empty()) {
            continue;
        }
        ++report.checked;
        if (!contains_evidence(text)) {
            flag(Claim{Claim::Kind::evidence, std::string(text)});
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
