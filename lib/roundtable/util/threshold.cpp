#include <charconv>
#include <cmath>
#include <roundtable/util/threshold.hpp>

namespace roundtable::util {

bool Threshold::holds(double value) const {
    switch (op) {
    case Op::lt:
        return value < number;
    case Op::le:
        return value <= number;
    case Op::gt:
        return value > number;
    case Op::ge:
        return value >= number;
    case Op::eq:
        return std::fabs(value - number) < 1e-9;
    }
    return false;
}

std::optional<Threshold> parse_threshold(std::string_view text) {
    text = trim_blanks(text);
    Threshold threshold;
    if (text.starts_with("<=")) {
        threshold.op = Threshold::Op::le;
        text.remove_prefix(2);
    } else if (text.starts_with(">=")) {
        threshold.op = Threshold::Op::ge;
        text.remove_prefix(2);
    } else if (text.starts_with("==")) {
        text.remove_prefix(2);
    } else if (text.starts_with("<")) {
        threshold.op = Threshold::Op::lt;
        text.remove_prefix(1);
    } else if (text.starts_with(">")) {
        threshold.op = Threshold::Op::gt;
        text.remove_prefix(1);
    } else if (text.starts_with("=")) {
        text.remove_prefix(1);
    } else {
        return std::nullopt;
    }
    text = trim_blanks(text);
    if (text.empty()) {
        return std::nullopt;
    }
    const char* end = text.data() + text.size();
    auto [stop, error] = std::from_chars(text.data(), end, threshold.number);
    if (error != std::errc{} || stop != end || !std::isfinite(threshold.number)) {
        return std::nullopt;
    }
    return threshold;
}

std::vector<std::string_view> split_expressions(const std::vector<std::string>& values) {
    std::vector<std::string_view> expressions;
    for (const auto& value : values) {
        std::string_view rest = value;
        for (;;) {
            const auto comma = rest.find(',');
            expressions.push_back(trim_blanks(rest.substr(0, comma)));
            if (comma == std::string_view::npos) {
                break;
            }
            rest.remove_prefix(comma + 1);
        }
    }
    return expressions;
}

std::string_view trim_blanks(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

} // namespace roundtable::util
