#include <array>
#include <charconv>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <roundtable/article/encoding.hpp>
#include <roundtable/guard/extract.hpp>
#include <roundtable/guard/validate.hpp>
#include <roundtable/util/text.hpp>

namespace roundtable::guard {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

enum class FieldType { text, required_text, stance, confidence, string_list };

struct Field {
    std::string_view name;
    FieldType type;
};

constexpr std::array k_take_fields{
    Field{"stance", FieldType::stance},          Field{"confidence", FieldType::confidence},
    Field{"headline", FieldType::required_text}, Field{"analysis", FieldType::required_text},
    Field{"counterpoint", FieldType::text},      Field{"evidence", FieldType::string_list},
};
constexpr std::array k_rebuttal_fields{
    Field{"responds_to", FieldType::string_list},     Field{"headline", FieldType::text},
    Field{"text", FieldType::required_text},          Field{"stance_after", FieldType::stance},
    Field{"confidence_after", FieldType::confidence},
};
constexpr std::array k_consensus_fields{
    Field{"summary", FieldType::required_text},
    Field{"risk", FieldType::required_text},
    Field{"opportunity", FieldType::required_text},
};

struct StanceWord {
    std::string_view word;
    std::string_view stance;
};

constexpr std::array k_stance_words{
    StanceWord{"bearish", "bearish"},    StanceWord{"negative", "bearish"},
    StanceWord{"bear", "bearish"},       StanceWord{"pessimistic", "bearish"},
    StanceWord{"down", "bearish"},       StanceWord{"bullish", "bullish"},
    StanceWord{"positive", "bullish"},   StanceWord{"bull", "bullish"},
    StanceWord{"optimistic", "bullish"}, StanceWord{"up", "bullish"},
    StanceWord{"neutral", "neutral"},    StanceWord{"mixed", "neutral"},
    StanceWord{"balanced", "neutral"},   StanceWord{"hold", "neutral"},
};

constexpr std::string_view k_take_shape =
    R"({"stance": "bearish" | "neutral" | "bullish", "confidence": <number from 0 to 1>, )"
    R"("headline": "<non-empty string>", "analysis": "<non-empty string>", "counterpoint": "<string>", )"
    R"("evidence": ["<verbatim quote from the article>", ...]})";
constexpr std::string_view k_rebuttal_shape =
    R"({"responds_to": ["<seat name>", ...], "headline": "<string>", "text": "<non-empty string>", )"
    R"("stance_after": "bearish" | "neutral" | "bullish", "confidence_after": <number from 0 to 1>})";
constexpr std::string_view k_consensus_shape =
    R"({"summary": "<non-empty string>", "risk": "<non-empty string>", "opportunity": "<non-empty string>"})";

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Returns `text` without control characters (util::drop_controls) or surrounding whitespace.
std::string trimmed(std::string_view text) {
    std::string out = util::drop_controls(text);
    std::string_view s = out;
    while (!s.empty() && is_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_space(s.back())) {
        s.remove_suffix(1);
    }
    return std::string(s);
}

std::string lowered(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

// How a rejected value is shown in an error: strings in single quotes, other
// values as JSON.
std::string shown(const json& value) {
    if (value.is_string()) {
        return fmt::format("'{}'", value.get_ref<const std::string&>());
    }
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<double> parse_double(std::string_view s) {
    double value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size()) {
        return std::nullopt;
    }
    return value;
}

// A fraction from 0 to 1 for a confidence value, or nullopt.
std::optional<double> coerce_confidence(const json& value) {
    if (value.is_number()) {
        const double v = value.get<double>();
        if (v >= 0 && v <= 1) {
            return v;
        }
        if (v > 10 && v <= 100) {
            return v / 100;
        }
        return std::nullopt;
    }
    if (!value.is_string()) {
        return std::nullopt;
    }
    std::string text = trimmed(value.get_ref<const std::string&>());
    bool percent = false;
    if (!text.empty() && text.back() == '%') {
        percent = true;
        text = trimmed(std::string_view(text).substr(0, text.size() - 1));
    }
    const auto v = parse_double(text);
    if (!v) {
        return std::nullopt;
    }
    if (percent) {
        if (*v >= 0 && *v <= 100) {
            return *v / 100;
        }
        return std::nullopt;
    }
    return coerce_confidence(json(*v));
}

// Checks one field of `object` and stores its clean value in `clean`; returns
// the error text (without the round prefix) when it is invalid.
std::optional<std::string> check_field(const json& object, const Field& field,
                                       ordered_json& clean) {
    const std::string key(field.name);
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
        return fmt::format("missing field '{}'", field.name);
    }
    const json& value = *it;
    switch (field.type) {
    case FieldType::text:
    case FieldType::required_text: {
        if (!value.is_string()) {
            return fmt::format("'{}' must be a string (got {})", field.name, shown(value));
        }
        std::string text = trimmed(value.get_ref<const std::string&>());
        if (field.type == FieldType::required_text && text.empty()) {
            return fmt::format("'{}' is empty", field.name);
        }
        clean[key] = std::move(text);
        return std::nullopt;
    }
    case FieldType::stance: {
        if (value.is_string()) {
            const std::string word = lowered(trimmed(value.get_ref<const std::string&>()));
            for (const StanceWord& entry : k_stance_words) {
                if (entry.word == word) {
                    clean[key] = std::string(entry.stance);
                    return std::nullopt;
                }
            }
        }
        return fmt::format("'{}' must be bearish, neutral or bullish (got {})", field.name,
                           shown(value));
    }
    case FieldType::confidence: {
        const auto fraction = coerce_confidence(value);
        if (!fraction) {
            return fmt::format("'{}' must be a number from 0 to 1 (got {})", field.name,
                               shown(value));
        }
        clean[key] = *fraction;
        return std::nullopt;
    }
    case FieldType::string_list: {
        ordered_json list = ordered_json::array();
        if (value.is_string()) {
            std::string text = trimmed(value.get_ref<const std::string&>());
            if (!text.empty()) {
                list.push_back(std::move(text));
            }
        } else if (value.is_array()) {
            for (const json& item : value) {
                if (!item.is_string()) {
                    return fmt::format("'{}' must be a list of strings", field.name);
                }
                std::string text = trimmed(item.get_ref<const std::string&>());
                if (!text.empty()) {
                    list.push_back(std::move(text));
                }
            }
        } else {
            return fmt::format("'{}' must be a list of strings", field.name);
        }
        clean[key] = std::move(list);
        return std::nullopt;
    }
    }
    return std::nullopt;
}

template <std::size_t N>
std::expected<std::string, std::string> check_fields(Round round, const json& object,
                                                     const std::array<Field, N>& fields) {
    ordered_json clean = ordered_json::object();
    for (const Field& field : fields) {
        if (auto problem = check_field(object, field, clean)) {
            return std::unexpected(fmt::format("{}: {}", round_name(round), *problem));
        }
    }
    return clean.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string_view round_shape(Round round) {
    switch (round) {
    case Round::take:
        return k_take_shape;
    case Round::rebuttal:
        return k_rebuttal_shape;
    case Round::consensus:
        return k_consensus_shape;
    }
    return k_take_shape;
}

} // namespace

std::expected<std::string, std::string> validate_reply(Round round, std::string_view reply) {
    auto text = extract_json_object(reply);
    if (!text) {
        return std::unexpected(fmt::format("{}: {}", round_name(round), text.error()));
    }
    json object;
    try {
        object = json::parse(*text);
    } catch (const json::exception&) {
        // extract_json_object returns parsable text; kept for safety.
        return std::unexpected(
            fmt::format("{}: the JSON object does not parse", round_name(round)));
    }
    switch (round) {
    case Round::take:
        return check_fields(round, object, k_take_fields);
    case Round::rebuttal:
        return check_fields(round, object, k_rebuttal_fields);
    case Round::consensus:
        return check_fields(round, object, k_consensus_fields);
    }
    return check_fields(round, object, k_take_fields);
}

std::string repair_instruction(Round round, const std::string& error) {
    return fmt::format(
        "Your previous reply was invalid and could not be used. The validation error was: \"{}\".\n"
        "Reply again with exactly one JSON object for the {} round and nothing else: no code "
        "fences, no text before or after it. Use exactly these fields, with these types:\n{}\n"
        "Every field is required; confidence values are numbers from 0 to 1 (0.8, not \"80%\").\n",
        article::repair_utf8(error).text, round_name(round), round_shape(round));
}

} // namespace roundtable::guard
