#include <algorithm>
#include <array>
#include <cstring>
#include <fmt/format.h>
#include <gumbo.h>
#include <roundtable/article/dom.hpp>
#include <roundtable/article/extract.hpp>
#include <roundtable/article/html.hpp>
#include <roundtable/article/metadata.hpp>
#include <roundtable/article/normalize.hpp>
#include <vector>

namespace roundtable::article {

namespace {

constexpr std::size_t k_sniff_bytes = 8 * 1024;

// Fewer words than this in the markup's body sends extraction to its fallbacks.
constexpr std::size_t k_thin_words = 50;

char ascii_lower(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_ascii_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Counts occurrences of the tag "<name" followed by '>', '/' or whitespace in `lower`.
std::size_t count_tag(std::string_view lower, std::string_view name, std::size_t limit) {
    std::size_t count = 0;
    std::size_t pos = 0;
    while (count < limit && (pos = lower.find('<', pos)) != std::string_view::npos) {
        ++pos;
        if (lower.substr(pos).starts_with(name)) {
            const std::size_t after = pos + name.size();
            if (after < lower.size() &&
                (lower[after] == '>' || lower[after] == '/' || is_ascii_space(lower[after]))) {
                ++count;
            }
        }
    }
    return count;
}

bool has_tag(std::string_view lower, std::string_view name) {
    return count_tag(lower, name, 1) > 0;
}

// RAII owner of a gumbo parse tree.
class GumboTree {
public:
    explicit GumboTree(std::string_view html) {
        GumboOptions options = kGumboDefaultOptions;
        options.max_errors = 0; // we never read parse errors; do not collect them
        m_options = options;
        m_output = gumbo_parse_with_options(&m_options, html.data(), html.size());
    }
    GumboTree(const GumboTree&) = delete;
    GumboTree& operator=(const GumboTree&) = delete;
    ~GumboTree() {
        if (m_output != nullptr) {
            gumbo_destroy_output(&m_options, m_output);
        }
    }
    const GumboNode* root() const noexcept {
        return m_output != nullptr ? m_output->root : nullptr;
    }

private:
    GumboOptions m_options{};
    GumboOutput* m_output = nullptr;
};

// Returns whether `node` holds no readable text (script, style, head, ...).
bool is_skipped(const GumboNode* node) {
    if (node->type == GUMBO_NODE_TEMPLATE) {
        return true;
    }
    if (node->type != GUMBO_NODE_ELEMENT) {
        return false;
    }
    switch (node->v.element.tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE:
        return true;
    default:
        break;
    }
    const GumboVector* attributes = &node->v.element.attributes;
    if (gumbo_get_attribute(attributes, "hidden") != nullptr) {
        return true;
    }
    const GumboAttribute* aria = gumbo_get_attribute(attributes, "aria-hidden");
    return aria != nullptr && std::strcmp(aria->value, "true") == 0;
}

bool is_block(GumboTag tag) noexcept {
    switch (tag) {
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_P:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_BODY:
        return true;
    default:
        return false;
    }
}

// Appends the readable text under `root`. Iterative, so deep nesting cannot
// overflow the stack.
void append_text(const GumboNode* root, std::string& out) {
    struct Frame {
        const GumboNode* node;
        bool exit;
    };
    std::vector<Frame> stack{{root, false}};
    int pre_depth = 0;
    while (!stack.empty()) {
        const Frame frame = stack.back();
        stack.pop_back();
        const GumboNode* node = frame.node;
        switch (node->type) {
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_CDATA:
        case GUMBO_NODE_WHITESPACE: {
            const char* text = node->v.text.text;
            for (std::size_t i = 0; text[i] != '\0'; ++i) {
                const char c = text[i];
                out.push_back(pre_depth == 0 && is_ascii_space(c) ? ' ' : c);
            }
            break;
        }
        case GUMBO_NODE_DOCUMENT:
        case GUMBO_NODE_ELEMENT:
        case GUMBO_NODE_TEMPLATE: {
            if (node->type != GUMBO_NODE_DOCUMENT && frame.node != root && is_skipped(node)) {
                break;
            }
            const GumboTag tag =
                node->type == GUMBO_NODE_DOCUMENT ? GUMBO_TAG_UNKNOWN : node->v.element.tag;
            if (frame.exit) {
                if (tag == GUMBO_TAG_PRE) {
                    --pre_depth;
                }
                out.append("\n\n");
                break;
            }
            if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) {
                out.push_back(' ');
            }
            const bool block = is_block(tag);
            if (block) {
                out.append("\n\n");
                stack.push_back({node, true});
            }
            if (tag == GUMBO_TAG_PRE) {
                ++pre_depth;
            }
            const GumboVector& children = node->type == GUMBO_NODE_DOCUMENT
                                              ? node->v.document.children
                                              : node->v.element.children;
            for (unsigned int i = children.length; i > 0; --i) {
                stack.push_back({static_cast<const GumboNode*>(children.data[i - 1]), false});
            }
            break;
        }
        case GUMBO_NODE_COMMENT:
            break;
        }
    }
}

std::size_t count_words(std::string_view text) {
    std::size_t n = 0;
    bool in_word = false;
    for (const char c : text) {
        const bool space = is_ascii_space(c);
        n += !space && !in_word ? 1 : 0;
        in_word = !space;
    }
    return n;
}

// Returns the text of a body held as a string: HTML read as text, else as given.
std::string body_text(const std::string& body) {
    if (body.find('<') != std::string::npos && looks_like_html(body)) {
        return html_all_text(body);
    }
    return body;
}

// Returns why a page whose extraction gave no text has none.
std::string empty_reason(const Dom& dom) {
    const auto& nodes = dom.nodes();
    std::uint32_t chars = 0;
    std::uint32_t links = 0;
    for (const DomNode& n : nodes) {
        if (!n.is_text && n.tag == GUMBO_TAG_BODY) {
            chars = n.chars;
            links = n.link_chars;
            break;
        }
    }
    if (dom.has_password_field()) {
        return "a sign-in form and no article (a login wall)";
    }
    if (chars == 0) {
        std::size_t script_bytes = 0;
        for (const Dom::Script& script : dom.scripts()) {
            script_bytes += script.text.size();
        }
        return script_bytes > 0 ? "an empty shell whose content is loaded by scripts"
                                : "the page has no text";
    }
    (void)links;
    return "only navigation, links and labels, no article";
}

} // namespace

std::size_t html_depth(std::string_view html, std::size_t stop_at) {
    static constexpr std::array<std::string_view, 31> k_no_nesting{
        // void elements
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "keygen",
        // elements whose end tag is implied by a sibling
        "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot",
        "rb", "rt", "rp", "colgroup"};
    static constexpr std::array<std::string_view, 9> k_raw_text{"script",  "style",    "textarea",
                                                                "title",   "xmp",      "iframe",
                                                                "noembed", "noframes", "plaintext"};
    std::size_t depth = 0;
    std::size_t deepest = 0;
    std::string name;
    std::size_t pos = 0;
    while (deepest < stop_at && (pos = html.find('<', pos)) != std::string_view::npos) {
        ++pos;
        if (html.substr(pos).starts_with("!--")) {
            const std::size_t end = html.find("-->", pos + 3);
            pos = end == std::string_view::npos ? html.size() : end + 3;
            continue;
        }
        const bool closing = pos < html.size() && html[pos] == '/';
        std::size_t name_start = closing ? pos + 1 : pos;
        std::size_t name_end = name_start;
        while (name_end < html.size() &&
               ((html[name_end] >= 'a' && html[name_end] <= 'z') ||
                (html[name_end] >= 'A' && html[name_end] <= 'Z') ||
                (name_end > name_start && ((html[name_end] >= '0' && html[name_end] <= '9') ||
                                           html[name_end] == '-' || html[name_end] == ':')))) {
            ++name_end;
        }
        if (name_end == name_start) {
            continue; // "<!doctype", "<?xml", "a < b": not an element
        }
        name.assign(html.substr(name_start, name_end - name_start));
        for (char& c : name) {
            c = ascii_lower(c);
        }
        const std::size_t tag_end = html.find('>', name_end);
        if (tag_end == std::string_view::npos) {
            break;
        }
        pos = tag_end + 1;
        const bool nests =
            std::find(k_no_nesting.begin(), k_no_nesting.end(), name) == k_no_nesting.end();
        if (closing) {
            if (nests && depth > 0) {
                --depth;
            }
            continue;
        }
        if (std::find(k_raw_text.begin(), k_raw_text.end(), name) != k_raw_text.end()) {
            // Skip the element's body, which may contain anything that looks like tags.
            std::size_t search = pos;
            std::size_t end = std::string_view::npos;
            while ((end = html.find("</", search)) != std::string_view::npos) {
                std::size_t i = 0;
                while (i < name.size() && end + 2 + i < html.size() &&
                       ascii_lower(html[end + 2 + i]) == name[i]) {
                    ++i;
                }
                if (i == name.size()) {
                    break;
                }
                search = end + 2;
            }
            pos = end == std::string_view::npos ? html.size() : end;
            continue;
        }
        if (!nests || html[tag_end - 1] == '/') {
            continue;
        }
        ++depth;
        deepest = std::max(deepest, depth);
    }
    return deepest;
}

bool looks_like_html(std::string_view text) {
    const std::size_t start = text.find_first_not_of(" \t\n\r\f\v");
    if (start == std::string_view::npos) {
        return false;
    }
    const std::string_view head = text.substr(start, k_sniff_bytes);
    std::string lower(head.size(), '\0');
    for (std::size_t i = 0; i < head.size(); ++i) {
        lower[i] = ascii_lower(head[i]);
    }
    if (lower.starts_with("<!doctype html") || lower.starts_with("<html")) {
        return true;
    }
    if (lower.starts_with("<?xml") &&
        (has_tag(lower, "html") ||
         lower.find("http://www.w3.org/1999/xhtml") != std::string::npos)) {
        return true;
    }
    if (lower.starts_with('<')) {
        static constexpr std::array<std::string_view, 15> k_structure{
            "head",    "body", "title", "meta", "p",  "div",   "article", "main",
            "section", "h1",   "h2",    "br",   "ul", "table", "span"};
        for (const std::string_view tag : k_structure) {
            if (has_tag(lower, tag)) {
                return true;
            }
        }
        return false;
    }
    return has_tag(lower, "head") || has_tag(lower, "body") || count_tag(lower, "p", 3) >= 3;
}

std::string html_all_text(std::string_view html) {
    std::string text;
    if (html_depth(html) > k_max_html_depth) {
        return text;
    }
    const GumboTree tree(html);
    if (tree.root() != nullptr) {
        append_text(tree.root(), text);
    }
    return text;
}

std::expected<HtmlText, std::string> html_to_text(std::string_view html) {
    if (html_depth(html) > k_max_html_depth) {
        return std::unexpected(
            fmt::format("HTML nests too deeply (over {} levels)", k_max_html_depth));
    }
    HtmlText result;
    const Dom dom(html);
    PageMeta meta = read_metadata(dom);
    result.title = std::move(meta.title);
    result.byline = std::move(meta.byline);
    result.published = std::move(meta.published);
    result.site = std::move(meta.site);

    std::string text = extract_content(dom, result.title);
    std::size_t words = count_words(text);
    if (words < k_thin_words) { // thin: the page may keep its text in <noscript>
        ExtractOptions options;
        options.noscript = true;
        std::string with_noscript = extract_content(dom, result.title, options);
        if (const std::size_t n = count_words(with_noscript); n >= 30 && n >= 2 * words) {
            text = std::move(with_noscript);
            words = n;
        }
    }
    if (!meta.ld_body.empty()) { // structured data holds the whole body
        std::string ld = body_text(meta.ld_body);
        if (const std::size_t n = count_words(ld);
            n >= 30 && static_cast<double>(words) < 0.7 * static_cast<double>(n)) {
            text = std::move(ld);
            words = n;
        }
    }
    if (words < k_thin_words) { // a script-rendered page: its state object holds the body
        std::string from_script = script_body(dom);
        if (const std::size_t n = count_words(from_script); n > words) {
            text = std::move(from_script);
            words = n;
        }
    }
    if (words == 0) {
        text.clear();
        result.empty_reason = empty_reason(dom);
    } else if (dom.has_password_field() && words < 20) {
        text.clear();
        result.empty_reason = empty_reason(dom);
    }
    result.text = std::move(text);
    return result;
}

} // namespace roundtable::article
