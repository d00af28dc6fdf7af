// A page's metadata apart from its body: title (site name stripped), byline,
// publication date and site name, read from <meta> tags (Open Graph, article:,
// Dublin Core, schema.org itemprop), JSON-LD objects and the page's own markup;
// and the article bodies that pages hold outside their markup (JSON-LD
// articleBody, JSON in scripts) for pages whose markup has none.
// Pure functions over a Dom; thread-safe.
#pragma once

#include <roundtable/article/dom.hpp>
#include <string>
#include <string_view>

namespace roundtable::article {

struct PageMeta {
    std::string title;     // headline, site name stripped; may be ""
    std::string byline;    // author name(s), "By " dropped; may be ""
    std::string published; // publication date as the page states it (ISO 8601 when given so)
    std::string site;      // site name; may be ""
    std::string ld_body;   // JSON-LD articleBody, whitespace as given; may be ""
};

// Reads the metadata of `dom`; fields the page does not state are ""; never fails
// (unparsable JSON-LD is ignored).
PageMeta read_metadata(const Dom& dom);

// Returns `title` without a site name or section joined to it by " | ", " - ",
// " – ", " — ", " :: ", " · " or " » " ("Rates rise | MarketWire" gives "Rates
// rise"): the part equal to `site` goes, else a last part of at most four words after
// a longer headline; returns `title` unchanged when nothing looks appended.
std::string strip_site_name(std::string_view title, std::string_view site);

// Returns the longest prose held in JSON inside the page's scripts (a Next.js or
// similar state object, application/json blocks): string values of at least 80 words
// that read as sentences, HTML in them turned into text, joined as paragraphs when
// one object holds several; "" when there is none. Never fails.
std::string script_body(const Dom& dom);

} // namespace roundtable::article
