#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <roundtable/guard/figures.hpp>

namespace roundtable::guard {

namespace {

constexpr std::size_t k_npos = std::string_view::npos;
constexpr std::size_t k_max_quote_chars = 2000;

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

// The length of a separator that may only group thousands at `src[i]`: an
// apostrophe (Swiss style), a no-break, narrow no-break, thin or figure
// space; 0 when there is none.
std::size_t group_separator(std::string_view src, std::size_t i) {
    if (src[i] == '\'') {
        return 1;
    }
    if (src.substr(i, 2) == "\xC2\xA0") {
        return 2;
    }
    for (const std::string_view space :
         {"\xE2\x80\xAF", "\xE2\x80\x89", "\xE2\x80\x87", "\xE2\x80\x99"}) {
        if (src.substr(i, 3) == space) {
            return 3;
        }
    }
    return 0;
}

// A number's separator at `src[i]`: its kind (',' '.' or 'S' for a group
// separator) and length, when a digit follows it; {0, 0} otherwise.
std::pair<char, std::size_t> separator_at(std::string_view src, std::size_t i) {
    if (i >= src.size()) {
        return {0, 0};
    }
    if (src[i] == ',' || src[i] == '.') {
        return is_digit(at(src, i + 1)) ? std::pair{src[i], std::size_t{1}}
                                        : std::pair{char{0}, std::size_t{0}};
    }
    const std::size_t length = group_separator(src, i);
    if (length != 0 && is_digit(at(src, i + length))) {
        return {'S', length};
    }
    return {0, 0};
}

// How the separators of a run of digits are read.
enum class RunReading { as_written, thousands, decimal_last };

struct NumberRun {
    std::size_t end = 0;        // past the run
    std::size_t separators = 0; // how many the run holds
    RunReading reading = RunReading::as_written;
};

// Reads the run of digits and separators at `src[i]` (a digit) in one pass
// and decides what its separators are: all thousands ("1,234,567",
// "1.234.567", "1 234"), thousands then a decimal point or comma
// ("1,234.5", "1.234,5", "52,4"), or neither ("1,2,3", "192.168.1.1").
NumberRun read_run(std::string_view src, std::size_t i) {
    NumberRun run;
    std::size_t first_length = 0;
    std::size_t last_length = 0;
    bool middles_of_three = true; // every group between the first and the last has 3 digits
    char before = 0;              // the kind of every separator before the last; 'x' when mixed
    char last = 0;
    std::size_t j = i;
    while (true) {
        const std::size_t start = j;
        while (j < src.size() && is_digit(src[j])) {
            ++j;
        }
        const std::size_t length = j - start;
        if (run.separators == 0) {
            first_length = length;
        } else if (run.separators >= 2 && last_length != 3) {
            middles_of_three = false;
        }
        last_length = length;
        const auto [kind, width] = separator_at(src, j);
        if (kind == 0) {
            break;
        }
        if (last != 0) {
            before = before == 0 || before == last ? last : 'x';
        }
        last = kind;
        ++run.separators;
        j += width;
    }
    run.end = j;
    if (run.separators == 0) {
        return run;
    }
    const bool same = before == 0 || before == last;
    if (same && middles_of_three && last_length == 3) {
        const bool one = run.separators == 1;
        if ((last == ',' && (one || first_length <= 3)) ||
            (last == '.' && !one && first_length <= 3) || (last == 'S' && first_length <= 3)) {
            run.reading = RunReading::thousands;
            return run;
        }
    }
    if (last == ',' || last == '.') {
        if (run.separators == 1) {
            if (last == ',' && last_length <= 2) {
                run.reading = RunReading::decimal_last;
            }
        } else if (before != 'x' && before != last && middles_of_three && first_length <= 3) {
            run.reading = RunReading::decimal_last;
        }
    }
    return run;
}

// Writes normalized text through a cursor into a buffer no longer than the input.
class Normalizer {
public:
    Normalizer(std::string_view src, SourceMap* map, std::vector<std::uint32_t>* line_starts)
        : m_src(src), m_out(src.size(), '\0'), m_map(map), m_line_starts(line_starts) {}

    void emit(char c, std::size_t from) {
        if (m_pending) {
            if (m_size != 0) {
                put(' ', m_pending_at);
                if (m_pending_newline && m_line_starts != nullptr) {
                    m_line_starts->push_back(static_cast<std::uint32_t>(m_size));
                }
            }
            m_pending = false;
            m_pending_newline = false;
        }
        put(c, from);
    }

    void whitespace(bool newline, std::size_t from) {
        if (!m_pending) {
            m_pending = true;
            m_pending_at = from;
        }
        m_pending_newline = m_pending_newline || newline;
    }

    // Emits the character (or sequence) at `i` by the general rules; returns its length.
    std::size_t character(std::size_t i) {
        const char c = m_src[i];
        if (static_cast<unsigned char>(c) < 0x80U) {
            if (is_ascii_space(c)) {
                whitespace(c == '\n' || c == '\r', i);
            } else {
                emit(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c, i);
            }
            return 1;
        }
        const auto [kind, length] = classify(m_src, i);
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
        return length;
    }

    // Emits the run of digits at `i` in one spelling; returns the end of the run.
    std::size_t number(std::size_t i) {
        const NumberRun run = read_run(m_src, i);
        std::size_t seen = 0;
        std::size_t j = i;
        while (j < run.end) {
            if (is_digit(m_src[j])) {
                emit(m_src[j], j);
                ++j;
                continue;
            }
            const auto [kind, width] = separator_at(m_src, j);
            ++seen;
            switch (run.reading) {
            case RunReading::thousands:
                break;
            case RunReading::decimal_last:
                if (seen == run.separators) {
                    emit('.', j);
                }
                break;
            case RunReading::as_written:
                if (kind == 'S') {
                    character(j);
                } else {
                    emit(m_src[j], j);
                }
                break;
            }
            j += width;
        }
        return run.end;
    }

    std::string finish() {
        m_out.resize(m_size);
        if (m_map != nullptr) {
            m_map->add(m_size, m_src.size());
        }
        return std::move(m_out);
    }

private:
    void put(char c, std::size_t from) {
        if (m_map != nullptr) {
            m_map->add(m_size, from);
        }
        m_out[m_size++] = c;
    }

    std::string_view m_src;
    std::string m_out;
    std::size_t m_size = 0;
    SourceMap* m_map;
    std::vector<std::uint32_t>* m_line_starts;
    bool m_pending = false;
    bool m_pending_newline = false;
    std::size_t m_pending_at = 0;
};

// ---------------------------------------------------------------------------
// Words, units and currencies

struct Word {
    std::string_view text;
    double scale;
};

constexpr std::array k_attached_magnitudes{
    Word{"k", 1e3},  Word{"m", 1e6},   Word{"mn", 1e6},  Word{"mln", 1e6}, Word{"b", 1e9},
    Word{"bn", 1e9}, Word{"bln", 1e9}, Word{"tn", 1e12}, Word{"t", 1e12},
};
constexpr std::array k_spaced_magnitudes{
    Word{"thousand", 1e3}, Word{"million", 1e6},   Word{"mn", 1e6},
    Word{"mln", 1e6},      Word{"billion", 1e9},   Word{"bn", 1e9},
    Word{"bln", 1e9},      Word{"trillion", 1e12}, Word{"tn", 1e12},
};
// After a currency only: "USD 36.8 m" (wire style), where "m" cannot be metres.
constexpr std::array k_money_magnitudes{Word{"m", 1e6}, Word{"b", 1e9}, Word{"k", 1e3}};

struct CurrencyWord {
    std::string_view text;
    char currency;
};

// Codes written before an amount, spaced or glued ("EUR 5.1 mn", "EUR21m"), or after it.
constexpr std::array k_currency_codes{
    CurrencyWord{"usd", '$'}, CurrencyWord{"eur", 'E'}, CurrencyWord{"gbp", 'L'},
    CurrencyWord{"jpy", 'Y'}, CurrencyWord{"chf", 'F'}, CurrencyWord{"cny", 'R'},
    CurrencyWord{"rmb", 'R'}, CurrencyWord{"inr", 'I'}, CurrencyWord{"sek", 'K'},
    CurrencyWord{"nok", 'K'}, CurrencyWord{"dkk", 'K'}, CurrencyWord{"cad", '$'},
    CurrencyWord{"aud", '$'}, CurrencyWord{"nzd", '$'}, CurrencyWord{"hkd", '$'},
    CurrencyWord{"sgd", '$'},
};
// Words written after an amount ("41 million pounds").
constexpr std::array k_currency_words{
    CurrencyWord{"dollars", '$'},  CurrencyWord{"dollar", '$'}, CurrencyWord{"euros", 'E'},
    CurrencyWord{"euro", 'E'},     CurrencyWord{"pounds", 'L'}, CurrencyWord{"pound", 'L'},
    CurrencyWord{"sterling", 'L'}, CurrencyWord{"yen", 'Y'},    CurrencyWord{"francs", 'F'},
    CurrencyWord{"franc", 'F'},    CurrencyWord{"yuan", 'R'},   CurrencyWord{"renminbi", 'R'},
    CurrencyWord{"rupees", 'I'},   CurrencyWord{"kronor", 'K'}, CurrencyWord{"kroner", 'K'},
    CurrencyWord{"krona", 'K'},    CurrencyWord{"krone", 'K'},
};
constexpr std::array k_currency_symbols{
    CurrencyWord{"$", '$'},        CurrencyWord{"\xE2\x82\xAC", 'E'}, CurrencyWord{"\xC2\xA3", 'L'},
    CurrencyWord{"\xC2\xA5", 'Y'}, CurrencyWord{"\xE2\x82\xB9", 'I'},
};

constexpr std::array<std::string_view, 12> k_months{
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december",
};

constexpr std::array<std::string_view, 20> k_units{
    "zero",     "one",     "two",     "three",     "four",     "five",     "six",
    "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",   "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
};
constexpr std::array<std::string_view, 10> k_tens{
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
};

struct FractionWord {
    std::string_view singular;
    std::string_view plural;
    int denominator;
};

constexpr std::array k_fractions{
    FractionWord{"half", "halves", 2},      FractionWord{"third", "thirds", 3},
    FractionWord{"quarter", "quarters", 4}, FractionWord{"fifth", "fifths", 5},
    FractionWord{"sixth", "sixths", 6},     FractionWord{"eighth", "eighths", 8},
    FractionWord{"tenth", "tenths", 10},
};

// Words that may follow a singular fraction ("a fifth of", "by a fifth to").
constexpr std::array<std::string_view, 22> k_after_fraction{
    "of",   "to",       "from", "in",   "on",   "since", "after", "and", "or",    "while", "as",
    "over", "compared", "than", "this", "last", "at",    "for",   "by",  "among", "with",  "versus",
};

// Words before a hyphen and a number that make a figure, not an identifier:
// "mid-2025", "pre-2020", "top-10".
constexpr std::array<std::string_view, 44> k_figure_prefixes{
    "mid",  "pre", "post", "late",   "early",  "end",     "over", "under", "top",
    "sub",  "non", "ex",   "about",  "around", "circa",   "c",    "ca",    "up",
    "down", "to",  "from", "and",    "or",     "by",      "in",   "of",    "at",
    "on",   "for", "than", "year",   "fiscal", "full",    "half", "all",   "the",
    "a",    "an",  "some", "nearly", "almost", "roughly", "per",  "since",
};

// Market indices whose names end in a number: "S&P 500", "FTSE 100".
constexpr std::array<std::string_view, 11> k_index_names{
    "s&p", "ftse", "stoxx", "dax", "cac", "nikkei", "russell", "nasdaq", "topix", "ibex", "kospi",
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

int significant_digits(std::string_view digits) {
    int significant = 0;
    for (const char c : digits) {
        if (is_digit(c) && (significant > 0 || c != '0')) {
            ++significant;
        }
    }
    return std::max(significant, 1);
}

// The month (1-12) named by `word` ("march", "mar", "sept"), or 0.
int month_of(std::string_view word) {
    if (word.size() < 3 || std::string_view("jfmasond").find(word.front()) == k_npos) {
        return 0; // the common case, decided on the first letter
    }
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

// A run of `min_count`..`max_count` digits at `i` not followed by a digit, as an int; -1 otherwise.
int digits_at(std::string_view t, std::size_t i, std::size_t min_count, std::size_t max_count,
              std::size_t* end) {
    std::size_t j = i;
    while (j < t.size() && is_digit(t[j]) && j - i <= max_count) {
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

// ---------------------------------------------------------------------------
// Dates

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

Token date_token(std::size_t begin, std::size_t end, Date date) {
    Token token;
    token.type = TokenType::date;
    token.begin = begin;
    token.end = end;
    token.date = date;
    return token;
}

// "March 3, 2025", "Mar. 3rd 2025", "March 3", "March 2025" at `i`.
std::optional<Token> month_first_date(std::string_view t, std::size_t i) {
    std::size_t j = 0;
    const int month = month_at(t, i, &j);
    if (month == 0 || at(t, j) != ' ' || !is_digit(at(t, j + 1))) {
        return std::nullopt;
    }
    std::size_t k = 0;
    if (const int year = year_at(t, j + 1, &k); year != 0) {
        return date_token(i, k, {year, month, 0});
    }
    const int day = day_at(t, j + 1, &k);
    if (day == 0) {
        return std::nullopt;
    }
    std::size_t y_end = 0;
    if (const int year = trailing_year(t, k, &y_end); year != 0) {
        return date_token(i, y_end, {year, month, day});
    }
    return date_token(i, k, {0, month, day});
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
    std::size_t y_end = 0;
    if (const int year = trailing_year(t, k, &y_end); year != 0) {
        return date_token(i, y_end, {year, month, day});
    }
    if (month == 5 && word_at(t, j) == "may") {
        return std::nullopt; // "5 may ..." is more likely the verb
    }
    return date_token(i, k, {0, month, day});
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
    return date_token(i, m, {year, month, day});
}

// "29.04.2025" (day first), "04/29/2025" or "29/04/2025" (either way round;
// both readings when both are valid) at `i`.
std::optional<Token> numeric_date(std::string_view t, std::size_t i) {
    std::size_t j = 0;
    const int a = digits_at(t, i, 1, 2, &j);
    const char separator = at(t, j);
    if (a < 1 || (separator != '/' && separator != '.' && separator != '-')) {
        return std::nullopt;
    }
    std::size_t k = 0;
    const int b = digits_at(t, j + 1, 1, 2, &k);
    if (b < 1 || at(t, k) != separator) {
        return std::nullopt;
    }
    std::size_t m = 0;
    const int year = year_at(t, k + 1, &m);
    if (year == 0) {
        return std::nullopt;
    }
    const bool day_first = a <= 31 && b <= 12;
    const bool month_first = separator != '.' && a <= 12 && b <= 31;
    if (!day_first && !month_first) {
        return std::nullopt;
    }
    Token token = date_token(i, m, {year, month_first ? a : b, month_first ? b : a});
    if (day_first && month_first && a != b) {
        token.alternative = {year, b, a};
    }
    return token;
}

// ---------------------------------------------------------------------------
// Figures

// The currency symbol or code at `i` (before a number), its code and length.
std::optional<std::pair<char, std::size_t>> currency_prefix(std::string_view t, std::size_t i) {
    if (!is_alpha(at(t, i))) {
        for (const CurrencyWord& symbol : k_currency_symbols) {
            if (t.substr(i, symbol.text.size()) == symbol.text) {
                return std::pair{symbol.currency, symbol.text.size()};
            }
        }
        return std::nullopt;
    }
    const std::string_view word = word_at(t, i);
    const std::size_t j = i + word.size();
    if (word.size() != 3 || !(is_digit(at(t, j)) || (at(t, j) == ' ' && is_digit(at(t, j + 1))))) {
        return std::nullopt; // the common case: a word with no number after it
    }
    for (const CurrencyWord& code : k_currency_codes) {
        if (word == code.text) {
            return std::pair{code.currency, word.size()};
        }
    }
    return std::nullopt;
}

struct Parsed {
    std::optional<Mention> mention;
    std::size_t end = 0; // past the mention, or past the skipped token
};

std::size_t spaced(std::string_view t, std::size_t from) {
    return at(t, from) == ' ' ? from + 1 : from;
}

void set_percent(Mention& m, Unit unit) {
    m.kind = FigureKind::percent;
    m.unit = unit;
    m.factor = unit == Unit::basis_points ? 0.01 : 1;
}

void set_money(Mention& m, char currency, Unit unit) {
    m.kind = FigureKind::money;
    m.currency = currency;
    m.unit = unit;
    m.factor = unit == Unit::minor ? 0.01 : 1;
}

// The word at `p`, empty when digits follow it: "million1" and "mn-1" name
// no unit, they are identifiers.
std::string_view unit_word_at(std::string_view t, std::size_t p) {
    const std::string_view word = word_at(t, p);
    const std::size_t after = p + word.size();
    const bool glued =
        is_digit(at(t, after)) || (at(t, after) == '-' && is_digit(at(t, after + 1)));
    return glued ? std::string_view() : word;
}

// Reads the words after a number at `j` (a magnitude, a percent, basis
// points, a currency or its minor unit) into `m`; returns the new end.
// `currency`: a currency was written before the number.
std::size_t parse_units(std::string_view t, std::size_t j, Mention& m, bool currency) {
    if (!m.magnitude && m.kind != FigureKind::percent) {
        const std::size_t p = spaced(t, j);
        const std::string_view word = unit_word_at(t, p);
        for (const Word& magnitude : k_spaced_magnitudes) {
            if (word == magnitude.text) {
                m.scale = magnitude.scale;
                m.magnitude = true;
                j = p + word.size();
            }
        }
        if (currency && !m.magnitude && p != j) {
            for (const Word& magnitude : k_money_magnitudes) {
                if (word == magnitude.text) {
                    m.scale = magnitude.scale;
                    m.magnitude = true;
                    j = p + word.size();
                }
            }
        }
    }
    if (m.kind != FigureKind::plain || m.unit != Unit::none || currency) {
        return j; // "€2 bp" is two euros, whatever follows
    }
    const std::size_t p = spaced(t, j);
    const std::string_view word = unit_word_at(t, p);
    if (at(t, p) == '%') {
        set_percent(m, Unit::percent);
        return p + 1;
    }
    if (!m.magnitude) {
        if (word == "percent" || word == "pct") {
            set_percent(m, Unit::percent);
            return p + word.size();
        }
        if (word == "per" && t.substr(p, 8) == "per cent" && !is_alnum(at(t, p + 8))) {
            set_percent(m, Unit::percent);
            return p + 8;
        }
        if ((word == "percentage" || word == "basis") && t.substr(p + word.size(), 6) == " point") {
            std::size_t end = p + word.size() + 6;
            end = at(t, end) == 's' ? end + 1 : end;
            if (!is_alnum(at(t, end))) {
                set_percent(m, word == "basis" ? Unit::basis_points : Unit::percent);
                return end;
            }
        }
        if (word == "bp" || word == "bps") {
            set_percent(m, Unit::basis_points);
            return p + word.size();
        }
    }
    for (const CurrencyWord& currency_word : k_currency_words) {
        if (word == currency_word.text) {
            set_money(m, currency_word.currency, Unit::major);
            return p + word.size();
        }
    }
    for (const CurrencyWord& code : k_currency_codes) {
        if (word == code.text) {
            set_money(m, code.currency, Unit::major);
            return p + word.size();
        }
    }
    if (!m.magnitude && (word == "pence" || word == "cents")) {
        set_money(m, word == "pence" ? 'L' : 0, Unit::minor);
        return p + word.size();
    }
    // A symbol after the amount ("612.40 €"), unless it opens the next amount.
    for (const CurrencyWord& symbol : k_currency_symbols) {
        if (t.substr(p, symbol.text.size()) == symbol.text) {
            const std::size_t after = p + symbol.text.size();
            if (!is_digit(at(t, spaced(t, after)))) {
                set_money(m, symbol.currency, Unit::major);
                return after;
            }
        }
    }
    return j;
}

// A number at `i` (a digit) with what follows it. `currency`: a currency was
// written before it.
Parsed parse_number(std::string_view t, std::size_t i, bool currency) {
    std::size_t j = i;
    while (is_digit(at(t, j))) {
        ++j;
    }
    int decimals = 0;
    std::string digits(t.substr(i, j - i));
    if (at(t, j) == '.' && is_digit(at(t, j + 1))) {
        std::size_t k = j + 1;
        while (is_digit(at(t, k))) {
            ++k;
        }
        decimals = static_cast<int>(k - j - 1);
        digits.append(t.substr(j, k - j));
        j = k;
        if (at(t, j) == '.' && is_digit(at(t, j + 1))) {
            return {std::nullopt, skip_token(t, i)}; // a version or an address: 1.2.3
        }
    } else if (currency && t.substr(j, 2) == " ." && is_digit(at(t, j + 2))) {
        // A wire amount broken by a stray space before its decimal point: "eur1 .2 m".
        std::size_t k = j + 2;
        while (is_digit(at(t, k))) {
            ++k;
        }
        decimals = static_cast<int>(k - j - 2);
        digits.append(t.substr(j + 1, k - j - 1));
        j = k;
    }
    if (at(t, j) == ':' && is_digit(at(t, j + 1))) {
        return {std::nullopt, skip_token(t, i)}; // a time: 10:30
    }
    Mention mention;
    std::from_chars(digits.data(), digits.data() + digits.size(), mention.raw);
    mention.decimals = decimals;
    mention.significant = significant_digits(digits);
    mention.begin = i;

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
            set_percent(mention, Unit::percent);
            known = true;
        } else if (glued == "bp" || glued == "bps") {
            set_percent(mention, Unit::basis_points);
            known = true;
        } else if (glued == "p" && !currency) {
            set_money(mention, 'L', Unit::minor); // pence: "142p", "4.1p a share"
            known = true;
        }
        if (!known || is_digit(at(t, j + glued.size()))) {
            return {std::nullopt, skip_token(t, i)}; // 5g, 2nd, 1990s, 3q25
        }
        j += glued.size();
    }
    j = parse_units(t, j, mention, currency);
    mention.end = j;
    return {mention, j};
}

// A figure at `i`: an optional currency prefix and a number.
Parsed parse_mention(std::string_view t, std::size_t i) {
    char currency = 0;
    std::size_t j = i;
    const auto prefix = currency_prefix(t, i);
    if (prefix) {
        currency = prefix->first;
        j = spaced(t, i + prefix->second);
        if (!is_digit(at(t, j))) {
            return {std::nullopt, i + prefix->second};
        }
    }
    Parsed parsed = parse_number(t, j, prefix.has_value());
    if (parsed.mention) {
        parsed.mention->begin = i;
        if (prefix && parsed.mention->kind != FigureKind::percent) {
            set_money(*parsed.mention, currency, Unit::major);
        }
    }
    return parsed;
}

bool starts_figure(std::string_view t, std::size_t i) {
    return is_digit(at(t, i)) || currency_prefix(t, i).has_value();
}

bool is_year(const Mention& m) {
    // Range first: a double past int's range does not convert (2222222222, 1e93).
    return m.kind == FigureKind::plain && !m.magnitude && m.decimals == 0 && m.raw >= 0 &&
           m.raw < 1e4 && valid_year(static_cast<int>(m.raw));
}

// Whether "a to b" / "a-b" / "between a and b" reads as one range: both
// percentages (or a bare number before a percentage), amounts of one
// currency, a bare number before or after an amount, or two bare numbers.
bool can_join(const Mention& a, const Mention& b) {
    if (a.kind == FigureKind::percent) {
        return b.kind == FigureKind::percent;
    }
    if (b.kind == FigureKind::percent) {
        return a.kind == FigureKind::plain && !a.magnitude;
    }
    if (a.kind == FigureKind::money && b.kind == FigureKind::money) {
        return a.currency == b.currency || a.currency == 0 || b.currency == 0;
    }
    if (a.kind == FigureKind::plain && b.kind == FigureKind::money) {
        return !is_year(a);
    }
    return true;
}

// Gives each end of a range what was written only once: "$3-4 billion" is
// $3 billion to $4 billion, "18-22%" 18% to 22%, "10-20p" 10p to 20p.
void share_units(Mention& a, Mention& b) {
    if (b.magnitude && !a.magnitude && a.kind != FigureKind::percent) {
        a.scale = b.scale;
        a.magnitude = true;
    }
    if (a.kind == FigureKind::plain && b.kind != FigureKind::plain) {
        a.kind = b.kind;
        a.unit = b.unit;
        a.currency = b.currency;
        a.factor = b.factor;
    } else if (b.kind == FigureKind::plain && a.kind == FigureKind::money) {
        b.kind = a.kind;
        b.unit = a.unit;
        b.currency = a.currency;
        b.factor = a.factor;
    } else if (a.kind == FigureKind::money && b.kind == FigureKind::money) {
        a.currency = a.currency != 0 ? a.currency : b.currency;
        b.currency = b.currency != 0 ? b.currency : a.currency;
    }
}

Token figure_token(const Mention& m) {
    Token token;
    token.type = TokenType::figure;
    token.first = m;
    token.begin = m.begin;
    token.end = m.end;
    return token;
}

// A figure at `i`, or a range of two ("18% to 22%", "$3-4 billion",
// "between 5 and 10 per cent").
std::pair<std::optional<Token>, std::size_t> parse_figure(std::string_view t, std::size_t i) {
    const Parsed first = parse_mention(t, i);
    if (!first.mention) {
        return {std::nullopt, std::max(first.end, i + 1)};
    }
    Token token = figure_token(*first.mention);
    std::size_t p = spaced(t, first.end);
    bool joined = false;
    if (at(t, p) == '-') {
        joined = true;
        ++p;
    } else if (t.substr(p, 3) == "to ") {
        joined = true;
        p += 2;
    } else if (t.substr(p, 4) == "and " && i >= 8 && t.substr(i - 8, 8) == "between ") {
        joined = true;
        p += 3;
    }
    p = joined ? spaced(t, p) : p;
    if (joined && starts_figure(t, p)) {
        const Parsed second = parse_mention(t, p);
        if (second.mention && can_join(*first.mention, *second.mention)) {
            token.type = TokenType::range;
            token.second = *second.mention;
            share_units(token.first, token.second);
            token.end = second.end;
        }
    }
    return {token, token.end};
}

// ---------------------------------------------------------------------------
// Numbers in words (the article only)

// The longest word that starts a number, fraction or period ("quadrupled").
constexpr std::size_t k_longest_number_word = 10;

// Whether a word starting with `c` can start a number, fraction or period in words.
bool is_number_word_start(char c) {
    // zero one two ... ninety; a an; half halved; doubled; tripled; quadrupled;
    // first second third fourth; fiscal
    return std::string_view("zotfsenahdq").find(c) != std::string_view::npos;
}

// The number 0-99 named by the word(s) at `i` ("seven", "twenty-five"), or -1.
int small_number_at(std::string_view t, std::size_t i, std::size_t* end) {
    const std::string_view word = word_at(t, i);
    if (word.empty() || std::string_view("zotfsen").find(word.front()) == k_npos) {
        return -1;
    }
    for (std::size_t n = 0; n < k_units.size(); ++n) {
        if (word == k_units[n]) {
            *end = i + word.size();
            return static_cast<int>(n);
        }
    }
    for (std::size_t n = 2; n < k_tens.size(); ++n) {
        if (word == k_tens[n]) {
            int value = static_cast<int>(n) * 10;
            std::size_t j = i + word.size();
            if (at(t, j) == '-') {
                const std::string_view unit = unit_word_at(t, j + 1);
                for (std::size_t u = 1; u < 10; ++u) {
                    if (unit == k_units[u]) {
                        value += static_cast<int>(u);
                        j += 1 + unit.size();
                    }
                }
            }
            *end = j;
            return value;
        }
    }
    return -1;
}

// "three", "twenty-five", "two hundred", "a dozen", "a million" at `i`
// (with what follows it, as for digits); nullopt when the words name no number.
std::optional<Mention> number_words(std::string_view t, std::size_t i) {
    const std::string_view word = word_at(t, i);
    std::size_t j = 0;
    int value = small_number_at(t, i, &j);
    const bool article = value < 0 && (word == "a" || word == "an");
    if (article) {
        value = 1;
        j = i + word.size();
    } else if (value < 0) {
        return std::nullopt;
    }
    double number = value;
    const std::string_view next = at(t, j) == ' ' ? unit_word_at(t, j + 1) : std::string_view();
    if (next == "hundred") {
        number *= 100;
        j += 1 + next.size();
        std::size_t k = 0;
        if (t.substr(j, 5) == " and ") {
            if (const int rest = small_number_at(t, j + 5, &k); rest > 0) {
                number += rest;
                j = k;
            }
        }
    } else if (next == "dozen") {
        number *= 12;
        j += 1 + next.size();
    } else if (article && next != "thousand" && next != "million" && next != "billion" &&
               next != "trillion") {
        return std::nullopt;
    }
    Mention m;
    m.raw = number;
    m.spelled = true;
    m.begin = i;
    m.significant = significant_digits(std::to_string(static_cast<long long>(number)));
    m.end = parse_units(t, j, m, false);
    return m;
}

Mention fraction_mention(std::size_t begin, std::size_t end, double percent) {
    Mention m;
    m.kind = FigureKind::percent;
    m.unit = Unit::fraction;
    m.raw = percent;
    m.spelled = true;
    m.significant = 3;
    m.begin = begin;
    m.end = end;
    return m;
}

// "a fifth", "two-thirds", "one in five", "half of", "doubled" at `i` as a percentage.
std::optional<Mention> fraction_words(std::string_view t, std::size_t i) {
    const std::string_view word = word_at(t, i);
    std::size_t j = i + word.size();
    if (word == "halved" || word == "doubled" || word == "tripled" || word == "quadrupled") {
        const double percent = word == "halved"    ? 50
                               : word == "doubled" ? 100
                               : word == "tripled" ? 200
                                                   : 300;
        return fraction_mention(i, j, percent);
    }
    if (word == "half" && t.substr(j, 4) == " of ") {
        return fraction_mention(i, j, 50);
    }
    if (at(t, j) != ' ' && at(t, j) != '-') {
        return std::nullopt;
    }
    if (word == "one" && t.substr(j, 4) == " in ") {
        std::size_t k = 0;
        int of = small_number_at(t, j + 4, &k);
        if (of < 0) {
            of = digits_at(t, j + 4, 1, 3, &k);
        }
        const bool unit_follows = at(t, k) == '%' || (at(t, k) == '.' && is_digit(at(t, k + 1)));
        if (of >= 2 && !is_alnum(at(t, k)) && !unit_follows) {
            return fraction_mention(i, k, 100.0 / of);
        }
        return std::nullopt;
    }
    int count = -1;
    if (word == "a" || word == "an" || word == "one") {
        count = 1;
    } else {
        std::size_t k = 0;
        count = small_number_at(t, i, &k);
        if (count < 2 || count > 9 || k != j) {
            return std::nullopt;
        }
    }
    const std::string_view denominator = unit_word_at(t, j + 1);
    const std::size_t end = j + 1 + denominator.size();
    // "a third" is also an ordinal ("a third straight quarter"): a singular
    // counts only before "of", a preposition or punctuation ("fell by a fifth.").
    const std::string_view next = at(t, end) == ' ' ? word_at(t, end + 1) : std::string_view();
    if (count == 1 && !next.empty() &&
        std::find(k_after_fraction.begin(), k_after_fraction.end(), next) ==
            k_after_fraction.end()) {
        return std::nullopt;
    }
    for (const FractionWord& fraction : k_fractions) {
        if (denominator == (count == 1 ? fraction.singular : fraction.plural)) {
            return fraction_mention(i, end, 100.0 * count / fraction.denominator);
        }
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------
// Identifiers

Token identifier_token(std::size_t begin, std::size_t end, std::string key, std::size_t family) {
    Token token;
    token.type = TokenType::identifier;
    token.begin = begin;
    token.end = end;
    token.key = std::move(key);
    token.family = family;
    return token;
}

// "first quarter" / "third-quarter" (q1-q4), "first half" (h1, h2) at `i`.
std::optional<Token> period_words(std::string_view t, std::size_t i) {
    static constexpr std::array<std::string_view, 4> k_ordinals{"first", "second", "third",
                                                                "fourth"};
    const std::string_view word = word_at(t, i);
    const std::size_t j = i + word.size();
    if (at(t, j) != ' ' && at(t, j) != '-') {
        return std::nullopt;
    }
    const std::string_view period = unit_word_at(t, j + 1);
    for (std::size_t n = 0; n < k_ordinals.size(); ++n) {
        if (word != k_ordinals[n]) {
            continue;
        }
        if (period == "quarter") {
            return identifier_token(i, j + 1 + period.size(), "q" + std::to_string(n + 1), 1);
        }
        if (period == "half" && n < 2) {
            return identifier_token(i, j + 1 + period.size(), "h" + std::to_string(n + 1), 1);
        }
    }
    return std::nullopt;
}

// "fiscal 2025" / "fiscal year 2025" at `i` as fy2025; `*year_begin` is
// where the year starts, so that it is read as a year too.
std::optional<Token> fiscal_year(std::string_view t, std::size_t i, std::size_t* year_begin) {
    if (word_at(t, i) != "fiscal") {
        return std::nullopt;
    }
    std::size_t j = i + 6;
    if (t.substr(j, 6) == " year ") {
        j += 5;
    }
    std::size_t end = 0;
    if (at(t, j) != ' ' || year_at(t, j + 1, &end) == 0) {
        return std::nullopt;
    }
    *year_begin = j + 1;
    return identifier_token(i, end, "fy" + std::string(t.substr(j + 1, 4)), 2);
}

// The number inside an identifier at `i` (digits with an optional decimal part).
Mention identifier_number(std::string_view t, std::size_t i, std::size_t* end) {
    std::size_t j = i;
    while (is_digit(at(t, j))) {
        ++j;
    }
    if (at(t, j) == '.' && is_digit(at(t, j + 1))) {
        ++j;
        while (is_digit(at(t, j))) {
            ++j;
        }
    }
    Mention m;
    std::from_chars(t.data() + i, t.data() + j, m.raw);
    m.begin = i;
    m.end = j;
    m.significant = significant_digits(t.substr(i, j - i));
    *end = j;
    return m;
}

// "S&P 500", "FTSE 100" at `i`.
std::optional<Token> index_name(std::string_view t, std::size_t i) {
    const std::string_view word = word_at(t, i);
    std::size_t digits = i + word.size();
    if (word == "s" && t.substr(digits, 2) == "&p") {
        digits += 2;
    }
    if (at(t, digits) != ' ' || !is_digit(at(t, digits + 1))) {
        return std::nullopt; // the common case: no number after the word
    }
    const std::string_view name = t.substr(i, digits - i);
    if (std::find(k_index_names.begin(), k_index_names.end(), name) == k_index_names.end()) {
        return std::nullopt;
    }
    ++digits;
    std::size_t end = 0;
    const Mention number = identifier_number(t, digits, &end);
    if (at(t, end) == '%' || is_alpha(at(t, end)) ||
        t.substr(digits, end - digits).find('.') != k_npos) {
        return std::nullopt;
    }
    Token token = identifier_token(
        i, end, std::string(name) + std::string(t.substr(digits, end - digits)), name.size());
    token.first = number;
    return token;
}

bool is_figure_prefix(std::string_view word) {
    return std::find(k_figure_prefixes.begin(), k_figure_prefixes.end(), word) !=
               k_figure_prefixes.end() ||
           month_of(word) != 0;
}

// Letters joined to digits at `i`: "q3", "a320neo", "fy25", "slv-208",
// "covid-19", "gpt-4.1-mini"; nullopt for anything else.
std::optional<Token> identifier(std::string_view t, std::size_t i) {
    const std::string_view letters = word_at(t, i);
    std::size_t j = i + letters.size();
    if (at(t, j) == '-' && is_digit(at(t, j + 1)) && !is_figure_prefix(letters)) {
        ++j;
    } else if (!is_digit(at(t, j))) {
        return std::nullopt;
    }
    std::size_t k = 0;
    Token token = identifier_token(i, 0, std::string(letters), letters.size());
    token.first = identifier_number(t, j, &k);
    token.key.append(t.substr(j, k - j));
    // Letters and digits glued on ("a320neo", "gpt-4o"), and "-word" parts ("-mini").
    while (k < t.size()) {
        if (is_alnum(t[k])) {
            token.key.push_back(t[k++]);
        } else if (t[k] == '-' && is_alpha(at(t, k + 1))) {
            ++k;
        } else {
            break;
        }
    }
    if (letters == "fy" && token.key.size() == 4) {
        token.key.insert(2, "20"); // fy25 is fy2025
    }
    token.end = k;
    return token;
}

// ---------------------------------------------------------------------------
// Scanning

// A list marker ("1." or "2)" followed by a space) at `i`; its end or 0.
std::size_t list_marker_end(std::string_view t, std::size_t i) {
    std::size_t j = 0;
    if (digits_at(t, i, 1, 3, &j) < 0) {
        return 0;
    }
    if ((at(t, j) == '.' || at(t, j) == ')') && (j + 1 >= t.size() || t[j + 1] == ' ')) {
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

class Scanner {
public:
    Scanner(std::string_view t, ScanOptions options,
            const std::function<void(const Token&)>& on_token)
        : m_t(t), m_options(options), m_on_token(on_token) {}

    void run() {
        std::size_t next_line = 0; // the first line start not yet passed
        while (m_i < m_t.size()) {
            const char c = m_t[m_i];
            if (c == ' ') {
                ++m_i;
                continue;
            }
            bool at_line_start = m_i == 0;
            if (m_options.line_starts != nullptr) {
                const auto& starts = *m_options.line_starts;
                while (next_line < starts.size() && starts[next_line] < m_i) {
                    ++next_line;
                }
                at_line_start =
                    at_line_start || (next_line < starts.size() && starts[next_line] == m_i);
            }
            if (c == '"') {
                quote();
            } else if (is_alpha(c)) {
                word();
            } else if (is_digit(c)) {
                number(at_line_start);
            } else if (currency_prefix(m_t, m_i)) {
                figure();
            } else {
                ++m_i;
            }
        }
    }

private:
    void emit(const Token& token) {
        m_on_token(token);
        m_i = std::max(token.end, m_i + 1);
    }

    void figure() {
        auto [token, end] = parse_figure(m_t, m_i);
        if (token) {
            m_on_token(*token);
        }
        m_i = std::max(end, m_i + 1);
    }

    void quote() {
        if (m_options.quotes && m_i != m_not_an_opener) {
            const std::size_t close = m_t.find('"', m_i + 1);
            if (close != k_npos && close - m_i <= k_max_quote_chars) {
                if (word_count(m_t.substr(m_i + 1, close - m_i - 1)) >= 3) {
                    Token token;
                    token.type = TokenType::quote;
                    token.begin = m_i;
                    token.end = close + 1;
                    emit(token);
                    return;
                }
                m_not_an_opener = close;
            }
        }
        ++m_i;
    }

    void word() {
        if (auto date = month_first_date(m_t, m_i)) {
            emit(*date);
            return;
        }
        if (currency_prefix(m_t, m_i)) {
            figure();
            return;
        }
        if (auto name = index_name(m_t, m_i)) {
            emit(*name);
            return;
        }
        if (m_options.words && spelled()) {
            return;
        }
        if (auto id = identifier(m_t, m_i)) {
            emit(*id);
            return;
        }
        while (m_i < m_t.size() && (is_alnum(m_t[m_i]) || m_t[m_i] == '_')) {
            ++m_i;
        }
    }

    // Numbers, fractions and periods in words; whether one was read.
    bool spelled() {
        const std::string_view w = word_at(m_t, m_i);
        const std::size_t after = m_i + w.size();
        if (w.size() > k_longest_number_word || !is_number_word_start(w.front()) ||
            is_digit(at(m_t, after)) || (at(m_t, after) == '-' && is_digit(at(m_t, after + 1)))) {
            return false; // the common case: no word that can name a number ("one2" is none)
        }
        if (auto period = period_words(m_t, m_i)) {
            emit(*period);
            return true;
        }
        std::size_t year_begin = 0;
        if (auto fiscal = fiscal_year(m_t, m_i, &year_begin)) {
            m_on_token(*fiscal);
            m_i = year_begin;
            return true;
        }
        std::optional<Mention> mention = fraction_words(m_t, m_i);
        if (!mention) {
            mention = number_words(m_t, m_i);
        }
        if (mention) {
            m_on_token(figure_token(*mention));
            // "one in 20": the 20 is a figure of its own too.
            const bool digits = m_t.substr(m_i, 7) == "one in " && is_digit(at(m_t, m_i + 7));
            m_i = digits ? m_i + 7 : std::max(mention->end, m_i + 1);
            return true;
        }
        return false;
    }

    void number(bool at_line_start) {
        if (at_line_start) {
            if (const std::size_t end = list_marker_end(m_t, m_i); end != 0) {
                m_i = end;
                return;
            }
        }
        std::optional<Token> date = iso_date(m_t, m_i);
        if (!date) {
            date = numeric_date(m_t, m_i);
        }
        if (!date) {
            date = day_first_date(m_t, m_i);
        }
        if (date) {
            emit(*date);
            return;
        }
        figure();
    }

    std::string_view m_t;
    ScanOptions m_options;
    const std::function<void(const Token&)>& m_on_token;
    std::size_t m_i = 0;
    std::size_t m_not_an_opener = k_npos;
};

} // namespace

std::size_t SourceMap::source(std::size_t normalized) const {
    // The last point at or before `normalized`: near the hint, else by binary search.
    std::size_t k = m_hint;
    if (k < m_points.size() && m_points[k].normalized <= normalized) {
        for (std::size_t steps = 0;
             k + 1 < m_points.size() && m_points[k + 1].normalized <= normalized && steps < 8;
             ++steps) {
            ++k;
        }
    }
    if (k >= m_points.size() || m_points[k].normalized > normalized ||
        (k + 1 < m_points.size() && m_points[k + 1].normalized <= normalized)) {
        const auto after =
            std::upper_bound(m_points.begin(), m_points.end(), normalized,
                             [](std::size_t n, const Point& p) { return n < p.normalized; });
        if (after == m_points.begin()) {
            return normalized;
        }
        k = static_cast<std::size_t>(after - m_points.begin()) - 1;
    }
    m_hint = k;
    return m_points[k].source + (normalized - m_points[k].normalized);
}

void SourceMap::add(std::size_t normalized, std::size_t from) {
    // Bytes are added in order: only a change of offset is a new point.
    const std::size_t expected =
        m_points.empty() ? normalized
                         : m_points.back().source + (normalized - m_points.back().normalized);
    if (from != expected) {
        m_points.push_back(
            {static_cast<std::uint32_t>(normalized), static_cast<std::uint32_t>(from)});
    }
}

std::string normalize(std::string_view src, SourceMap* map,
                      std::vector<std::uint32_t>* line_starts) {
    Normalizer out(src, map, line_starts);
    std::size_t i = 0;
    while (i < src.size()) {
        if (is_digit(src[i])) {
            i = out.number(i);
        } else {
            i += out.character(i);
        }
    }
    return out.finish();
}

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

void scan(std::string_view t, ScanOptions options,
          const std::function<void(const Token&)>& on_token) {
    Scanner(t, options, on_token).run();
}

} // namespace roundtable::guard
