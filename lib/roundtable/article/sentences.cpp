#include <algorithm>
#include <iterator>
#include <roundtable/article/sentences.hpp>
#include <string>

namespace roundtable::article {

namespace {

// Abbreviations that are (almost) never the end of a sentence: titles before a
// name, month names before a day, Latin shorthands. Lowercase, without the final
// period.
constexpr std::string_view k_continuing[] = {
    "mr",   "mrs",  "ms",     "dr",  "prof", "sen",  "rep",  "gov",   "gen", "col",  "lt",
    "sgt",  "capt", "cmdr",   "adm", "st",   "mt",   "no",   "nos",   "vs",  "v",    "e.g",
    "i.e",  "cf",   "approx", "jan", "feb",  "mar",  "apr",  "jun",   "jul", "aug",  "sep",
    "sept", "oct",  "nov",    "dec", "fig",  "est",  "dept", "ft",    "ave", "blvd", "rd",
    "pp",   "vol",  "op",     "hon", "rev",  "pres", "supt", "messrs"};

// Abbreviations that often end a sentence too ("... sold to Acme Inc. The deal"):
// they end one only when the next word is a usual sentence opener.
constexpr std::string_view k_maybe_final[] = {"inc", "corp", "co",  "ltd",  "llc", "plc",
                                              "jr",  "sr",   "etc", "bros", "assn"};

// Capitalised words that open sentences; after a "maybe final" abbreviation
// they decide that the sentence ended.
constexpr std::string_view k_openers[] = {
    "the",   "a",       "an",        "it",       "its",    "he",       "she",     "they",
    "we",    "i",       "but",       "and",      "in",     "on",       "at",      "this",
    "that",  "these",   "those",     "there",    "shares", "analysts", "however", "meanwhile",
    "still", "yet",     "so",        "for",      "as",     "after",    "while",   "if",
    "when",  "his",     "her",       "their",    "our",    "some",     "many",    "most",
    "last",  "earlier", "investors", "officials"};

// Words a heading never ends with; a short line ending in one is a wrapped clause.
constexpr std::string_view k_joiners[] = {
    "and", "or", "but",  "the", "a",  "an",  "of",    "to",    "in",  "that", "with", "for",
    "on",  "by", "from", "as",  "at", "its", "their", "which", "who", "than", "nor",  "is"};

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}
bool is_lower(char c) {
    return c >= 'a' && c <= 'z';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
    return is_upper(c) || is_lower(c);
}

char to_lower(char c) {
    return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), to_lower);
    return out;
}

template <std::size_t N> bool contains(const std::string_view (&list)[N], std::string_view word) {
    return std::find(std::begin(list), std::end(list), word) != std::end(list);
}

bool starts_with_at(std::string_view text, std::size_t i, std::string_view prefix) {
    return text.substr(i, prefix.size()) == prefix;
}

// Returns the byte length of a closing quote or bracket at `i`, 0 if none.
std::size_t closing_len(std::string_view text, std::size_t i) {
    char c = text[i];
    if (c == '"' || c == '\'' || c == ')' || c == ']') {
        return 1;
    }
    if (starts_with_at(text, i, "\xE2\x80\x9D") || starts_with_at(text, i, "\xE2\x80\x99")) {
        return 3; // ” ’
    }
    if (starts_with_at(text, i, "\xC2\xBB")) {
        return 2; // »
    }
    return 0;
}

// Returns the byte length of an opening quote or bracket at `i`, 0 if none.
std::size_t opening_len(std::string_view text, std::size_t i) {
    char c = text[i];
    if (c == '"' || c == '\'' || c == '(' || c == '[') {
        return 1;
    }
    if (starts_with_at(text, i, "\xE2\x80\x9C") || starts_with_at(text, i, "\xE2\x80\x98")) {
        return 3; // “ ‘
    }
    if (starts_with_at(text, i, "\xC2\xAB")) {
        return 2; // «
    }
    return 0;
}

// Returns the byte length of a sentence terminator at `i` (. ? ! or …), 0 if none.
std::size_t terminator_len(std::string_view text, std::size_t i) {
    char c = text[i];
    if (c == '.' || c == '?' || c == '!') {
        return 1;
    }
    if (starts_with_at(text, i, "\xE2\x80\xA6")) {
        return 3;
    }
    return 0;
}

enum class Abbrev { none, continuing, maybe_final };

// Classifies the word that ends right before a period ("Mr", "U.S", "J").
Abbrev classify(std::string_view word) {
    std::size_t start = 0;
    while (start < word.size()) {
        std::size_t n = opening_len(word, start);
        if (n == 0) {
            break;
        }
        start += n;
    }
    word.remove_prefix(start);
    if (word.empty()) {
        return Abbrev::none;
    }
    std::string low = lower(word);
    if (contains(k_continuing, low)) {
        return Abbrev::continuing;
    }
    if (contains(k_maybe_final, low)) {
        return Abbrev::maybe_final;
    }
    if (word.size() == 1 && is_upper(word[0])) {
        return Abbrev::continuing; // an initial: J. P. Morgan
    }
    // Dotted single letters: U.S, U.K, a.m, J.P
    bool dotted = word.size() >= 3;
    for (std::size_t i = 0; dotted && i < word.size(); ++i) {
        dotted = (i % 2 == 0) ? is_alpha(word[i]) : word[i] == '.';
    }
    return dotted ? Abbrev::maybe_final : Abbrev::none;
}

// Returns the word starting at `i` after any opening quotes (ASCII letters only).
std::string_view next_word(std::string_view text, std::size_t i, std::size_t end) {
    while (i < end) {
        std::size_t n = opening_len(text, i);
        if (n == 0) {
            break;
        }
        i += n;
    }
    std::size_t j = i;
    while (j < end && is_alpha(text[j])) {
        ++j;
    }
    return text.substr(i, j - i);
}

// Returns the first byte at or after `i` (after opening quotes), 0 at `end`.
char next_char(std::string_view text, std::size_t i, std::size_t end) {
    while (i < end) {
        std::size_t n = opening_len(text, i);
        if (n == 0) {
            return text[i];
        }
        i += n;
    }
    return 0;
}

void emit(std::string_view text, std::size_t begin, std::size_t end, std::size_t paragraph,
          std::vector<Sentence>& out) {
    while (begin < end && is_space(text[begin])) {
        ++begin;
    }
    while (end > begin && is_space(text[end - 1])) {
        --end;
    }
    if (begin < end) {
        out.push_back(Sentence{begin, end, paragraph});
    }
}

// Splits one run of lines (no blank line, no heading inside) at its terminators.
void split_segment(std::string_view text, std::size_t begin, std::size_t end, std::size_t paragraph,
                   std::vector<Sentence>& out) {
    std::size_t start = begin;
    std::size_t i = begin;
    while (i < end) {
        std::size_t n = terminator_len(text, i);
        if (n == 0) {
            ++i;
            continue;
        }
        std::size_t term = i;
        bool single_period = text[i] == '.';
        std::size_t j = i + n;
        while (j < end && terminator_len(text, j) != 0) {
            single_period = false;
            j += terminator_len(text, j);
        }
        while (j < end && closing_len(text, j) != 0) {
            j += closing_len(text, j);
        }
        if (j < end && !is_space(text[j])) {
            i = j; // 3.5, U.S.-based, example.com, "Yes."—
            continue;
        }
        std::size_t k = j;
        while (k < end && is_space(text[k])) {
            ++k;
        }
        bool split = true;
        char next = next_char(text, k, end);
        if (k >= end) {
            split = true;
        } else if (is_lower(next)) {
            split = false; // "etc. and", "... disappointing"
        } else if (single_period) {
            std::size_t w = term;
            while (w > begin && !is_space(text[w - 1])) {
                --w;
            }
            switch (classify(text.substr(w, term - w))) {
            case Abbrev::continuing:
                split = false;
                break;
            case Abbrev::maybe_final:
                split = contains(k_openers, lower(next_word(text, k, end)));
                break;
            case Abbrev::none:
                break;
            }
        }
        if (split) {
            emit(text, start, j, paragraph, out);
            start = k;
        }
        i = j;
    }
    emit(text, start, end, paragraph, out);
}

struct Line {
    std::size_t begin; // first non-space byte
    std::size_t end;   // one past the last non-space byte
};

bool ends_terminated(std::string_view text, const Line& line) {
    std::size_t e = line.end;
    while (e > line.begin) {
        // step back over closing quotes (ASCII or 3-byte curly ones)
        if (text[e - 1] == '"' || text[e - 1] == '\'' || text[e - 1] == ')') {
            --e;
        } else if (e - line.begin >= 3 && (text.substr(e - 3, 3) == "\xE2\x80\x9D" ||
                                           text.substr(e - 3, 3) == "\xE2\x80\x99")) {
            e -= 3;
        } else {
            break;
        }
    }
    if (e == line.begin) {
        return false;
    }
    char c = text[e - 1];
    return c == '.' || c == '?' || c == '!' ||
           (e - line.begin >= 3 && text.substr(e - 3, 3) == "\xE2\x80\xA6");
}

bool starts_capital(std::string_view text, std::size_t i, std::size_t end) {
    char c = next_char(text, i, end);
    return is_upper(c) || is_digit(c) || (static_cast<unsigned char>(c) >= 0x80);
}

// A heading: short, capitalised, ending in a letter, digit, '%' or ')' (no final
// punctuation, no closing quote).
bool heading_like(std::string_view text, const Line& line) {
    std::size_t length = line.end - line.begin;
    if (length == 0 || length > 100 || !starts_capital(text, line.begin, line.end)) {
        return false;
    }
    std::size_t words = 1;
    for (std::size_t i = line.begin; i < line.end; ++i) {
        if (text[i] == ' ' && i + 1 < line.end && text[i + 1] != ' ') {
            ++words;
        }
    }
    if (words > 12) {
        return false;
    }
    std::size_t w = line.end;
    while (w > line.begin && text[w - 1] != ' ') {
        --w;
    }
    if (contains(k_joiners, lower(text.substr(w, line.end - w)))) {
        return false; // a wrapped clause: "... in the quarter, and"
    }
    char last = text[line.end - 1];
    if (is_alpha(last) || is_digit(last) || last == '%' || last == ')') {
        return true;
    }
    if (static_cast<unsigned char>(last) >= 0x80 && length >= 3) {
        std::string_view tail = text.substr(line.end - 3, 3);
        return tail != "\xE2\x80\x9D" && tail != "\xE2\x80\x99" && tail != "\xE2\x80\xA6";
    }
    return false;
}

void split_paragraph(std::string_view text, const std::vector<Line>& lines, std::size_t paragraph,
                     std::vector<Sentence>& out) {
    std::size_t segment_begin = lines.front().begin;
    for (std::size_t l = 0; l < lines.size(); ++l) {
        bool last = l + 1 == lines.size();
        if (last) {
            split_segment(text, segment_begin, lines[l].end, paragraph, out);
            break;
        }
        bool after_boundary =
            segment_begin == lines[l].begin || ends_terminated(text, lines[l - 1]);
        bool heading = after_boundary && heading_like(text, lines[l]) &&
                       starts_capital(text, lines[l + 1].begin, lines[l + 1].end);
        if (heading) {
            split_segment(text, segment_begin, lines[l].end, paragraph, out);
            segment_begin = lines[l + 1].begin;
        }
    }
}

// Appends `s` to `out`, cut into pieces of at most k_max_sentence_bytes: at the last space
// before the limit when it lies in the second half, else at the last character boundary.
void add_bounded(std::string_view text, Sentence s, std::vector<Sentence>& out) {
    while (s.end - s.begin > k_max_sentence_bytes) {
        std::size_t cut = s.begin + k_max_sentence_bytes;
        std::size_t space = cut;
        while (space > s.begin + k_max_sentence_bytes / 2 && !is_space(text[space])) {
            --space;
        }
        if (is_space(text[space])) {
            cut = space;
        } else {
            while (cut > s.begin && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) {
                --cut;
            }
        }
        std::size_t piece_end = cut;
        while (piece_end > s.begin && is_space(text[piece_end - 1])) {
            --piece_end;
        }
        out.push_back(Sentence{s.begin, piece_end, s.paragraph});
        s.begin = cut;
        while (s.begin < s.end && is_space(text[s.begin])) {
            ++s.begin;
        }
    }
    if (s.begin < s.end) {
        out.push_back(s);
    }
}

} // namespace

std::vector<Sentence> split_sentences(std::string_view text) {
    std::vector<Sentence> out;
    std::vector<Line> lines;
    std::size_t paragraph = 0;
    std::size_t pos = 0;
    auto flush = [&] {
        if (!lines.empty()) {
            split_paragraph(text, lines, paragraph, out);
            ++paragraph;
            lines.clear();
        }
    };
    while (pos <= text.size()) {
        std::size_t nl = text.find('\n', pos);
        std::size_t line_end = nl == std::string_view::npos ? text.size() : nl;
        Line line{pos, line_end};
        while (line.begin < line.end && is_space(text[line.begin])) {
            ++line.begin;
        }
        while (line.end > line.begin && is_space(text[line.end - 1])) {
            --line.end;
        }
        if (line.begin == line.end) {
            flush();
        } else {
            lines.push_back(line);
        }
        if (nl == std::string_view::npos) {
            break;
        }
        pos = nl + 1;
    }
    flush();
    if (std::none_of(out.begin(), out.end(),
                     [](const Sentence& s) { return s.end - s.begin > k_max_sentence_bytes; })) {
        return out;
    }
    std::vector<Sentence> bounded;
    bounded.reserve(out.size() + text.size() / k_max_sentence_bytes);
    for (const Sentence& s : out) {
        add_bounded(text, s, bounded);
    }
    return bounded;
}

} // namespace roundtable::article
