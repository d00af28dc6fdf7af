// Main-content extraction: the article's body out of a whole web page.
//
// Over a Dom, in four steps:
//  1. boilerplate subtrees are set aside: hidden elements, <nav>/<aside>/<header>/
//     <footer>, and elements whose class or id name comments, related links, share
//     bars, promotions, newsletters, cookie banners, ads, bylines and the like (a
//     wrapper that holds most of the page's text is never set aside by its name);
//  2. every paragraph-like block (p, pre, td, and divs holding text) is scored by
//     its length and commas, and the score flows to its parent and, fading, to
//     further ancestors, each weighted by its tag, its class/id hints (article,
//     content, story... up; comment, sidebar... down) and, at the end, by how
//     little of its text is link text;
//  3. the best ancestor is the article's container; it grows to an ancestor that
//     scores higher or holds the other high-scoring blocks, and takes in its
//     siblings that score well or read as paragraphs;
//  4. inside it, link-dense lists and blocks, a heading repeating the title, labels
//     such as "Advertisement", and repeated blocks are left out; headings, lists,
//     quotes and tables stay.
// The ideas are the published ones of Readability, jusText, boilerpipe and
// trafilatura; the code is ours. Pure functions; thread-safe.
#pragma once

#include <roundtable/article/dom.hpp>
#include <string>
#include <string_view>

namespace roundtable::article {

struct ExtractOptions {
    bool noscript = false; // read <noscript> content too (the fallback for script-only pages)
};

// Returns the article body of `dom` as blocks separated by "\n\n" (not yet
// normalized); a block equal to `title` is left out. Returns "" when the page has no
// readable text; never fails.
std::string extract_content(const Dom& dom, std::string_view title,
                            const ExtractOptions& options = {});

} // namespace roundtable::article
