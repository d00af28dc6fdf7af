#include <roundtable/util/json_depth.hpp>

namespace roundtable::util {

std::size_t json_depth(std::string_view text, std::size_t stop_after) noexcept {
    std::size_t depth = 0;
    std::size_t deepest = 0;
    JsonStrings strings;
    for (const char c : text) {
        if (strings.inside(c)) {
            continue;
        }
        if (c == '[' || c == '{') {
            ++depth;
            if (depth > deepest) {
                deepest = depth;
                if (deepest > stop_after) {
                    break;
                }
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

std::optional<std::size_t> balanced_end(std::string_view text, std::size_t open) noexcept {
    if (open >= text.size() || (text[open] != '{' && text[open] != '[')) {
        return std::nullopt;
    }
    std::size_t depth = 0;
    JsonStrings strings;
    for (std::size_t i = open; i < text.size(); ++i) {
        const char c = text[i];
        if (strings.inside(c)) {
            continue;
        }
        if (c == '{' || c == '[') {
            ++depth;
        } else if ((c == '}' || c == ']') && --depth == 0) {
            return i + 1;
        }
    }
    return std::nullopt;
}

} // namespace roundtable::util
