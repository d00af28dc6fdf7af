// A parsed HTML page as a flat array of nodes in document order, the form the
// content extractor and the metadata reader work on.
//
// libxml2's HTML parser (the parser under lxml, and so under trafilatura and
// readability-lxml) reads and repairs the markup when the system has it: it is loaded
// with dlopen on first use (libxml2.so.2, or ROUNDTABLE_LIBXML2=PATH), like libcurl,
// so nothing loads it at start-up; it parses several times faster than gumbo, which
// is the fallback when libxml2 cannot be loaded. Dom then keeps every element and text node
// that can hold readable text (script, style, template, svg and form controls are
// left out, their text too) as a `DomNode` with its parent, the end of its subtree
// and its text counts summed bottom-up, so that any subtree is a contiguous range
// [i, end) that loops read without recursion. Element names with an XML prefix
// ("html:p", "x:div") are read as their local name, so XHTML pages with namespace
// prefixes read like HTML. A Dom owns its gumbo tree; it is immutable once built
// (the extractor's marks live in its own arrays) and not copyable.
#pragma once

#include <cstdint>
#include <gumbo.h>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::article {

struct DomNode {
    std::string_view text; // a text node's text (owned by the parse tree)
    int attr_begin = 0;    // an element's attributes: Dom's attribute range
    int attr_end = 0;
    int parent = -1;                  // index of the parent element; -1 for the root
    int end = 0;                      // one past the last node of this subtree
    GumboTag tag = GUMBO_TAG_UNKNOWN; // element tag (local name resolved); UNKNOWN for text
    bool is_text = false;
    bool in_link = false;             // inside an <a href>
    bool in_noscript = false;         // inside a <noscript>
    std::uint32_t chars = 0;          // non-space bytes of text in the subtree
    std::uint32_t link_chars = 0;     // of which inside links
    std::uint32_t commas = 0;         // commas in the subtree's text
    std::uint32_t noscript_chars = 0; // of which inside <noscript>
};

enum class Parser { automatic, gumbo };

class Dom {
public:
    // Parses `html` (valid UTF-8) with libxml2 when it can be loaded, else (or with
    // Parser::gumbo) with gumbo; never fails (both repair any markup). Callers bound
    // the nesting first (html_depth).
    explicit Dom(std::string_view html, Parser parser = Parser::automatic);
    Dom(const Dom&) = delete;
    Dom& operator=(const Dom&) = delete;
    ~Dom();

    // Returns the nodes in document order; node 0 is the <html> element (or none
    // when the document was empty).
    const std::vector<DomNode>& nodes() const noexcept { return m_nodes; }

    // Returns whether libxml2 parsed the page (false: gumbo did).
    bool parsed_by_libxml2() const noexcept;

    // Returns the raw text of elements the array leaves out but metadata needs:
    // the bodies of <script> elements with their type attribute (lower case), and
    // the <title>, in document order.
    struct Script {
        std::string type;
        std::string id;
        std::string_view text;
    };
    const std::vector<Script>& scripts() const noexcept { return m_scripts; }
    std::string_view title() const noexcept { return m_title; }

    // Returns whether the page has a password field (a sign-in form).
    bool has_password_field() const noexcept { return m_password; }

    // Returns the value of attribute `name` of element node `i`, or "" when absent.
    std::string_view attr(int i, const char* name) const;

    // Returns the lower-case words of node i's class and id ("relatedStories
    // sidebar-2" gives related, stories, sidebar, 2); an id of four or more words is an
    // anchor made from a heading and gives none. Empty for text nodes.
    std::vector<std::string> hint_words(int i) const;

    // Returns the text of the subtree of node `i` on one line, whitespace collapsed.
    std::string line_text(int i) const;

    class Builder; // fills a Dom from either parser's tree (dom.cpp)

private:
    struct Parsed;
    std::unique_ptr<Parsed> m_parsed;
    std::vector<DomNode> m_nodes;
    std::vector<std::pair<std::string_view, std::string_view>> m_attrs; // name, value
    std::vector<Script> m_scripts;
    std::string m_title;
    bool m_password = false;
};

} // namespace roundtable::article
