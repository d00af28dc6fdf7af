#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fmt/format.h>
#include <glob.h>
#include <nlohmann/json.hpp>
#include <roundtable/batch/inputs.hpp>
#include <roundtable/util/hash.hpp>
#include <roundtable/util/json_depth.hpp>
#include <system_error>

namespace roundtable::batch {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool is_jsonl(std::string_view path) {
    return lower(fs::path(path).extension().string()) == ".jsonl";
}

bool has_glob_chars(std::string_view s) {
    return s.find_first_of("*?[") != std::string_view::npos;
}

// Reads one line of `in` (without its '\n') into `line`, keeping at most `max` bytes: the rest
// of a longer line is read and dropped, and `too_long` set. Returns false at the end of input.
bool read_bounded_line(std::istream& in, std::string& line, std::size_t max, bool& too_long) {
    line.clear();
    too_long = false;
    bool any = false;
    std::streambuf* buffer = in.rdbuf();
    for (;;) {
        const auto c = buffer->sbumpc();
        if (c == std::char_traits<char>::eof()) {
            in.setstate(std::ios::eofbit);
            return any;
        }
        any = true;
        if (c == '\n') {
            return true;
        }
        if (line.size() < max) {
            line.push_back(static_cast<char>(c));
        } else {
            too_long = true;
        }
    }
}

InputItem error_item(std::string id, std::string message, std::string origin) {
    InputItem item;
    item.kind = InputItem::Kind::error;
    item.id = std::move(id);
    item.value = std::move(message);
    item.origin = std::move(origin);
    return item;
}

InputItem file_item(std::string id, std::string path) {
    InputItem item;
    item.kind = InputItem::Kind::file;
    item.id = std::move(id);
    item.origin = path;
    item.value = std::move(path);
    return item;
}

} // namespace

bool is_article_file(std::string_view path) {
    auto ext = lower(fs::path(path).extension().string());
    return ext == ".txt" || ext == ".md" || ext == ".html" || ext == ".htm";
}

std::string text_id(std::string_view text) {
    return "sha256:" + util::sha256_hex(text).substr(0, 16);
}

InputItem parse_jsonl_line(std::string_view text, const std::string& file, std::size_t line,
                           const std::string& base_dir) {
    const std::string where = fmt::format("{}:{}", file, line);
    auto fail = [&](std::string_view problem) {
        return error_item(where, fmt::format("{}: {}", where, problem), where);
    };
    if (!util::json_depth_ok(text)) {
        return fail(fmt::format("nests JSON deeper than {} levels", util::k_max_json_depth));
    }
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) {
        return fail("not valid JSON");
    }
    if (!j.is_object()) {
        return fail("expected a JSON object");
    }
    InputItem item;
    item.origin = where;
    if (j.contains("id")) {
        if (!j["id"].is_string() || j["id"].get<std::string>().empty()) {
            return fail("\"id\" must be a non-empty string");
        }
        item.id = j["id"].get<std::string>();
    }
    if (j.contains("title")) {
        if (!j["title"].is_string()) {
            return fail("\"title\" must be a string");
        }
        item.title = j["title"].get<std::string>();
    }
    int sources = 0;
    for (const char* name : {"text", "path", "url"}) {
        if (!j.contains(name)) {
            continue;
        }
        ++sources;
        if (!j[name].is_string() || j[name].get<std::string>().empty()) {
            return fail(fmt::format("\"{}\" must be a non-empty string", name));
        }
    }
    if (sources != 1) {
        return fail("expected exactly one of \"text\", \"path\" or \"url\"");
    }
    if (j.contains("text")) {
        item.kind = InputItem::Kind::text;
        item.value = j["text"].get<std::string>();
        if (item.id.empty()) {
            item.id = text_id(item.value);
        }
    } else if (j.contains("path")) {
        item.kind = InputItem::Kind::file;
        std::string path = j["path"].get<std::string>();
        if (item.id.empty()) {
            item.id = path;
        }
        fs::path p(path);
        item.value = p.is_absolute() || base_dir.empty() ? path : (fs::path(base_dir) / p).string();
    } else {
        item.kind = InputItem::Kind::url;
        item.value = j["url"].get<std::string>();
        if (item.id.empty()) {
            item.id = item.value;
        }
    }
    return item;
}

InputReader::InputReader(std::vector<std::string> inputs) : m_inputs(std::move(inputs)) {}

void InputReader::expand(const std::string& input) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
        std::vector<std::string> found;
        fs::recursive_directory_iterator it(input, fs::directory_options::skip_permission_denied,
                                            ec);
        if (ec) {
            m_pending.push_back(error_item(
                input, fmt::format("{}: cannot list folder ({})", input, ec.message()), input));
            return;
        }
        for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (ec) {
                break;
            }
            std::error_code type_ec;
            if (it->is_regular_file(type_ec) && is_article_file(it->path().string())) {
                found.push_back(it->path().string());
            }
        }
        std::sort(found.begin(), found.end());
        for (auto& path : found) {
            std::string id = fs::path(path).lexically_relative(input).generic_string();
            m_pending.push_back(file_item(std::move(id), std::move(path)));
        }
        return;
    }
    if (fs::exists(input, ec)) {
        if (is_jsonl(input)) {
            m_jsonl = std::make_unique<std::ifstream>(input, std::ios::binary);
            if (!*m_jsonl) {
                m_jsonl.reset();
                m_pending.push_back(
                    error_item(input, fmt::format("{}: cannot be read", input), input));
                return;
            }
            m_jsonl_path = input;
            m_jsonl_dir = fs::path(input).parent_path().string();
            m_jsonl_line = 0;
            return;
        }
        m_pending.push_back(file_item(fs::path(input).lexically_normal().generic_string(), input));
        return;
    }
    if (has_glob_chars(input)) {
        glob_t g{};
        int rc = ::glob(input.c_str(), GLOB_MARK, nullptr, &g);
        std::vector<std::string> matches;
        if (rc == 0) {
            for (std::size_t i = 0; i < g.gl_pathc; ++i) {
                matches.emplace_back(g.gl_pathv[i]);
            }
        }
        ::globfree(&g);
        if (matches.empty()) {
            m_pending.push_back(
                error_item(input, fmt::format("{}: no file matches", input), input));
            return;
        }
        // Matched folders and .jsonl files are expanded in turn, after the plain files.
        std::vector<std::string> nested;
        for (auto& m : matches) {
            if (m.ends_with('/') || is_jsonl(m)) {
                nested.push_back(m.ends_with('/') ? m.substr(0, m.size() - 1) : m);
            } else {
                m_pending.push_back(file_item(fs::path(m).lexically_normal().generic_string(), m));
            }
        }
        m_inputs.insert(m_inputs.begin() + static_cast<std::ptrdiff_t>(m_next_input),
                        nested.begin(), nested.end());
        return;
    }
    m_pending.push_back(error_item(input, fmt::format("{}: no such file", input), input));
}

std::optional<InputItem> InputReader::next() {
    for (;;) {
        if (!m_pending.empty()) {
            InputItem item = std::move(m_pending.front());
            m_pending.pop_front();
            return item;
        }
        if (m_jsonl) {
            std::string line;
            bool too_long = false;
            if (read_bounded_line(*m_jsonl, line, k_max_jsonl_line_bytes, too_long)) {
                ++m_jsonl_line;
                if (too_long) {
                    const std::string where = fmt::format("{}:{}", m_jsonl_path, m_jsonl_line);
                    return error_item(
                        where,
                        fmt::format("{}: line longer than {} bytes", where, k_max_jsonl_line_bytes),
                        where);
                }
                if (!line.empty() && line.back() == '\r') {
                    line.pop_back();
                }
                if (line.find_first_not_of(" \t") == std::string::npos) {
                    continue;
                }
                return parse_jsonl_line(line, m_jsonl_path, m_jsonl_line, m_jsonl_dir);
            }
            m_jsonl.reset();
            continue;
        }
        if (m_next_input >= m_inputs.size()) {
            return std::nullopt;
        }
        std::string input = m_inputs[m_next_input++];
        expand(input);
    }
}

} // namespace roundtable::batch
