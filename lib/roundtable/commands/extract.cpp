#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <ostream>
#include <roundtable/article/article.hpp>
#include <roundtable/commands/extract.hpp>
#include <roundtable/commands/fetch.hpp>
#include <roundtable/util/error.hpp>

namespace roundtable::commands {

namespace {

article::Article read_input(const ExtractOptions& options) {
    article::ReadOptions read;
    read.max_bytes = options.max_bytes;
    read.size_flag = "--max-bytes";
    if (options.input.empty() || options.input == "-") {
        return article::read_stdin(read);
    }
    if (options.input.starts_with("http://") || options.input.starts_with("https://")) {
        return fetch_article(options.input, read);
    }
    return article::read_file(options.input, read);
}

nlohmann::json or_null(const std::string& value) {
    return value.empty() ? nlohmann::json(nullptr) : nlohmann::json(value);
}

} // namespace

int run_extract(const ExtractOptions& options, std::ostream& out, std::ostream& err) {
    if (options.format != "text" && options.format != "json") {
        throw Error(
            Exit::usage,
            fmt::format("--format: unknown format '{}' (expected text or json)", options.format));
    }
    const article::Article article = read_input(options);
    for (const auto& warning : article.warnings) {
        err << "roundtable: warning: " << warning << '\n';
    }
    const std::string source = article.source.empty() ? "stdin" : article.source;
    if (options.format == "json") {
        const nlohmann::json j{{"title", or_null(article.title)},
                               {"byline", or_null(article.byline)},
                               {"published", or_null(article.published)},
                               {"site", or_null(article.site)},
                               {"text", article.text},
                               {"chars", article.chars},
                               {"source", source}};
        out << j.dump(2) << '\n';
        return 0;
    }
    // Text: the title, the metadata, then the body (title and body are the text
    // claims are grounded in: article::grounding_text).
    std::string credits;
    for (const auto& [label, value] : {std::pair{"by ", &article.byline},
                                       {"", &article.site},
                                       {"published ", &article.published}}) {
        if (!value->empty()) {
            credits += fmt::format("{}{}{}", credits.empty() ? "" : " · ", label, *value);
        }
    }
    out << (article.title.empty() ? "(untitled)" : article.title) << '\n';
    if (!credits.empty()) {
        out << credits << '\n';
    }
    out << fmt::format("source: {} · {} chars\n\n", source, article.chars);
    out << article.text << '\n';
    return 0;
}

} // namespace roundtable::commands
