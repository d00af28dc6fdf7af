#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <roundtable/util/json_text.hpp>

namespace roundtable::util {
namespace {

using json = nlohmann::json;

// What a byte needs in a string literal: 0 nothing, 1 an escape, 2 a UTF-8 sequence check.
constexpr std::array<std::uint8_t, 256> k_kind = [] {
    std::array<std::uint8_t, 256> kind{};
    for (int c = 0; c < 0x20; ++c) {
        kind[static_cast<std::size_t>(c)] = 1;
    }
    kind['"'] = 1;
    kind['\\'] = 1;
    for (int c = 0x80; c < 0x100; ++c) {
        kind[static_cast<std::size_t>(c)] = 2;
    }
    return kind;
}();

// Returns the length of the well-formed UTF-8 sequence at `i` (Unicode's table 3-7: no
// overlong forms, no surrogates, nothing past U+10FFFF), or 0 if there is none.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = at(i);
    const std::size_t left = s.size() - i;
    const auto cont = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
        return k < left && at(i + k) >= lo && at(i + k) <= hi;
    };
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        return cont(1) ? 2 : 0;
    }
    if (b0 >= 0xE0 && b0 <= 0xEF) {
        const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;
        const unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;
        return cont(1, lo, hi) && cont(2) ? 3 : 0;
    }
    if (b0 >= 0xF0 && b0 <= 0xF4) {
        const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;
        const unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;
        return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
    }
    return 0;
}

// Returns the offset of the first byte at or after `i` that is not plain (below 0x20, 0x80 or
// above, '"' or '\\'), or text.size(); eight bytes at a time.
std::size_t skip_plain(std::string_view text, std::size_t i) {
    constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
    constexpr std::uint64_t k_highs = 0x8080808080808080ULL;
    const auto has_zero = [](std::uint64_t v) { return (v - k_ones) & ~v & k_highs; };
    while (i + 8 <= text.size()) {
        std::uint64_t w = 0;
        std::memcpy(&w, text.data() + i, 8); // little-endian: the first byte is the lowest
        // A borrow may flag a plain byte above a special one, never the lowest flagged one.
        const std::uint64_t special = ((w - k_ones * 0x20) | has_zero(w ^ (k_ones * '"')) |
                                       has_zero(w ^ (k_ones * '\\')) | w) &
                                      k_highs;
        if (special != 0) {
            return i + static_cast<std::size_t>(std::countr_zero(special) / 8);
        }
        i += 8;
    }
    while (i < text.size() && k_kind[static_cast<unsigned char>(text[i])] == 0) {
        ++i;
    }
    return i;
}

// Writes the escape of the ASCII byte `c` (kind 1) at `to`; returns the byte after it.
char* write_escape(char* to, unsigned char c) {
    static constexpr char k_hex[] = "0123456789abcdef";
    *to++ = '\\';
    switch (c) {
    case '"':
        *to++ = '"';
        return to;
    case '\\':
        *to++ = '\\';
        return to;
    case '\b':
        *to++ = 'b';
        return to;
    case '\f':
        *to++ = 'f';
        return to;
    case '\n':
        *to++ = 'n';
        return to;
    case '\r':
        *to++ = 'r';
        return to;
    case '\t':
        *to++ = 't';
        return to;
    default:
        *to++ = 'u';
        *to++ = '0';
        *to++ = '0';
        *to++ = k_hex[c >> 4];
        *to++ = k_hex[c & 0xF];
        return to;
    }
}

// Appends the literal for `text` if it is valid UTF-8 and returns true; returns false with
// `out` as it was otherwise. The literal is written in place, the string grown ahead of it.
bool append_valid(std::string& out, std::string_view text) {
    const std::size_t start = out.size();
    out.resize(start + text.size() + text.size() / 8 + 16);
    std::size_t at = start; // where the next byte of the literal goes
    const auto copy = [&](std::size_t from, std::size_t count, std::size_t then) {
        if (at + count + then > out.size()) {
            out.resize(std::max(out.size() * 2, at + count + then + text.size() / 8 + 16));
        }
        std::memcpy(out.data() + at, text.data() + from, count);
        at += count;
    };
    out[at++] = '"';
    std::size_t run = 0; // where the bytes not yet copied begin
    for (std::size_t i = skip_plain(text, 0); i < text.size(); i = skip_plain(text, i)) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (k_kind[c] == 2) {
            const std::size_t n = utf8_length(text, i);
            if (n == 0) {
                out.resize(start);
                return false;
            }
            i += n; // copied with the plain bytes
            continue;
        }
        copy(run, i - run, 6);
        at = static_cast<std::size_t>(write_escape(out.data() + at, c) - out.data());
        run = ++i;
    }
    copy(run, text.size() - run, 1);
    out[at++] = '"';
    out.resize(at);
    return true;
}

void newline(std::string& out, int indent, int depth) {
    out.push_back('\n');
    out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(depth), ' ');
}

void write(std::string& out, const json& value, int indent, int depth) {
    switch (value.type()) {
    case json::value_t::object: {
        const auto& object = value.get_ref<const json::object_t&>();
        if (object.empty()) {
            out += "{}";
            return;
        }
        out.push_back('{');
        bool first = true;
        for (const auto& [key, item] : object) {
            if (!first) {
                out.push_back(',');
            }
            first = false;
            if (indent >= 0) {
                newline(out, indent, depth + 1);
            }
            append_json_string(out, key);
            out += indent >= 0 ? ": " : ":";
            write(out, item, indent, depth + 1);
        }
        if (indent >= 0) {
            newline(out, indent, depth);
        }
        out.push_back('}');
        return;
    }
    case json::value_t::array: {
        const auto& array = value.get_ref<const json::array_t&>();
        if (array.empty()) {
            out += "[]";
            return;
        }
        out.push_back('[');
        bool first = true;
        for (const auto& item : array) {
            if (!first) {
                out.push_back(',');
            }
            first = false;
            if (indent >= 0) {
                newline(out, indent, depth + 1);
            }
            write(out, item, indent, depth + 1);
        }
        if (indent >= 0) {
            newline(out, indent, depth);
        }
        out.push_back(']');
        return;
    }
    case json::value_t::string:
        append_json_string(out, value.get_ref<const std::string&>());
        return;
    case json::value_t::boolean:
        out += value.get<bool>() ? "true" : "false";
        return;
    case json::value_t::null:
        out += "null";
        return;
    default: // numbers (nlohmann's own float format), binary, discarded
        out += value.dump(-1, ' ', false, json::error_handler_t::replace);
        return;
    }
}

} // namespace

void append_json_string(std::string& out, std::string_view text) {
    if (!append_valid(out, text)) {
        out += json(std::string(text)).dump(-1, ' ', false, json::error_handler_t::replace);
    }
}

std::string dump_json(const nlohmann::json& value, int indent, int depth) {
    std::string out;
    write(out, value, indent, depth);
    return out;
}

} // namespace roundtable::util
