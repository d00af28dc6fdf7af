#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <roundtable/http/rate_limit.hpp>
#include <roundtable/util/text.hpp>
#include <string>

namespace roundtable::http {

namespace {

using util::trim;

std::optional<std::int64_t> parse_count(std::string_view text) {
    text = trim(text);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0) {
        return std::nullopt;
    }
    return value;
}

std::optional<int> parse_digits(std::string_view text) {
    if (text.empty() ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    int value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

std::optional<std::chrono::milliseconds> until(std::string_view time_text,
                                               std::chrono::system_clock::time_point now) {
    const auto when = parse_rfc3339(time_text);
    if (!when) {
        return std::nullopt;
    }
    if (*when <= now) {
        return std::chrono::milliseconds(0);
    }
    return std::chrono::ceil<std::chrono::milliseconds>(*when - now);
}

} // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    text = trim(text);
    if (text.empty()) {
        return std::nullopt;
    }
    double total_ms = 0;
    while (!text.empty()) {
        std::size_t number_end = 0;
        while (number_end < text.size() &&
               (std::isdigit(static_cast<unsigned char>(text[number_end])) ||
                text[number_end] == '.')) {
            ++number_end;
        }
        if (number_end == 0) {
            return std::nullopt;
        }
        double value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + number_end, value);
        if (ec != std::errc() || end != text.data() + number_end) {
            return std::nullopt;
        }
        text.remove_prefix(number_end);
        std::size_t unit_end = 0;
        while (unit_end < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_end]))) {
            ++unit_end;
        }
        const auto unit = text.substr(0, unit_end);
        text.remove_prefix(unit_end);
        double scale = 0;
        if (unit == "h") {
            scale = 3'600'000;
        } else if (unit == "m") {
            scale = 60'000;
        } else if (unit == "s") {
            scale = 1'000;
        } else if (unit == "ms") {
            scale = 1;
        } else if (unit == "us" || unit == "µs") {
            scale = 0.001;
        } else if (unit == "ns") {
            scale = 0.000001;
        } else {
            return std::nullopt;
        }
        total_ms += value * scale;
    }
    if (!std::isfinite(total_ms) || total_ms > 1e12) {
        return std::nullopt;
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(total_ms)));
}

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text) {
    text = trim(text);
    // YYYY-MM-DDTHH:MM:SS
    if (text.size() < 20 || text[4] != '-' || text[7] != '-' ||
        (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' ||
        text[16] != ':') {
        return std::nullopt;
    }
    const auto year = parse_digits(text.substr(0, 4));
    const auto month = parse_digits(text.substr(5, 2));
    const auto day = parse_digits(text.substr(8, 2));
    const auto hour = parse_digits(text.substr(11, 2));
    const auto minute = parse_digits(text.substr(14, 2));
    const auto second = parse_digits(text.substr(17, 2));
    if (!year || !month || !day || !hour || !minute || !second || *hour > 23 || *minute > 59 ||
        *second > 60) {
        return std::nullopt;
    }
    // system_clock counts nanoseconds in 64 bits (years 1678 to 2261): a year past
    // that overflowed the conversion (found by tests/fuzz/fuzz_headers).
    if (*year < k_min_year || *year > k_max_year) {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year(*year),
                                           std::chrono::month(static_cast<unsigned>(*month)),
                                           std::chrono::day(static_cast<unsigned>(*day))};
    if (!date.ok()) {
        return std::nullopt;
    }
    auto rest = text.substr(19);
    std::chrono::system_clock::duration fraction{0};
    if (!rest.empty() && rest.front() == '.') {
        std::size_t digits = 1;
        while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) {
            ++digits;
        }
        if (digits == 1) {
            return std::nullopt;
        }
        double value = 0;
        const std::string with_zero =
            "0" + std::string(rest.substr(0, digits)); // from_chars needs "0.123"
        std::from_chars(with_zero.data(), with_zero.data() + with_zero.size(), value);
        fraction = std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::duration<double>(value));
        rest.remove_prefix(digits);
    }
    std::chrono::minutes offset{0};
    if (rest == "Z" || rest == "z") {
        // UTC
    } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
        const auto offset_hours = parse_digits(rest.substr(1, 2));
        const auto offset_minutes = parse_digits(rest.substr(4, 2));
        if (!offset_hours || !offset_minutes || *offset_hours > 23 || *offset_minutes > 59) {
            return std::nullopt;
        }
        offset = std::chrono::hours(*offset_hours) + std::chrono::minutes(*offset_minutes);
        if (rest[0] == '-') {
            offset = -offset;
        }
    } else {
        return std::nullopt;
    }
    return std::chrono::sys_days(date) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
           std::chrono::seconds(*second) + fraction - offset;
}

RateLimitInfo parse_rate_limit(const Response& response,
                               std::chrono::system_clock::time_point now) {
    RateLimitInfo info;
    // Anthropic
    info.limit_requests = parse_count(response.header("anthropic-ratelimit-requests-limit"));
    info.remaining_requests =
        parse_count(response.header("anthropic-ratelimit-requests-remaining"));
    info.remaining_tokens = parse_count(response.header("anthropic-ratelimit-tokens-remaining"));
    info.reset_requests = until(response.header("anthropic-ratelimit-requests-reset"), now);
    info.reset_tokens = until(response.header("anthropic-ratelimit-tokens-reset"), now);
    if (!info.remaining_tokens) {
        const auto input =
            parse_count(response.header("anthropic-ratelimit-input-tokens-remaining"));
        const auto output =
            parse_count(response.header("anthropic-ratelimit-output-tokens-remaining"));
        if (input && output) {
            info.remaining_tokens = std::min(*input, *output);
        } else {
            info.remaining_tokens = input ? input : output;
        }
    }
    if (!info.reset_tokens) {
        const auto input = until(response.header("anthropic-ratelimit-input-tokens-reset"), now);
        const auto output = until(response.header("anthropic-ratelimit-output-tokens-reset"), now);
        if (input && output) {
            info.reset_tokens = std::max(*input, *output);
        } else {
            info.reset_tokens = input ? input : output;
        }
    }
    // OpenAI (and xAI)
    if (!info.limit_requests) {
        info.limit_requests = parse_count(response.header("x-ratelimit-limit-requests"));
    }
    info.limit_tokens = parse_count(response.header("x-ratelimit-limit-tokens"));
    if (!info.remaining_requests) {
        info.remaining_requests = parse_count(response.header("x-ratelimit-remaining-requests"));
    }
    if (!info.remaining_tokens) {
        info.remaining_tokens = parse_count(response.header("x-ratelimit-remaining-tokens"));
    }
    if (!info.reset_requests) {
        info.reset_requests = parse_duration(response.header("x-ratelimit-reset-requests"));
    }
    if (!info.reset_tokens) {
        info.reset_tokens = parse_duration(response.header("x-ratelimit-reset-tokens"));
    }
    return info;
}

} // namespace roundtable::http
