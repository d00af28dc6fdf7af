#include <roundtable/article/encoding.hpp>
#include <roundtable/article/normalize.hpp>

namespace roundtable::article {

namespace {

enum class Kind { content, space, newline, paragraph, control };

// Classifies the code point at `pos` (valid UTF-8) and sets `length` to its size.
Kind classify(std::string_view text, std::size_t pos, std::size_t& length) noexcept {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte < 0x80) {
        length = 1;
        switch (byte) {
        case ' ':
        case '\t':
        case '\f':
        case '\v':
            return Kind::space;
        case '\n':
            return Kind::newline;
        case '\r':
            if (pos + 1 < text.size() && text[pos + 1] == '\n') {
                length = 2;
            }
            return Kind::newline;
        default:
            // Other C0 controls and DEL are not text; an escape sequence in an article would
            // reach the terminal through every quote of it.
            return byte < 0x20 || byte == 0x7F ? Kind::control : Kind::content;
        }
    }
    length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
    if (pos + length > text.size()) {
        length = text.size() - pos; // not valid UTF-8; copy what is there
        return Kind::content;
    }
    const auto b1 = length > 1 ? static_cast<unsigned char>(text[pos + 1]) : 0;
    const auto b2 = length > 2 ? static_cast<unsigned char>(text[pos + 2]) : 0;
    if (byte == 0xC2 && b1 == 0xA0) { // U+00A0 no-break space
        return Kind::space;
    }
    if (byte == 0xC2 && b1 >= 0x80 && b1 <= 0x9F) { // U+0080..U+009F, the C1 controls
        return Kind::control;
    }
    if (byte == 0xE1 && b1 == 0x9A && b2 == 0x80) { // U+1680 ogham space mark
        return Kind::space;
    }
    if (byte == 0xE2 && b1 == 0x80) {
        if (b2 >= 0x80 && b2 <= 0x8A) { // U+2000..U+200A
            return Kind::space;
        }
        if (b2 == 0xAF) { // U+202F narrow no-break space
            return Kind::space;
        }
        if (b2 == 0xA8) { // U+2028 line separator
            return Kind::newline;
        }
        if (b2 == 0xA9) { // U+2029 paragraph separator
            return Kind::paragraph;
        }
    }
    if (byte == 0xE2 && b1 == 0x81 && b2 == 0x9F) { // U+205F medium mathematical space
        return Kind::space;
    }
    if (byte == 0xE3 && b1 == 0x80 && b2 == 0x80) { // U+3000 ideographic space
        return Kind::space;
    }
    return Kind::content;
}

bool is_blank_line(std::string_view line) noexcept {
    return line.find_first_not_of(' ') == std::string_view::npos;
}

} // namespace

std::string normalize_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool pending_space = false;
    int pending_newlines = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        // Fast path: copy a run of plain ASCII content at once.
        std::size_t run = pos;
        while (run < text.size()) {
            const auto byte = static_cast<unsigned char>(text[run]);
            if (byte <= ' ' || byte >= 0x7F) {
                break;
            }
            ++run;
        }
        std::size_t length = run - pos;
        Kind kind = Kind::content;
        if (length == 0) {
            kind = classify(text, pos, length);
        }
        switch (kind) {
        case Kind::space:
            pending_space = true;
            break;
        case Kind::newline:
            pending_newlines += 1;
            pending_space = false;
            break;
        case Kind::paragraph:
            pending_newlines += 2;
            pending_space = false;
            break;
        case Kind::control:
            break; // dropped
        case Kind::content:
            if (!out.empty()) {
                if (pending_newlines > 0) {
                    out.append(pending_newlines >= 2 ? 2 : 1, '\n');
                } else if (pending_space) {
                    out.push_back(' ');
                }
            }
            pending_space = false;
            pending_newlines = 0;
            out.append(text.substr(pos, length));
            break;
        }
        pos += length;
    }
    return out;
}

std::string normalize_line(std::string_view text) {
    std::string out = normalize_text(text);
    std::string line;
    line.reserve(out.size());
    for (const char c : out) {
        if (c == '\n') {
            if (!line.empty() && line.back() != ' ') {
                line.push_back(' ');
            }
        } else {
            line.push_back(c);
        }
    }
    return line;
}

std::string plain_text_title(std::string_view text) {
    constexpr std::size_t k_max_title = 120;
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (line.empty()) {
        return "";
    }
    bool blank_after = true; // end of text counts as a blank line
    if (end != std::string_view::npos) {
        const std::size_t next_end = text.find('\n', end + 1);
        blank_after = is_blank_line(text.substr(end + 1, next_end == std::string_view::npos
                                                             ? std::string_view::npos
                                                             : next_end - end - 1));
    }
    if (count_code_points(line) > k_max_title) {
        return "";
    }
    const char last = line.back();
    if (!blank_after && (last == '.' || last == ',' || last == ';')) {
        return "";
    }
    // A Markdown heading marker is not part of the title.
    if (line.starts_with('#')) {
        const std::size_t hashes = line.find_first_not_of('#');
        if (hashes != std::string_view::npos && hashes <= 6 && line[hashes] == ' ') {
            line.remove_prefix(hashes + 1);
        }
    }
    return normalize_line(line);
}

} // namespace roundtable::article
