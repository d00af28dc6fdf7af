// Renderers of the consensus card: plain text for terminals, Markdown, the v1
// JSON contract and a standalone HTML page, plus the JSON Schema of that JSON.
//
// Renderers only read a panel::Card (DESIGN §1); every format shows the card's
// parts in the same order: header, consensus, risk, opportunity, takes,
// rebuttals, guards, footer. All functions are pure and thread-safe.
#pragma once

#include <optional>
#include <roundtable/panel/card.hpp>
#include <string>
#include <string_view>

namespace roundtable::render {

enum class Format { text, markdown, json, html };

struct RenderOptions {
    Format format = Format::text;
    bool color = false; // ANSI colour; used by the text format only
    int width = 80;     // line width in terminal columns; used by the text format only
};

// Parses "text", "markdown" (or "md"), "json" or "html"; returns nullopt for anything else.
std::optional<Format> parse_format(std::string_view name);

// Returns the canonical name of `format` ("text", "markdown", "json", "html"); never fails.
std::string_view format_name(Format format);

// Renders `card` in `options.format`; never fails (a width below 20 is treated as 20).
std::string render(const panel::Card& card, const RenderOptions& options);

// Renders `card` as wrapped terminal text, coloured when `color`; never fails.
std::string render_text(const panel::Card& card, bool color, int width);

// Renders `card` as a Markdown document with article text escaped; never fails.
std::string render_markdown(const panel::Card& card);

// Renders `card` as the v1 JSON contract, indented by 2, with a trailing newline; never fails.
std::string render_json(const panel::Card& card);

// Returns `text` with &, <, >, " and ' replaced by HTML character references; never fails.
std::string html_escape(std::string_view text);

// Renders `card` as one standalone HTML page with every card string escaped; never fails.
std::string render_html(const panel::Card& card);

// Returns the JSON Schema (draft 2020-12) of the v1 JSON card, pretty-printed; never fails.
std::string card_json_schema();

} // namespace roundtable::render
