#include <algorithm>
#include <roundtable/render/wrap.hpp>
#include <utf8proc.h>

namespace roundtable::render {

namespace {

constexpr char k_escape = '\x1b';

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_continuation(unsigned char c) {
    return (c & 0xC0U) == 0x80U;
}

// Returns the byte length of a well-formed UTF-8 sequence at `pos` (0 when malformed).
std::size_t utf8_length(std::string_view text, std::size_t pos) {
    const auto lead = static_cast<unsigned char>(text[pos]);
    std::size_t length = 0;
    if (lead < 0x80U) {
        return 1;
    }
    if ((lead & 0xE0U) == 0xC0U) {
        length = 2;
    } else if ((lead & 0xF0U) == 0xE0U) {
        length = 3;
    } else if ((lead & 0xF8U) == 0xF0U) {
        length = 4;
    } else {
        return 0;
    }
    if (pos + length > text.size()) {
        return 0;
    }
    for (std::size_t i = 1; i < length; ++i) {
        if (!is_continuation(static_cast<unsigned char>(text[pos + i]))) {
            return 0;
        }
    }
    return length;
}

// Returns the columns taken by the unit of `length` bytes at `pos`.
std::size_t unit_width(std::string_view text, std::size_t pos, std::size_t length) {
    if (text[pos] == k_escape) {
        return 0;
    }
    if (length == 1) {
        const auto c = static_cast<unsigned char>(text[pos]);
        return c < 0x20U || c == 0x7FU ? 0 : 1;
    }
    utf8proc_int32_t code_point = 0;
    const utf8proc_ssize_t read =
        utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos),
                         static_cast<utf8proc_ssize_t>(length), &code_point);
    if (read <= 0) {
        return 1; // a malformed or surrogate sequence: one replacement column
    }
    const int width = utf8proc_charwidth(code_point);
    return width < 0 ? 0 : static_cast<std::size_t>(width);
}

} // namespace

std::size_t unit_length(std::string_view text, std::size_t pos) {
    if (pos >= text.size()) {
        return 0;
    }
    if (text[pos] == k_escape && pos + 1 < text.size() && text[pos + 1] == '[') {
        std::size_t end = pos + 2;
        while (end < text.size()) {
            const auto c = static_cast<unsigned char>(text[end]);
            if (c >= 0x40U && c <= 0x7EU) {
                return end + 1 - pos;
            }
            if (c < 0x20U || c > 0x3FU) {
                break; // not a CSI parameter byte: treat the escape byte alone
            }
            ++end;
        }
        return 1;
    }
    const std::size_t length = utf8_length(text, pos);
    return length == 0 ? 1 : length;
}

std::size_t display_width(std::string_view text) {
    std::size_t width = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t length = unit_length(text, pos);
        width += unit_width(text, pos, length);
        pos += length;
    }
    return width;
}

std::vector<std::string> wrap(std::string_view text, int width, std::string_view first_indent,
                              std::string_view rest_indent) {
    std::vector<std::string> lines;
    const std::size_t total = static_cast<std::size_t>(std::max(width, 1));

    std::string line(first_indent);
    std::size_t indent_width = display_width(first_indent);
    std::size_t used = 0; // columns of words on `line`, spaces included
    bool empty = true;

    auto room = [&]() { return total > indent_width ? total - indent_width : std::size_t{1}; };
    auto flush = [&]() {
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        lines.push_back(std::move(line));
        line = std::string(rest_indent);
        indent_width = display_width(rest_indent);
        used = 0;
        empty = true;
    };

    std::size_t pos = 0;
    while (pos < text.size()) {
        while (pos < text.size() && is_space(text[pos])) {
            ++pos;
        }
        if (pos >= text.size()) {
            break;
        }
        std::size_t end = pos;
        while (end < text.size() && !is_space(text[end])) {
            end += unit_length(text, end);
        }
        const std::string_view word = text.substr(pos, end - pos);
        pos = end;
        const std::size_t word_width = display_width(word);

        if (!empty && used + 1 + word_width <= room()) {
            line += ' ';
            line += word;
            used += 1 + word_width;
            continue;
        }
        if (!empty) {
            flush();
        }
        if (word_width <= room()) {
            line += word;
            used = word_width;
            empty = false;
            continue;
        }
        // The word is longer than a line: cut it between code points.
        for (std::size_t at = 0; at < word.size();) {
            const std::size_t length = unit_length(word, at);
            const std::size_t w = unit_width(word, at, length);
            if (!empty && used + w > room()) {
                flush();
            }
            line += word.substr(at, length);
            used += w;
            empty = empty && w == 0;
            at += length;
        }
    }
    if (!empty) {
        flush();
    }
    return lines;
}

std::string trim_line_ends(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t newline = text.find('\n', start);
        std::string_view line = text.substr(
            start, newline == std::string_view::npos ? std::string_view::npos : newline - start);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
            line.remove_suffix(1);
        }
        out += line;
        if (newline == std::string_view::npos) {
            break;
        }
        out += '\n';
        start = newline + 1;
    }
    return out;
}

} // namespace roundtable::render
