#include <fmt/format.h>
#include <optional>
#include <roundtable/article/article.hpp>
#include <roundtable/article/encoding.hpp>
#include <roundtable/article/html.hpp>
#include <roundtable/article/normalize.hpp>
#include <roundtable/util/error.hpp>
#include <roundtable/util/file.hpp>
#include <roundtable/util/hash.hpp>
#include <roundtable/util/units.hpp>
#include <unistd.h>
#include <utility>

namespace roundtable::article {

namespace {

[[noreturn]] void fail(std::string_view source, std::string_view problem) {
    throw Error(Exit::usage, source_message(source, problem));
}

std::string size_problem(std::optional<std::uint64_t> size, const ReadOptions& options) {
    std::string limit = util::format_size(options.max_bytes);
    const std::string hint = options.size_flag.empty()
                                 ? std::string()
                                 : fmt::format(" (raise it with {})", options.size_flag);
    if (!size) {
        return fmt::format("input is over the {} limit{}", limit, hint);
    }
    std::string actual = util::format_size(*size);
    if (actual == limit) { // rounding hides the difference: show exact counts
        actual = fmt::format("{} bytes", *size);
        limit = fmt::format("{} bytes", options.max_bytes);
    }
    return fmt::format("input is {}, over the {} limit{}", actual, limit, hint);
}

bool is_blank(std::string_view bytes) noexcept {
    return bytes.find_first_not_of(" \t\n\r\f\v") == std::string_view::npos;
}

Article from_read(util::CappedRead read, std::string source, const ReadOptions& options) {
    if (read.over_cap) {
        fail(source, size_problem(read.size, options));
    }
    return from_bytes(std::move(read.bytes), std::move(source), options);
}

} // namespace

std::string grounding_text(const Article& article) {
    if (article.title.empty()) {
        return article.text;
    }
    return fmt::format("{}\n\n{}", article.title, article.text);
}

std::string source_message(std::string_view source, std::string_view problem) {
    if (source.empty()) {
        return std::string(problem);
    }
    return fmt::format("{}: {}", source, problem);
}

Article from_bytes(std::string bytes, std::string source, const ReadOptions& options) {
    if (bytes.size() > options.max_bytes) {
        fail(source, size_problem(bytes.size(), options));
    }
    const std::string_view content = strip_bom(bytes);
    if (is_blank(content)) {
        fail(source, "input is empty");
    }
    if (const std::optional<std::string> why = binary_reason(content)) {
        if (why->starts_with("UTF-16")) {
            fail(source,
                 "input is UTF-16 text; convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)");
        }
        fail(source, fmt::format("input looks binary ({}), not text", *why));
    }

    Article article;
    article.bytes = bytes.size();
    Utf8Repair repaired = repair_utf8(content);
    if (repaired.replaced > 0 && looks_like_html(content)) {
        // Not UTF-8: the page's own declaration, else the web's legacy default.
        std::string charset = declared_charset(content);
        if (charset.empty() || charset == "utf-8" || charset == "utf8") {
            charset = "windows-1252";
        }
        if (std::optional<std::string> converted = to_utf8(content, charset)) {
            Utf8Repair clean = repair_utf8(*converted);
            if (clean.replaced == 0) {
                repaired = std::move(clean);
            }
        }
    }
    if (repaired.replaced > 0) {
        article.warnings.push_back(source_message(
            source, fmt::format("replaced {} invalid UTF-8 {} with U+FFFD", repaired.replaced,
                                repaired.replaced == 1 ? "sequence" : "sequences")));
    }
    bytes.clear();
    bytes.shrink_to_fit();

    if (looks_like_html(repaired.text)) {
        auto extracted = html_to_text(repaired.text);
        if (!extracted) {
            fail(source, fmt::format("input {}", extracted.error()));
        }
        HtmlText& html = *extracted;
        article.from_html = true;
        article.title = std::move(html.title);
        article.byline = std::move(html.byline);
        article.published = std::move(html.published);
        article.site = std::move(html.site);
        article.text = normalize_text(html.text);
        if (article.text.empty() && !html.empty_reason.empty() &&
            html.empty_reason != "the page has no text") {
            fail(source, fmt::format("input has no article text: {}", html.empty_reason));
        }
    } else {
        article.text = normalize_text(repaired.text);
        article.title = plain_text_title(article.text);
    }
    if (article.text.empty()) {
        // Plain text that normalizes to nothing held only (Unicode) whitespace.
        fail(source, article.from_html ? "input has no text" : "input is empty");
    }
    article.sha256 = util::sha256_hex(article.text);
    article.chars = count_code_points(article.text);
    article.source = std::move(source);
    return article;
}

Article read_file(const std::string& path, const ReadOptions& options) {
    auto read = util::read_file_capped(path, options.max_bytes);
    if (!read) {
        fail(path.empty() ? std::string_view("(empty path)") : std::string_view(path),
             read.error());
    }
    return from_read(std::move(*read), path, options);
}

Article read_stdin(const ReadOptions& options) {
    // POSIX makes no text/binary distinction: bytes arrive exactly as written.
    auto read = util::read_fd_capped(STDIN_FILENO, options.max_bytes);
    if (!read) {
        fail("stdin", read.error());
    }
    return from_read(std::move(*read), "stdin", options);
}

} // namespace roundtable::article
