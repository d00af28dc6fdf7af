#include <array>
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

// Appends the literal for `text` if it is valid UTF-8 and returns true; returns false with
// `out` as it was otherwise.
bool append_valid(std::string& out, std::string_view text) {
    const std::size_t start = out.size();
    out.reserve(start + text.size() + 2);
    out.push_back('"');
    std::size_t run = 0; // where the bytes not yet copied begin
    std::size_t i = 0;
    while (i < text.size()) {
        // Eight plain bytes at a time: none below 0x20, none 0x80 or above, no '"' or '\\'.
        while (i + 8 <= text.size()) {
            std::uint64_t w = 0;
            std::memcpy(&w, text.data() + i, 8);
            constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
            constexpr std::uint64_t k_highs = 0x8080808080808080ULL;
            const auto has_zero = [](std::uint64_t v) { return (v - k_ones) & ~v & k_highs; };
            const std::uint64_t special = ((w - k_ones * 0x20) | has_zero(w ^ (k_ones * '"')) |
                                           has_zero(w ^ (k_ones * '\\')) | w) &
                                          k_highs;
            if (special != 0) {
                break;
            }
            i += 8;
        }
        if (i >= text.size()) {
            break;
        }
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const std::uint8_t kind = k_kind[c];
        if (kind == 0) {
            ++i;
            continue;
        }
        if (kind == 2) {
            const std::size_t n = utf8_length(text, i);
            if (n == 0) {
                out.resize(start);
                return false;
            }
            i += n;
            continue;
        }
        out.append(text.data() + run, i - run);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default: {
            static constexpr char k_hex[] = "0123456789abcdef";
            const char escaped[] = {'\\', 'u', '0', '0', k_hex[c >> 4], k_hex[c & 0xF]};
            out.append(escaped, sizeof escaped);
            break;
        }
        }
        run = ++i;
    }
    out.append(text.data() + run, text.size() - run);
    out.push_back('"');
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

std::string dump_json(const nlohmann::json& value, int indent) {
    std::string out;
    write(out, value, indent, 0);
    return out;
}

} // namespace roundtable::util
