// HTML detection by content and HTML-to-text extraction (gumbo).
//
// Extraction keeps the readable body: it skips script, style, noscript, nav,
// header, footer, aside, form, svg, template, iframe and elements marked hidden,
// turns block elements into paragraph breaks, and prefers the largest <article>
// (else <main>, else <body>). Entities are decoded by the parser. Pure functions;
// thread-safe (gumbo keeps no global state).
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

namespace roundtable::article {

// Returns true when `text` looks like HTML: it starts (after whitespace) with
// "<!doctype html" or "<html", or it starts with a tag and an HTML structure tag
// (head, body, title, meta, p, div, article, ...) appears in its first 8 KiB, or
// it has <head>/<body> or at least three <p> tags there. Never fails.
bool looks_like_html(std::string_view text);

struct HtmlText {
    std::string title; // <title>, else the first <h1>, whitespace collapsed; may be ""
    std::string text;  // readable text, blocks separated by "\n\n"; not yet normalized
};

// Deepest element nesting html_to_text accepts. The parser's cost grows with depth
// times the number of tags, so absurd nesting is refused rather than parsed for minutes.
inline constexpr std::size_t k_max_html_depth = 1000;

// Returns an estimate of the deepest element nesting of `html` from its tags (void,
// self-closing and implicitly closed elements do not nest; script and style bodies
// and comments are skipped); fast, never fails. Stops counting above `stop_at`.
std::size_t html_depth(std::string_view html, std::size_t stop_at = k_max_html_depth + 1);

// Extracts title and readable text from `html` (valid UTF-8); gumbo repairs any
// markup. Returns "HTML nests too deeply (over 1000 levels)" if html_depth exceeds
// k_max_html_depth.
std::expected<HtmlText, std::string> html_to_text(std::string_view html);

} // namespace roundtable::article
