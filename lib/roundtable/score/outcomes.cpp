#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <roundtable/score/outcomes.hpp>
#include <roundtable/util/file.hpp>
#include <roundtable/util/text.hpp>
#include <unordered_map>

namespace roundtable::score {

namespace {

constexpr std::size_t k_max_outcomes_bytes = 64 * 1024 * 1024;

using util::trim;

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && lower(s.substr(s.size() - suffix.size())) == suffix;
}

std::string_view without_bom(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) {
        text.remove_prefix(3);
    }
    return text;
}

constexpr const char* k_labels = "bearish, neutral or bullish";
constexpr const char* k_return_hint = "a fraction: 0.023 is +2.3%";

// Collects rows into Outcomes, naming duplicates by the line they were first given on.
class Builder {
public:
    Builder(const std::string& name, double band) : m_name(name), m_band(band) {}

    std::string where(std::size_t line) const { return fmt::format("{}:{}", m_name, line); }

    // Adds a row; `label` and `ret` are the raw field texts ("" when absent).
    std::expected<void, std::string> add_text(std::size_t line, std::string_view id,
                                              std::string_view label, std::string_view ret) {
        label = trim(label);
        ret = trim(ret);
        if (!label.empty()) {
            auto stance = panel::parse_stance(lower(label));
            if (!stance) {
                return std::unexpected(fmt::format("{}: label '{}' for id '{}': expected {}",
                                                   where(line), label, id, k_labels));
            }
            return add(line, id, *stance);
        }
        if (!ret.empty()) {
            double r = 0.0;
            const char* first = ret.data();
            if (*first == '+') {
                ++first;
            }
            auto [ptr, ec] = std::from_chars(first, ret.data() + ret.size(), r);
            if (ec != std::errc{} || ptr != ret.data() + ret.size() || !std::isfinite(r)) {
                return std::unexpected(
                    fmt::format("{}: return '{}' for id '{}': expected a number ({})", where(line),
                                ret, id, k_return_hint));
            }
            return add(line, id, label_for_return(r, m_band));
        }
        return std::unexpected(
            fmt::format("{}: id '{}' has neither a label nor a return", where(line), id));
    }

    std::expected<void, std::string> add(std::size_t line, std::string_view id,
                                         panel::Stance stance) {
        if (id.empty()) {
            return std::unexpected(fmt::format("{}: empty id", where(line)));
        }
        auto [it, fresh] = m_lines.try_emplace(std::string(id), line);
        if (!fresh) {
            return std::unexpected(
                fmt::format("{}: id '{}' already given on line {}", where(line), id, it->second));
        }
        m_outcomes.ids.emplace_back(id);
        m_outcomes.label_of.emplace(std::string(id), stance);
        return {};
    }

    Outcomes take() { return std::move(m_outcomes); }

private:
    const std::string& m_name;
    double m_band;
    Outcomes m_outcomes;
    std::unordered_map<std::string, std::size_t> m_lines; // id -> line first given
};

struct CsvRecord {
    std::vector<std::string> fields;
    std::size_t line = 0;
};

// Splits CSV text into records (RFC 4180 quoting; a quoted field may span lines),
// skipping blank lines and lines that start with '#'.
std::expected<std::vector<CsvRecord>, std::string> split_csv(std::string_view text,
                                                             const std::string& name) {
    std::vector<CsvRecord> records;
    std::size_t line = 1;
    std::size_t i = 0;
    while (i < text.size()) {
        // At the start of a record: skip comments and blank lines.
        std::size_t eol = text.find('\n', i);
        std::string_view whole = text.substr(i, eol == std::string_view::npos ? eol : eol - i);
        if (trim(whole).empty() || whole.starts_with('#')) {
            if (eol == std::string_view::npos) {
                break;
            }
            i = eol + 1;
            ++line;
            continue;
        }
        CsvRecord record;
        record.line = line;
        std::string field;
        bool done = false;
        while (!done) {
            if (i < text.size() && text[i] == '"') {
                const std::size_t opened = line;
                ++i;
                for (;;) {
                    if (i >= text.size()) {
                        return std::unexpected(
                            fmt::format("{}:{}: unterminated quoted field", name, opened));
                    }
                    if (text[i] == '"') {
                        if (i + 1 < text.size() && text[i + 1] == '"') {
                            field += '"';
                            i += 2;
                            continue;
                        }
                        ++i;
                        break;
                    }
                    if (text[i] == '\n') {
                        ++line;
                    }
                    field += text[i++];
                }
            }
            // Unquoted text (or what follows a closing quote) up to a comma or the line's end.
            while (i < text.size() && text[i] != ',' && text[i] != '\n') {
                field += text[i++];
            }
            if (!field.empty() && field.back() == '\r' && (i >= text.size() || text[i] == '\n')) {
                field.pop_back();
            }
            record.fields.push_back(std::move(field));
            field.clear();
            if (i < text.size() && text[i] == ',') {
                ++i;
            } else {
                done = true;
                if (i < text.size()) {
                    ++i; // the newline
                    ++line;
                }
            }
        }
        records.push_back(std::move(record));
    }
    return records;
}

std::expected<Outcomes, std::string> parse_csv(std::string_view text, const std::string& name,
                                               double band) {
    auto records = split_csv(text, name);
    if (!records) {
        return std::unexpected(records.error());
    }
    if (records->empty()) {
        return std::unexpected(
            fmt::format("{}: no header row (expected id and label or return)", name));
    }
    const CsvRecord& header = records->front();
    std::optional<std::size_t> id_col, label_col, return_col;
    for (std::size_t c = 0; c < header.fields.size(); ++c) {
        const std::string column = lower(trim(header.fields[c]));
        auto set = [&](std::optional<std::size_t>& slot) -> std::expected<void, std::string> {
            if (slot) {
                return std::unexpected(fmt::format("{}:{}: the header names column '{}' twice",
                                                   name, header.line, column));
            }
            slot = c;
            return {};
        };
        std::expected<void, std::string> ok;
        if (column == "id") {
            ok = set(id_col);
        } else if (column == "label") {
            ok = set(label_col);
        } else if (column == "return") {
            ok = set(return_col);
        }
        if (!ok) {
            return std::unexpected(ok.error());
        }
    }
    if (!id_col || (!label_col && !return_col)) {
        return std::unexpected(
            fmt::format("{}:{}: the header needs an id column and a label or return column", name,
                        header.line));
    }
    Builder builder(name, band);
    for (std::size_t r = 1; r < records->size(); ++r) {
        const CsvRecord& row = (*records)[r];
        if (row.fields.size() != header.fields.size()) {
            return std::unexpected(fmt::format("{}: expected {} fields as in the header, found {}",
                                               builder.where(row.line), header.fields.size(),
                                               row.fields.size()));
        }
        const std::string_view id = trim(row.fields[*id_col]);
        if (id.empty()) {
            return std::unexpected(fmt::format("{}: empty id", builder.where(row.line)));
        }
        auto added = builder.add_text(row.line, id, label_col ? row.fields[*label_col] : "",
                                      return_col ? row.fields[*return_col] : "");
        if (!added) {
            return std::unexpected(added.error());
        }
    }
    return builder.take();
}

std::expected<Outcomes, std::string> parse_jsonl(std::string_view text, const std::string& name,
                                                 double band) {
    Builder builder(name, band);
    std::size_t line = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t eol = text.find('\n', start);
        std::string_view raw =
            text.substr(start, eol == std::string_view::npos ? eol : eol - start);
        start = eol == std::string_view::npos ? text.size() : eol + 1;
        ++line;
        if (trim(raw).empty()) {
            continue;
        }
        auto fail = [&](const std::string& problem) {
            return std::unexpected(fmt::format("{}: {}", builder.where(line), problem));
        };
        nlohmann::json j = nlohmann::json::parse(raw, nullptr, false);
        if (j.is_discarded()) {
            return fail("not valid JSON");
        }
        if (!j.is_object()) {
            return fail("expected a JSON object with id and label or return");
        }
        if (!j.contains("id") || !j["id"].is_string() || j["id"].get<std::string>().empty()) {
            return fail("\"id\" must be a non-empty string");
        }
        const std::string id = j["id"].get<std::string>();
        const nlohmann::json label = j.value("label", nlohmann::json());
        const nlohmann::json ret = j.value("return", nlohmann::json());
        if (!label.is_null()) {
            if (!label.is_string() || label.get<std::string>().empty()) {
                return fail(fmt::format("\"label\" for id '{}' must be {}", id, k_labels));
            }
            auto added = builder.add_text(line, id, label.get<std::string>(), "");
            if (!added) {
                return std::unexpected(added.error());
            }
            continue;
        }
        if (!ret.is_null()) {
            if (!ret.is_number()) {
                return fail(
                    fmt::format("\"return\" for id '{}' must be a number ({})", id, k_return_hint));
            }
            auto added = builder.add(line, id, label_for_return(ret.get<double>(), band));
            if (!added) {
                return std::unexpected(added.error());
            }
            continue;
        }
        return fail(fmt::format("id '{}' has neither a label nor a return", id));
    }
    return builder.take();
}

} // namespace

OutcomeFormat detect_outcome_format(std::string_view name, std::string_view text) {
    if (ends_with_ci(name, ".csv")) {
        return OutcomeFormat::csv;
    }
    if (ends_with_ci(name, ".jsonl") || ends_with_ci(name, ".ndjson") ||
        ends_with_ci(name, ".json")) {
        return OutcomeFormat::jsonl;
    }
    std::string_view body = trim(without_bom(text));
    return body.starts_with('{') ? OutcomeFormat::jsonl : OutcomeFormat::csv;
}

std::expected<Outcomes, std::string> parse_outcomes(std::string_view text, const std::string& name,
                                                    double band) {
    text = without_bom(text);
    return detect_outcome_format(name, text) == OutcomeFormat::csv ? parse_csv(text, name, band)
                                                                   : parse_jsonl(text, name, band);
}

std::expected<Outcomes, std::string> read_outcomes(const std::string& path, double band) {
    auto read = util::read_file_capped(path, k_max_outcomes_bytes);
    if (!read) {
        return std::unexpected(fmt::format("{}: {}", path, read.error()));
    }
    if (read->over_cap) {
        return std::unexpected(fmt::format("{}: larger than 64 MiB", path));
    }
    return parse_outcomes(read->bytes, path, band);
}

} // namespace roundtable::score
