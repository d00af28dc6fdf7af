#include <algorithm>
#include <roundtable/render/render.hpp>

namespace roundtable::render {

namespace {

constexpr int k_min_render_width = 20;

} // namespace

std::optional<Format> parse_format(std::string_view name) {
    if (name == "text") {
        return Format::text;
    }
    if (name == "markdown" || name == "md") {
        return Format::markdown;
    }
    if (name == "json") {
        return Format::json;
    }
    if (name == "html") {
        return Format::html;
    }
    return std::nullopt;
}

std::string_view format_name(Format format) {
    switch (format) {
    case Format::text:
        return "text";
    case Format::markdown:
        return "markdown";
    case Format::json:
        return "json";
    case Format::html:
        return "html";
    }
    return "text";
}

std::string render(const panel::Card& card, const RenderOptions& options) {
    switch (options.format) {
    case Format::text:
        return render_text(card, options.color, std::max(options.width, k_min_render_width));
    case Format::markdown:
        return render_markdown(card);
    case Format::json:
        return render_json(card);
    case Format::html:
        return render_html(card);
    }
    return render_text(card, options.color, std::max(options.width, k_min_render_width));
}

} // namespace roundtable::render
