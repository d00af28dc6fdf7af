// What the libFuzzer targets of tests/fuzz share: each target's body (run_NAME,
// defined in fuzz_NAME.cpp, whose LLVMFuzzerTestOneInput calls it; built with
// RT_FUZZ_NO_MAIN the regression suite tests/unit/fuzz calls it on every saved
// input), a UTF-8 validity check, and a property check that aborts (so libFuzzer
// reports the input as a crash) with a one-line reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace roundtable::fuzz {

// Each runs one input through its parsers and checks their properties; returns 0 and
// aborts when a property fails (a crash, leak or UB is the sanitizers' to report).
int run_reply(const std::uint8_t* data, std::size_t size);
int run_codec(const std::uint8_t* data, std::size_t size);
int run_article(const std::uint8_t* data, std::size_t size);
int run_grounding(const std::uint8_t* data, std::size_t size);
int run_config(const std::uint8_t* data, std::size_t size);
int run_jsonl(const std::uint8_t* data, std::size_t size);
int run_headers(const std::uint8_t* data, std::size_t size);
int run_batch(const std::uint8_t* data, std::size_t size);

// Returns whether `text` holds no line break (LF or CR).
inline bool is_one_line(std::string_view text) {
    return text.find_first_of("\r\n") == std::string_view::npos;
}

// Returns whether `text` is safe to print on a terminal: no control character but tab, line feed
// and carriage return (no C0 escape or bell, no DEL, no C1 control U+0080..U+009F).
inline bool is_terminal_safe(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7F) {
            return false;
        }
        if (byte == 0xC2 && i + 1 < text.size() &&
            (static_cast<unsigned char>(text[i + 1]) & 0xE0) == 0x80) {
            return false;
        }
    }
    return true;
}

// Returns whether `text` is well-formed UTF-8 (no overlong forms, surrogates or
// code points above U+10FFFF); false at the first bad byte.
inline bool is_valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xBF;
        if (byte < 0x80) {
            ++i;
            continue;
        }
        if (byte >= 0xC2 && byte <= 0xDF) {
            length = 2;
        } else if (byte >= 0xE0 && byte <= 0xEF) {
            length = 3;
            low = byte == 0xE0 ? 0xA0 : 0x80;
            high = byte == 0xED ? 0x9F : 0xBF;
        } else if (byte >= 0xF0 && byte <= 0xF4) {
            length = 4;
            low = byte == 0xF0 ? 0x90 : 0x80;
            high = byte == 0xF4 ? 0x8F : 0xBF;
        } else {
            return false;
        }
        if (i + length > text.size()) {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xBF)) {
                return false;
            }
        }
        i += length;
    }
    return true;
}

// Aborts with "fuzz property violated: <what>" unless `holds`; returns when it holds.
inline void require(bool holds, const char* what) {
    if (!holds) {
        std::fprintf(stderr, "fuzz property violated: %s\n", what);
        std::abort();
    }
}

} // namespace roundtable::fuzz
