#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <roundtable/article/encoding.hpp>
#include <roundtable/guard/extract.hpp>
#include <roundtable/util/json_depth.hpp>
#include <roundtable/util/text.hpp>
#include <vector>

namespace roundtable::guard {

namespace {

constexpr std::size_t k_excerpt_chars = 60;
constexpr std::string_view k_bom = "\xEF\xBB\xBF";

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

using util::trim;

// The first `k_excerpt_chars` bytes of `text` (never cutting a UTF-8
// sequence), whitespace runs shown as one space, "..." when cut.
std::string excerpt(std::string_view text) {
    std::string out;
    bool cut = false;
    bool in_space = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (is_space(c)) {
            in_space = true;
            continue;
        }
        if (in_space && !out.empty()) {
            out += ' ';
        }
        in_space = false;
        const auto byte = static_cast<unsigned char>(c);
        if (out.size() >= k_excerpt_chars && (byte & 0xC0U) != 0x80U) {
            cut = true;
            break;
        }
        out += c;
    }
    if (cut) {
        out += "...";
    }
    return out;
}

// `text` without commas that (outside strings) are followed only by
// whitespace and a closing } or ].
std::string drop_trailing_commas(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    util::JsonStrings strings;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (!strings.inside(c) && c == ',') {
            std::size_t j = i + 1;
            while (j < text.size() && is_space(text[j])) {
                ++j;
            }
            if (j < text.size() && (text[j] == '}' || text[j] == ']')) {
                continue;
            }
        }
        out += c;
    }
    return out;
}

struct Attempt {
    std::optional<std::string> object;  // the object text, when it parsed
    std::optional<std::string> problem; // why a candidate was rejected
};

// Parses `candidate` as a JSON object, retrying without trailing commas. The parser
// throws parse_error for bad syntax and out_of_range for a number past a double
// ("1e999", found by tests/fuzz/fuzz_reply): both reject the candidate.
Attempt try_object(std::string_view candidate) {
    // The caller parses the object it gets back: here, accept() checks it without building it
    // (a candidate opens with '{', so one that is accepted whole is an object).
    if (candidate.starts_with('{') && nlohmann::json::accept(candidate)) {
        return {std::string(candidate), std::nullopt};
    }
    try {
        const auto value = nlohmann::json::parse(candidate);
        if (value.is_object()) {
            return {std::string(candidate), std::nullopt};
        }
        return {std::nullopt, std::nullopt};
    } catch (const nlohmann::json::exception& first) {
        std::string repaired = drop_trailing_commas(candidate);
        if (repaired.size() != candidate.size()) {
            try {
                if (nlohmann::json::parse(repaired).is_object()) {
                    return {std::move(repaired), std::nullopt};
                }
            } catch (const nlohmann::json::exception&) {
                // Report the first error: it is about the text as sent.
            }
        }
        return {std::nullopt, json_error_message(first)};
    }
}

// The bodies of the ``` fences in `text`, in order (an unclosed fence runs to
// the end of the text).
std::vector<std::string_view> fence_bodies(std::string_view text) {
    std::vector<std::string_view> bodies;
    std::size_t pos = 0;
    while (true) {
        const std::size_t open = text.find("```", pos);
        if (open == std::string_view::npos) {
            break;
        }
        // Skip the info string ("json", "JSON", ...) up to the end of the line.
        std::size_t body = text.find('\n', open + 3);
        if (body == std::string_view::npos) {
            body = open + 3;
            while (body < text.size() && text[body] != '{' && text[body] != '[') {
                ++body;
            }
        } else {
            ++body;
        }
        const std::size_t close = text.find("```", body);
        if (close == std::string_view::npos) {
            bodies.push_back(text.substr(body));
            break;
        }
        bodies.push_back(text.substr(body, close - body));
        pos = close + 3;
    }
    return bodies;
}

// Scans `text` for the first balanced {...} that parses.
std::expected<std::string, std::string> scan(std::string_view text, std::string_view whole) {
    std::optional<std::string> first_problem;
    std::size_t pos = 0;
    while (true) {
        const std::size_t open = text.find('{', pos);
        if (open == std::string_view::npos) {
            break;
        }
        const auto end = util::balanced_end(text, open);
        if (!end) {
            if (first_problem) {
                break;
            }
            return std::unexpected(
                std::string("the JSON object in the reply is incomplete (truncated?)"));
        }
        Attempt attempt = try_object(text.substr(open, *end - open));
        if (attempt.object) {
            return std::move(*attempt.object);
        }
        if (attempt.problem && !first_problem) {
            // Only a candidate that looks like JSON ({ then a key or }) counts.
            const std::string_view inner = trim(text.substr(open + 1));
            if (!inner.empty() && (inner.front() == '"' || inner.front() == '}')) {
                first_problem = std::move(attempt.problem);
            }
        }
        // Do not look inside a rejected candidate: its inner objects are not the reply.
        pos = *end;
    }
    if (first_problem) {
        return std::unexpected(
            fmt::format("the JSON object in the reply does not parse: {}", *first_problem));
    }
    return std::unexpected(
        fmt::format("no JSON object in the reply (starts with: \"{}\")", excerpt(whole)));
}

bool is_json_array(std::string_view text) {
    if (text.empty() || text.front() != '[') {
        return false;
    }
    return nlohmann::json::accept(text);
}

// extract_json_object before its error is made valid UTF-8.
std::expected<std::string, std::string> find_object(std::string_view reply) {
    if (reply.starts_with(k_bom)) {
        reply.remove_prefix(k_bom.size());
    }
    const std::string_view text = trim(reply);
    if (text.empty()) {
        return std::unexpected(std::string("the reply is empty"));
    }
    if (text.size() > k_max_reply_bytes) {
        return std::unexpected(fmt::format("the reply is larger than {} bytes ({} bytes)",
                                           k_max_reply_bytes, text.size()));
    }
    if (!util::json_depth_ok(text)) {
        return std::unexpected(
            fmt::format("the reply nests JSON deeper than {} levels", util::k_max_json_depth));
    }
    for (const std::string_view body : fence_bodies(text)) {
        const std::string_view inner = trim(body);
        if (is_json_array(inner)) {
            return std::unexpected(std::string("the reply is a JSON array, not an object"));
        }
        if (inner.starts_with('{')) {
            auto found = scan(inner, text);
            if (found) {
                return found;
            }
            return std::unexpected(found.error());
        }
    }
    if (is_json_array(text)) {
        return std::unexpected(std::string("the reply is a JSON array, not an object"));
    }
    return scan(text, text);
}

} // namespace

std::expected<std::string, std::string> extract_json_object(std::string_view reply) {
    auto found = find_object(reply);
    if (!found) {
        // An excerpt of the reply can carry its invalid bytes; an error is always valid UTF-8.
        return std::unexpected(article::repair_utf8(found.error()).text);
    }
    return found;
}

std::string json_error_message(const std::exception& error) {
    std::string_view what = error.what();
    if (const auto close = what.find("] ");
        what.starts_with("[json.exception") && close != std::string_view::npos) {
        what.remove_prefix(close + 2);
    }
    return article::repair_utf8(what).text;
}

} // namespace roundtable::guard
