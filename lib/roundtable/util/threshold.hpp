// Numeric thresholds of --fail-on expressions ("<0.5", ">= 3", "=1"): the
// comparison and its number, parsed in one place for every command that takes
// such policies (batch over card facts, score over scored figures), plus the
// comma-separated list form those flags share. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::util {

struct Threshold {
    enum class Op { lt, le, gt, ge, eq };

    Op op = Op::eq;
    double number = 0.0;

    // Returns whether `value` satisfies this threshold (= within 1e-9); never fails.
    bool holds(double value) const;
};

// Parses "OP NUMBER" with OP one of <, <=, >, >=, = or ==, blanks allowed around
// both; returns nullopt when the text is anything else or the number is not finite.
std::optional<Threshold> parse_threshold(std::string_view text);

// Returns every comma-separated expression of `values`, in order, trimmed of
// blanks (empty ones included, for the caller to refuse); never fails.
std::vector<std::string_view> split_expressions(const std::vector<std::string>& values);

// Returns `text` without its leading and trailing spaces and tabs; never fails.
std::string_view trim_blanks(std::string_view text);

} // namespace roundtable::util
