// HTML detection by content and HTML-to-text extraction (gumbo).
//
// Extraction keeps the article and little else: the page's metadata (title with
// the site name stripped, byline, date, site name; article/metadata.hpp) apart
// from its body, and the body by main-content extraction (article/extract.hpp).
// Pages whose markup holds no article still give their text when they carry it
// elsewhere: a JSON-LD articleBody, <noscript> fallbacks, JSON in scripts. Entities
// are decoded by the parser. Pure functions; thread-safe (gumbo keeps no global
// state).
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
    std::string title;        // headline (og:title, JSON-LD, <h1>, <title>), site name stripped
    std::string byline;       // author(s); may be ""
    std::string published;    // publication date as the page states it; may be ""
    std::string site;         // site name; may be ""
    std::string text;         // the article body, blocks separated by "\n\n"; not yet normalized
    std::string empty_reason; // when `text` is empty: why the page has no article text
};

// Deepest element nesting html_to_text accepts. The parser's cost grows with depth
// times the number of tags, so absurd nesting is refused rather than parsed for minutes.
inline constexpr std::size_t k_max_html_depth = 1000;

// Returns an estimate of the deepest element nesting of `html` from its tags (void,
// self-closing and implicitly closed elements do not nest; script and style bodies
// and comments are skipped); fast, never fails. Stops counting above `stop_at`.
std::size_t html_depth(std::string_view html, std::size_t stop_at = k_max_html_depth + 1);

// Returns every visible text of `html` (valid UTF-8) with no choice of content:
// blocks as "\n\n"-separated paragraphs, script, style and head left out. For
// reading texts that are already just an article (a benchmark's expected HTML).
// Never fails; absurdly deep nesting gives "".
std::string html_all_text(std::string_view html);

// Extracts the metadata and the article body of `html` (valid UTF-8); gumbo repairs
// any markup. Returns "HTML nests too deeply (over 1000 levels)" if html_depth exceeds
// k_max_html_depth. A page with no article text gives an empty `text` and says why in
// `empty_reason`: "the page has no text", "a sign-in form and no article (a login
// wall)", "an empty shell whose content is loaded by scripts", or "only navigation,
// links and labels, no article".
std::expected<HtmlText, std::string> html_to_text(std::string_view html);

} // namespace roundtable::article
